//! Exports `probe_alloc` and `probe_parse`: the host writes a signed event into memory
//! and the module verifies it and parses it the way the build's features allow.
//! Only for measuring size; the numbers it returns let the script check that each
//! build really parses.

use stripe_edge::{construct_event, Tolerance};

/// The secret the size script signs its sample with; a placeholder, not a key.
const SECRET: &str = "whsec_size_probe_placeholder";

/// Reserves `len` bytes for the host to write into; `probe_parse` takes them back.
#[no_mangle]
pub extern "C" fn probe_alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len);
    let pointer = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    pointer
}

/// Verifies `body` against `header` (both written by the host) at `now_secs` and
/// parses it. Returns -1 when refused, 0 for an untyped event, 1 for a typed one.
///
/// # Safety
/// Both ranges must come from `probe_alloc` with these lengths and be initialised.
#[no_mangle]
pub unsafe extern "C" fn probe_parse(
    body: *mut u8,
    body_len: usize,
    header: *mut u8,
    header_len: usize,
    now_secs: i64,
) -> i32 {
    let body = Vec::from_raw_parts(body, body_len, body_len);
    let header = Vec::from_raw_parts(header, header_len, header_len);
    let Ok(header) = std::str::from_utf8(&header) else {
        return -1;
    };
    let Ok(event) = construct_event(
        &body,
        Some(header),
        &[SECRET],
        now_secs,
        Tolerance::default(),
    ) else {
        return -1;
    };
    typed(event)
}

#[cfg(any(feature = "models", feature = "models-payments"))]
fn typed(event: stripe_edge::Event) -> i32 {
    match stripe_edge::StripeEvent::from_event(event) {
        Ok(stripe_edge::StripeEvent::Unknown(_)) => 0,
        Ok(_) => 1,
        Err(_) => -1,
    }
}

#[cfg(not(any(feature = "models", feature = "models-payments")))]
fn typed(_event: stripe_edge::Event) -> i32 {
    0
}
