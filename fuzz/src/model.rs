//! A reference model of `verify_signature`, written from the README's rules rather than
//! from the implementation: plain string handling, no early exits for speed, hex
//! compared as text. The fuzz targets and `tests/webhook_props.rs` hold the real
//! verifier to it, so speed work on `src/webhook.rs` cannot change a decision unseen.
//!
//! Shared by path (`#[path]`) because the fuzz crate lives outside the workspace.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use stripe_edge::webhook::{Tolerance, WebhookError};

/// Longest header, in UTF-8 bytes, that is still read.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
/// Most comma-separated items a header may have.
pub const MAX_HEADER_ITEMS: usize = 64;

/// What the model makes of a header: the single `t` and every `v1` value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelHeader {
    /// The `t` value in seconds.
    pub timestamp: i64,
    /// Every `v1` value, undecoded.
    pub v1: Vec<String>,
}

/// The README's header rules, one after the other.
pub fn parse_header(header: &str) -> Result<ModelHeader, WebhookError> {
    if header.is_empty() {
        return Err(WebhookError::MissingHeader);
    }
    let items: Vec<&str> = header.split(',').collect();
    if header.len() > MAX_HEADER_BYTES || items.len() > MAX_HEADER_ITEMS {
        return Err(WebhookError::MalformedHeader);
    }

    // Items without `=` are ignored, like unknown schemes.
    let pairs: Vec<(&str, &str)> = items.iter().filter_map(|i| i.split_once('=')).collect();
    let times: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| *k == "t")
        .map(|(_, v)| *v)
        .collect();
    let [time] = times[..] else {
        return Err(WebhookError::MalformedHeader);
    };
    let plain = (1..=12).contains(&time.len()) && time.chars().all(|c| c.is_ascii_digit());
    if !plain {
        return Err(WebhookError::MalformedHeader);
    }
    let timestamp = time.parse().map_err(|_| WebhookError::MalformedHeader)?;

    let v1: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| *k == "v1")
        .map(|(_, v)| (*v).to_owned())
        .collect();
    if v1.is_empty() {
        return Err(WebhookError::NoV1Signature);
    }
    Ok(ModelHeader { timestamp, v1 })
}

/// The whole decision: secrets, header, signature, then time.
pub fn verify(
    payload: &[u8],
    header: Option<&str>,
    secrets: &[&str],
    now_secs: i64,
    tolerance: Tolerance,
) -> Result<i64, WebhookError> {
    if secrets.is_empty() || !secrets.iter().all(|s| plausible_secret(s)) {
        return Err(WebhookError::InvalidSecret);
    }
    let header = parse_header(header.unwrap_or(""))?;

    let genuine = secrets.iter().any(|secret| {
        let expected = signature_hex(secret, header.timestamp, payload);
        header.v1.contains(&expected)
    });
    if !genuine {
        return Err(WebhookError::SignatureMismatch);
    }

    if let Tolerance::Secs(limit) = tolerance {
        let distance = (i128::from(now_secs) - i128::from(header.timestamp)).abs();
        if distance > i128::from(limit) {
            return Err(WebhookError::TimestampOutsideTolerance);
        }
    }
    Ok(header.timestamp)
}

/// Lower-case hex HMAC-SHA256 of `"{timestamp}.{payload}"`, keyed by the whole secret.
pub fn signature_hex(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(payload);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The README's list of secrets refused up front: empty or only `whsec_`, padded
/// with whitespace, quoted, or an API key.
pub fn plausible_secret(secret: &str) -> bool {
    let padded = secret.starts_with(char::is_whitespace) || secret.ends_with(char::is_whitespace);
    let quoted = ['"', '\'']
        .iter()
        .any(|q| secret.starts_with(*q) || secret.ends_with(*q));
    let api_key = ["sk_", "rk_", "pk_"].iter().any(|p| secret.starts_with(p));
    !secret.is_empty() && secret != "whsec_" && !padded && !quoted && !api_key
}
