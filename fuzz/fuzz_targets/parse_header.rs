//! Any bytes as a `Stripe-Signature` header: the parser must never panic and must
//! agree with the reference model.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Headers reach the parser as text; bytes that are not UTF-8 are tried the way a
    // lossy decoder would hand them over.
    match std::str::from_utf8(data) {
        Ok(header) => stripe_edge_fuzz::check_parse(header),
        Err(_) => stripe_edge_fuzz::check_parse(&String::from_utf8_lossy(data)),
    }
});
