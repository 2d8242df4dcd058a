//! Webhook verification across the wasm boundary.
//!
//! A body reaches the module through one reusable input buffer that JavaScript fills
//! in place (`TextEncoder.encodeInto` for a string, one copy for bytes): wasm-bindgen's
//! own string passing copies ASCII a character at a time in JavaScript, which cost
//! more than the hashing. Where the runtime has node:crypto (Node, workerd with
//! nodejs_compat), all but short bodies do not enter at all: the host computes each
//! MAC with its native HMAC while every decision is still made here.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::webhook::{self, MacInput, PayloadMac, Tolerance, WebhookError};

thread_local! {
    /// The body of the call being made, or one piece of a large body. Kept between
    /// calls so a steady stream of deliveries does not allocate; it is as large as the
    /// largest piece seen, which the JavaScript side bounds.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };

    /// The MAC being fed piece by piece (`mac_begin`, `mac_update`, `mac_finish`).
    static STREAM: RefCell<Option<PayloadMac>> = const { RefCell::new(None) };
}

#[wasm_bindgen]
extern "C" {
    /// The host's HMAC-SHA256 (`node:crypto`), from the package's JavaScript.
    pub type HostMac;

    /// Writes HMAC-SHA256 keyed with the caller's secret number `secret_index` over
    /// `"{timestamp_secs}.{body}"` into `out`. Must not throw.
    #[wasm_bindgen(method, structural)]
    fn mac(this: &HostMac, secret_index: u32, timestamp_secs: f64, out: &mut [u8]);
}

/// Makes room for `capacity` bytes of body in the input buffer and returns where they
/// start in linear memory. JavaScript writes the body there, then passes its length to
/// one of the `*_input` functions. Valid until the next call into the module.
///
/// Returns null when memory cannot grow that far: a failed allocation would abort,
/// and an abort leaves the instance unusable.
#[wasm_bindgen]
pub fn input_buffer(capacity: usize) -> *mut u8 {
    let start = INPUT.try_with(|input| {
        let Ok(mut input) = input.try_borrow_mut() else {
            return core::ptr::null_mut();
        };
        // Grown only, never cleared: the caller overwrites what it passes on.
        if let Some(extra) = capacity.checked_sub(input.len()) {
            if input.try_reserve_exact(extra).is_err() {
                return core::ptr::null_mut();
            }
            input.resize(capacity, 0);
        }
        input.as_mut_ptr()
    });
    start.unwrap_or(core::ptr::null_mut())
}

/// Runs `f` on the first `len` bytes of the input buffer, or returns
/// `invalid_payload` if the caller claims more than it was given room for.
fn with_input(len: usize, f: impl FnOnce(&[u8]) -> Result<(), WebhookError>) -> u32 {
    let outcome = INPUT.try_with(|input| match input.try_borrow() {
        Ok(input) => match input.get(..len) {
            Some(payload) => f(payload),
            None => Err(WebhookError::InvalidPayload),
        },
        Err(_) => Err(WebhookError::InvalidPayload),
    });
    outcome_number(outcome.unwrap_or(Err(WebhookError::InvalidPayload)))
}

/// 0 for success, else the error's number. A number is returned rather than an
/// exception because it costs nothing to cross the boundary on the hot path.
fn outcome_number(outcome: Result<(), WebhookError>) -> u32 {
    match outcome {
        Ok(()) => 0,
        Err(error) => error.number(),
    }
}

/// A whole number of seconds, or a negative value to disable the time check; the
/// JavaScript wrapper decides which after validating the caller's option.
fn tolerance(tolerance_secs: f64) -> Tolerance {
    if tolerance_secs < 0.0 {
        Tolerance::Disabled
    } else {
        // `as` saturates, so a huge or NaN value cannot wrap.
        Tolerance::Secs(tolerance_secs as u64)
    }
}

