//! Verification of the `Stripe-Signature` header on a webhook's raw body.
//!
//! Stripe signs `"{t}.{body}"` with HMAC-SHA256, keyed by the whole `whsec_…` endpoint
//! secret, and sends `t=<unix secs>,v1=<hex>[,v1=<hex>…][,v0=…]`. A delivery is genuine
//! when any `v1` matches the MAC under any of the secrets we were given, and it is fresh
//! when `t` lies within the tolerance of our clock, on either side.
//!
//! Everything here is sans-IO and clock-free: the caller passes the current time, because
//! `SystemTime::now()` panics on `wasm32-unknown-unknown` and because deferred jobs and
//! tests need to choose the clock.

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::event::Event;
use crate::thin_event::{object_kind, THIN_EVENT_OBJECT};

type HmacSha256 = Hmac<Sha256>;

/// The tolerance Stripe's own libraries use.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// Upper bound on signature entries we look at; a real header carries one `v1` per
/// active secret (two during rotation). More is hostile input, not a delivery.
const MAX_HEADER_ITEMS: usize = 64;

/// Upper bound on the header's length, for the same reason.
const MAX_HEADER_LEN: usize = 8 * 1024;

/// Timestamps with more digits than this are not plausible Unix seconds and would only
/// serve to overflow arithmetic.
const MAX_TIMESTAMP_DIGITS: usize = 12;

/// How far from the caller's clock a signature's timestamp may lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    /// At most this many seconds before or after now.
    Secs(u64),
    /// No time check at all: replayed deliveries are accepted. Only for tools that
    /// re-verify stored events long after they arrived.
    Disabled,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance::Secs(DEFAULT_TOLERANCE_SECS)
    }
}

/// Why a delivery was refused. The codes are stable and shared with the JavaScript
/// `WebhookError.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// No `Stripe-Signature` header, or an empty one.
    MissingHeader,
    /// The header is not `t=…,v1=…` as Stripe writes it.
    MalformedHeader,
    /// The header is well formed but carries no `v1` signature.
    NoV1Signature,
    /// No `v1` matches the body under any of the secrets.
    SignatureMismatch,
    /// The signature is genuine but its timestamp is too far from now.
    TimestampOutsideTolerance,
    /// The body was not raw bytes or text (for example an already parsed object).
    InvalidPayload,
    /// A secret is empty, padded, quoted or not a webhook secret at all.
    InvalidSecret,
    /// The body is authentic but is not a JSON Stripe event.
    InvalidJson,
    /// The body is an authentic Stripe event of the other kind: a v2 thin event
    /// notification where a snapshot event was expected, or the reverse.
    WrongEventKind,
}

impl WebhookError {
    /// Every error, in the order of their numeric codes.
    pub const ALL: [WebhookError; 9] = [
        WebhookError::MissingHeader,
        WebhookError::MalformedHeader,
        WebhookError::NoV1Signature,
        WebhookError::SignatureMismatch,
        WebhookError::TimestampOutsideTolerance,
        WebhookError::InvalidPayload,
        WebhookError::InvalidSecret,
        WebhookError::InvalidJson,
        WebhookError::WrongEventKind,
    ];

