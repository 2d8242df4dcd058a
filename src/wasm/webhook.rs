//! Webhook verification across the wasm boundary.

use wasm_bindgen::prelude::*;

use crate::webhook::{self, Tolerance, WebhookError};

/// Verifies a delivery. Returns 0 when genuine and fresh, else the error's number
/// (see `webhook_error_code`). A number is returned rather than an exception because it
/// costs nothing to cross the boundary on the hot path.
///
/// `tolerance_secs` is a whole number of seconds, or a negative value to disable the
/// time check; the JavaScript wrapper decides which after validating the caller's
/// option.
#[wasm_bindgen]
pub fn verify_signature(
    payload: &[u8],
    header: Option<String>,
    secrets: Vec<String>,
    now_secs: f64,
    tolerance_secs: f64,
) -> u32 {
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let tolerance = if tolerance_secs < 0.0 {
        Tolerance::Disabled
    } else {
        // `as` saturates, so a huge or NaN value cannot wrap.
        Tolerance::Secs(tolerance_secs as u64)
    };
    match webhook::verify_signature(
        payload,
        header.as_deref(),
        &secrets,
        now_secs as i64,
        tolerance,
    ) {
        Ok(_) => 0,
        Err(error) => error.number(),
    }
}

/// Same as `verify_signature`, for a body that JavaScript holds as a string: it is
/// hashed as its UTF-8 bytes.
#[wasm_bindgen]
pub fn verify_signature_text(
    payload: &str,
    header: Option<String>,
    secrets: Vec<String>,
    now_secs: f64,
    tolerance_secs: f64,
) -> u32 {
    verify_signature(
        payload.as_bytes(),
        header,
        secrets,
        now_secs,
        tolerance_secs,
    )
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