/// Verifies the body in the input buffer (see `input_buffer`). Returns 0 when genuine
/// and fresh, else the error's number (see `webhook_error_code`).
#[wasm_bindgen]
pub fn verify_signature_input(
    len: usize,
    header: Option<String>,
    secrets: Vec<String>,
    now_secs: f64,
    tolerance_secs: f64,
) -> u32 {
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    with_input(len, |payload| {
        webhook::verify_signature(
            payload,
            header.as_deref(),
            &secrets,
            now_secs as i64,
            tolerance(tolerance_secs),
        )
        .map(drop)
    })
}

/// Verifies a body that stays in JavaScript: `host.mac` computes each MAC the core
/// asks for, and the core makes every decision, exactly as `verify_signature_input`.
#[wasm_bindgen]
pub fn verify_signature_host(
    header: Option<String>,
    secrets: Vec<String>,
    now_secs: f64,
    tolerance_secs: f64,
    host: &HostMac,
) -> u32 {
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let outcome = webhook::verify_signature_with(
        header.as_deref(),
        &secrets,
        now_secs as i64,
        tolerance(tolerance_secs),
        |input: MacInput<'_>| {
            let mut mac = [0u8; 32];
            // The index fits: the list came from JavaScript, whose arrays are shorter.
            let index = u32::try_from(input.secret_index).unwrap_or(u32::MAX);
            host.mac(index, input.timestamp_secs as f64, &mut mac);
            mac
        },
    );
    outcome_number(outcome.map(drop))
}

/// Starts a MAC over `"{prefix}{body}"` keyed with `secret`, for a body too large to
/// copy in at once: JavaScript then writes it piece by piece into the input buffer,
/// calling `mac_update` after each, and takes the result from `mac_finish`. This is
/// how the module answers `verify_signature_host`'s MAC requests for large bodies, so
/// only a delivery whose header and secrets pass the core's checks is ever hashed,
/// and memory stays bounded by the piece size.
#[wasm_bindgen]
pub fn mac_begin(secret: &str, prefix: &str) {
    let mut mac = PayloadMac::new(secret);
    mac.update(prefix.as_bytes());
    // A failed borrow cannot happen (no caller holds it across a call); if it did,
    // mac_finish would report the missing state.
    let _ = STREAM.try_with(|stream| stream.try_borrow_mut().map(|mut s| *s = Some(mac)));
}

/// Feeds the first `len` bytes of the input buffer to the MAC begun by `mac_begin`.
/// Returns 0, or 1 when there is no such MAC or `len` exceeds the buffer.
#[wasm_bindgen]
pub fn mac_update(len: usize) -> u32 {
    let fed = INPUT.try_with(|input| {
        STREAM.try_with(|stream| {
            let (Ok(input), Ok(mut stream)) = (input.try_borrow(), stream.try_borrow_mut()) else {
                return false;
            };
            match (input.get(..len), stream.as_mut()) {
                (Some(piece), Some(mac)) => {
                    mac.update(piece);
                    true
                }
                _ => false,
            }
        })
    });
    u32::from(!matches!(fed, Ok(Ok(true))))
}

/// The MAC begun by `mac_begin`, 32 bytes, or an empty array when there is none.
#[wasm_bindgen]
pub fn mac_finish() -> Vec<u8> {
    let mac = STREAM.try_with(|stream| stream.try_borrow_mut().ok().and_then(|mut s| s.take()));
    mac.ok()
        .flatten()
        .map_or_else(Vec::new, |mac| mac.finalize().to_vec())
}

/// The stable code of an error number, such as `signature_mismatch`.
#[wasm_bindgen]
pub fn webhook_error_code(number: u32) -> String {
    WebhookError::from_number(number)
        .map_or("invalid_payload", WebhookError::code)
        .to_owned()
}

/// The message of an error number.
#[wasm_bindgen]
pub fn webhook_error_message(number: u32) -> String {
    WebhookError::from_number(number)
        .map_or("unknown webhook error", WebhookError::message)
        .to_owned()
}

/// Builds a `Stripe-Signature` header for a body, for tests and local tools.
#[wasm_bindgen]
pub fn generate_test_header(payload: &[u8], secret: &str, timestamp: f64, scheme: &str) -> String {
    webhook::generate_test_header(payload, secret, timestamp as i64, scheme)
}