    /// The stable string code, as JavaScript sees it.
    pub fn code(self) -> &'static str {
        match self {
            WebhookError::MissingHeader => "missing_header",
            WebhookError::MalformedHeader => "malformed_header",
            WebhookError::NoV1Signature => "no_v1_signature",
            WebhookError::SignatureMismatch => "signature_mismatch",
            WebhookError::TimestampOutsideTolerance => "timestamp_outside_tolerance",
            WebhookError::InvalidPayload => "invalid_payload",
            WebhookError::InvalidSecret => "invalid_secret",
            WebhookError::InvalidJson => "invalid_json",
            WebhookError::WrongEventKind => "wrong_event_kind",
        }
    }

    /// A short message with one hint. It never includes the secret, the expected
    /// signature or the body.
    pub fn message(self) -> &'static str {
        match self {
            WebhookError::MissingHeader => {
                "no Stripe-Signature header; is this request from Stripe?"
            }
            WebhookError::MalformedHeader => {
                "Stripe-Signature header is malformed; expected t=<timestamp>,v1=<signature>"
            }
            WebhookError::NoV1Signature => {
                "Stripe-Signature header has no v1 signature; items are comma-separated \
                 with no spaces (` v1=` after a space is not read as v1)"
            }
            WebhookError::SignatureMismatch => {
                "no signature matches the body; check the endpoint's signing secret and \
                 pass the raw body, unparsed and unmodified"
            }
            WebhookError::TimestampOutsideTolerance => {
                "signature timestamp is outside the tolerance; check the server clock, \
                 or this is a replayed delivery"
            }
            WebhookError::InvalidPayload => {
                "payload must be the raw body as a string or bytes, not a parsed object; \
                 use `await request.text()` in a route handler"
            }
            WebhookError::InvalidSecret => {
                "webhook secret is empty (or only `whsec_`), padded with whitespace or \
                 quotes, or not a signing secret; pass the whsec_ value exactly as the \
                 Dashboard shows it"
            }
            WebhookError::InvalidJson => "verified body is not a JSON Stripe event",
            WebhookError::WrongEventKind => {
                "verified body is the other kind of Stripe event: verifyWebhook takes \
                 snapshot events (object \"event\"), verifyThinEvent takes thin event \
                 notifications (object \"v2.core.event\")"
            }
        }
    }

    /// A small number for the wasm boundary, where returning a number is far cheaper
    /// than throwing. Zero means success there.
    pub fn number(self) -> u32 {
        WebhookError::ALL
            .iter()
            .position(|e| *e == self)
            .map_or(0, |i| i as u32 + 1)
    }

    /// The inverse of [`WebhookError::number`].
    pub fn from_number(n: u32) -> Option<WebhookError> {
        let index = usize::try_from(n).ok()?.checked_sub(1)?;
        WebhookError::ALL.get(index).copied()
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for WebhookError {}

/// A parsed `Stripe-Signature` header: its timestamp and every `v1` signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// The `t` value, in Unix seconds.
    pub timestamp: i64,
    /// Every `v1` entry, decoded. Entries that are not 64 lower-case hex digits cannot
    /// match any MAC and are dropped here.
    pub v1: Vec<[u8; 32]>,
    /// How many `v1` entries the header had, decodable or not.
    pub v1_count: usize,
}

impl SignatureHeader {
    /// Parses a header exactly as Stripe writes it: comma-separated `key=value` items
    /// in any order, keys case-sensitive, no whitespace around items. `v0` and unknown
    /// schemes are ignored.
    pub fn parse(header: &str) -> Result<SignatureHeader, WebhookError> {
        if header.is_empty() {
            return Err(WebhookError::MissingHeader);
        }
        if header.len() > MAX_HEADER_LEN {
            return Err(WebhookError::MalformedHeader);
        }

        let mut timestamp = None;
        let mut v1 = Vec::new();
        let mut v1_count = 0;
        for (index, item) in header.split(',').enumerate() {
            if index >= MAX_HEADER_ITEMS {
                return Err(WebhookError::MalformedHeader);
            }
            let Some((key, value)) = item.split_once('=') else {
                // Stripe never sends bare items; ignoring them like unknown schemes
                // keeps us compatible with its libraries.
                continue;
            };
            match key {
                "t" => {
                    if timestamp.is_some() {
                        return Err(WebhookError::MalformedHeader);
                    }
                    timestamp = Some(parse_timestamp(value)?);
                }
                "v1" => {
                    v1_count += 1;
                    if let Some(mac) = decode_hex_mac(value) {
                        v1.push(mac);
                    }
                }
                _ => {}
            }
        }

        let timestamp = timestamp.ok_or(WebhookError::MalformedHeader)?;
        if v1_count == 0 {
            return Err(WebhookError::NoV1Signature);
        }
        Ok(SignatureHeader {
            timestamp,
            v1,
            v1_count,
        })
    }
}

/// One MAC that verification needs: HMAC-SHA256 keyed with the whole `secret`, over
/// `timestamp`, then a `.`, then the raw body.
///
/// Not `Debug`, so the secret cannot end up in a log by accident.
#[derive(Clone, Copy)]
pub struct MacInput<'a> {
    /// The signing secret, exactly as the caller gave it.
    pub secret: &'a str,
    /// Where `secret` sits in the caller's list, so a host that already holds the
    /// list need not be handed the secret again.
    pub secret_index: usize,
    /// The header's timestamp as the decimal text that is signed.
    pub timestamp: &'a str,
    /// The same timestamp as a number. It has at most 12 digits, so a host that
    /// formats it itself (JavaScript's `String(n)`) gets the same text.
    pub timestamp_secs: i64,
}

