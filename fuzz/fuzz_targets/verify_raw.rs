//! Arbitrary bytes split into body, header, secrets, clock and tolerance: verification
//! must never panic and must give the model's decision.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use stripe_edge_fuzz::{check_verify, FuzzTolerance};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    header: Option<&'a str>,
    secrets: Vec<&'a str>,
    now_secs: i64,
    tolerance: FuzzTolerance,
    body: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    check_verify(
        input.body,
        input.header,
        &input.secrets,
        input.now_secs,
        input.tolerance.get(),
    );
});