/// Checks that `payload` was signed by Stripe with one of `secrets` within `tolerance`
/// of `now_secs`. Returns the signature's timestamp.
///
/// The signature is checked before the time, so a stale-timestamp error is only ever
/// reported for a genuine delivery.
pub fn verify_signature(
    payload: &[u8],
    header: Option<&str>,
    secrets: &[&str],
    now_secs: i64,
    tolerance: Tolerance,
) -> Result<i64, WebhookError> {
    verify_signature_with(header, secrets, now_secs, tolerance, |input| {
        signed_payload_mac(input.secret, input.timestamp, payload)
    })
}

/// [`verify_signature`] with the MAC computed by the caller, for hosts whose native
/// HMAC-SHA256 is faster than this crate's (Node's `crypto`): the body then never
/// needs to be handed over. Every decision (secrets, header, comparison, time) is
/// made here, the same way as in [`verify_signature`], which is this function given
/// a pure-Rust `compute_mac`.
///
/// `compute_mac` is called once per secret, in order, after the header was found well
/// formed; it must return HMAC-SHA256 as described on [`MacInput`].
pub fn verify_signature_with<F>(
    header: Option<&str>,
    secrets: &[&str],
    now_secs: i64,
    tolerance: Tolerance,
    mut compute_mac: F,
) -> Result<i64, WebhookError>
where
    F: FnMut(MacInput<'_>) -> [u8; 32],
{
    // One copy of the decisions however many MAC functions there are: in the wasm
    // module each copy would cost its size again.
    verify_with_dyn(header, secrets, now_secs, tolerance, &mut compute_mac)
}

fn verify_with_dyn(
    header: Option<&str>,
    secrets: &[&str],
    now_secs: i64,
    tolerance: Tolerance,
    compute_mac: &mut dyn FnMut(MacInput<'_>) -> [u8; 32],
) -> Result<i64, WebhookError> {
    if secrets.is_empty() || !secrets.iter().all(|s| is_plausible_secret(s)) {
        return Err(WebhookError::InvalidSecret);
    }
    let header = SignatureHeader::parse(header.unwrap_or(""))?;

    let timestamp_text = header.timestamp.to_string();
    let mut matched = subtle::Choice::from(0);
    for (secret_index, secret) in secrets.iter().enumerate() {
        let expected = compute_mac(MacInput {
            secret,
            secret_index,
            timestamp: &timestamp_text,
            timestamp_secs: header.timestamp,
        });
        // Every candidate is compared, without stopping at a match, so the time taken
        // says nothing about which one matched.
        for candidate in &header.v1 {
            matched |= expected.ct_eq(candidate);
        }
    }
    if !bool::from(matched) {
        return Err(WebhookError::SignatureMismatch);
    }

    if let Tolerance::Secs(limit) = tolerance {
        let distance = now_secs.abs_diff(header.timestamp);
        if distance > limit {
            return Err(WebhookError::TimestampOutsideTolerance);
        }
    }
    Ok(header.timestamp)
}

/// Verifies, then parses the body into an [`Event`]. A v2 thin event notification is
/// refused with [`WebhookError::WrongEventKind`]: it carries no `data` and is read
/// with [`crate::thin_event::construct_thin_event`].
pub fn construct_event(
    payload: &[u8],
    header: Option<&str>,
    secrets: &[&str],
    now_secs: i64,
    tolerance: Tolerance,
) -> Result<Event, WebhookError> {
    verify_signature(payload, header, secrets, now_secs, tolerance)?;
    parse_event(payload)
}

/// Parses a body that was already verified into an [`Event`], refusing a thin event
/// notification as [`construct_event`] does.
pub fn parse_event(payload: &[u8]) -> Result<Event, WebhookError> {
    match serde_json::from_slice::<Event>(payload) {
        Ok(event) if is_thin_event_object(event.other.get("object")) => {
            Err(WebhookError::WrongEventKind)
        }
        Ok(event) => Ok(event),
        // A thin notification has no `data`, so it fails as an `Event`; say why.
        Err(_) if object_kind(payload).as_deref() == Some(THIN_EVENT_OBJECT) => {
            Err(WebhookError::WrongEventKind)
        }
        Err(_) => Err(WebhookError::InvalidJson),
    }
}

fn is_thin_event_object(object: Option<&serde_json::Value>) -> bool {
    object.and_then(serde_json::Value::as_str) == Some(THIN_EVENT_OBJECT)
}

/// Builds a `Stripe-Signature` header for `payload`, as Stripe would send it, for tests
/// and local tools. `scheme` is `v1` for real signatures; other names produce headers
/// that verification must refuse.
pub fn generate_test_header(payload: &[u8], secret: &str, timestamp: i64, scheme: &str) -> String {
    let timestamp_text = timestamp.to_string();
    let mac = signed_payload_mac(secret, &timestamp_text, payload);
    let mut header = String::with_capacity(timestamp_text.len() + scheme.len() + 68);
    header.push_str("t=");
    header.push_str(&timestamp_text);
    header.push(',');
    header.push_str(scheme);
    header.push('=');
    push_hex(&mut header, &mac);
    header
}

fn signed_payload_mac(secret: &str, timestamp: &str, payload: &[u8]) -> [u8; 32] {
    let mut mac = PayloadMac::new(secret);
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac.finalize()
}

/// HMAC-SHA256 keyed with a webhook secret, fed in pieces, for a caller that hashes
/// `"{t}.{body}"` without holding the whole body in one buffer.
#[derive(Clone)]
pub struct PayloadMac(HmacSha256);

impl PayloadMac {
    /// Starts a MAC keyed with the whole secret string, as Stripe keys it.
    pub fn new(secret: &str) -> PayloadMac {
        PayloadMac(
            HmacSha256::new_from_slice(secret.as_bytes())
                .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length")),
        )
    }

    /// Feeds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The MAC of everything fed so far.
    pub fn finalize(self) -> [u8; 32] {
        self.0.finalize().into_bytes().into()
    }
}

impl fmt::Debug for PayloadMac {
    // The state is derived from the secret; show nothing of it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PayloadMac(..)")
    }
}

/// A secret we would silently fail with: empty, padded, quoted, or an API key pasted
/// into the wrong slot. Stripe uses whatever string it gave as the key, so beyond these
/// mistakes any string is allowed.
fn is_plausible_secret(secret: &str) -> bool {
    let padded = secret.trim() != secret;
    let quoted = secret.starts_with(['"', '\'']) || secret.ends_with(['"', '\'']);
    let api_key = ["sk_", "rk_", "pk_"].iter().any(|p| secret.starts_with(p));
    // The prefix alone: an env value cut short, or a template never filled in.
    let prefix_only = secret == "whsec_";
    !secret.is_empty() && !padded && !quoted && !api_key && !prefix_only
}

fn parse_timestamp(value: &str) -> Result<i64, WebhookError> {
    let plain_digits = !value.is_empty()
        && value.len() <= MAX_TIMESTAMP_DIGITS
        && value.bytes().all(|b| b.is_ascii_digit());
    if !plain_digits {
        return Err(WebhookError::MalformedHeader);
    }
    value.parse().map_err(|_| WebhookError::MalformedHeader)
}

/// Decodes a signature written as Stripe writes it, 64 lower-case hex digits.
fn decode_hex_mac(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut mac = [0u8; 32];
    for (out, pair) in mac.iter_mut().zip(bytes.chunks_exact(2)) {
        *out = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
    }
    Some(mac)
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    }
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    #[test]
    fn error_numbers_round_trip() {
        for error in WebhookError::ALL {
            assert_eq!(WebhookError::from_number(error.number()), Some(error));
        }
        assert_eq!(WebhookError::from_number(0), None);
        assert_eq!(WebhookError::from_number(99), None);
    }

    #[test]
    fn header_items_parse_in_any_order() {
        let mac = "a".repeat(64);
        let header = format!("v0=zz,v1={mac},t=12,x=1,v1=nothex");
        let parsed = SignatureHeader::parse(&header).unwrap();
        assert_eq!(parsed.timestamp, 12);
        assert_eq!(parsed.v1, vec![[0xaa; 32]]);
        assert_eq!(parsed.v1_count, 2);
    }

    #[test]
    fn upper_case_hex_is_not_a_signature() {
        assert_eq!(decode_hex_mac(&"A".repeat(64)), None);
        assert_eq!(decode_hex_mac(&"a".repeat(63)), None);
    }

    #[test]
    fn generated_header_verifies() {
        let header = generate_test_header(b"{}", SECRET, 1000, "v1");
        let result = verify_signature(b"{}", Some(&header), &[SECRET], 1000, Tolerance::default());
        assert_eq!(result, Ok(1000));
    }
}
