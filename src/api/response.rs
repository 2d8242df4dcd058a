//! Reading an answer, and deciding whether and when to try again.

use core::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;

/// The first retry's wait, and the floor of every wait (stripe-node's
/// `INITIAL_NETWORK_RETRY_DELAY_SEC`).
pub const INITIAL_RETRY_DELAY_MS: u64 = 500;
/// The ceiling of the backoff (stripe-node's `MAX_NETWORK_RETRY_DELAY_SEC`).
pub const MAX_RETRY_DELAY_MS: u64 = 5_000;
/// A `Retry-After` longer than this is ignored, as stripe-python ignores it.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;

/// Reads Stripe's answer: the JSON object on a 2xx, else the typed error. A 2xx
/// whose body is not a JSON object (HTML from a proxy, `null`, an array) is an
/// [`ApiErrorKind::Api`](super::ApiErrorKind::Api) error with code
/// `unexpected_response`.
///
/// `header` looks a response header up by its lower-case name (`request-id`,
/// `stripe-should-retry`) and must match case-insensitively, as `fetch`'s
/// `Headers.get` does.
pub fn interpret_response<H>(status: u16, header: H, body: &[u8]) -> Result<Value, ApiError>
where
    H: Fn(&str) -> Option<String>,
{
    interpret_response_as(status, header, body)
}

/// [`interpret_response`] into a type of the caller's, such as a generated model.
/// A 2xx body that is not a JSON object, or does not fit `T`, is an
/// [`ApiErrorKind::Api`](super::ApiErrorKind::Api) error with code
/// `unexpected_response`.
pub fn interpret_response_as<T, H>(status: u16, header: H, body: &[u8]) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    H: Fn(&str) -> Option<String>,
{
    let request_id = header("request-id");
    if !(200..300).contains(&status) {
        let should_retry = parse_should_retry(header("stripe-should-retry").as_deref());
        return Err(ApiError::from_response(
            status,
            request_id,
            should_retry,
            body,
        ));
    }

    // Every Stripe resource is an object. Checked before parsing, because serde
    // fills a struct from an array too, and `Value` takes `null` as readily.
    if !is_json_object(body) {
        return Err(ApiError::unexpected_body(
            status,
            request_id,
            "not a JSON object",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|error| ApiError::unexpected_body(status, request_id, &error.to_string()))
}

/// Whether JSON text `body` can only be an object: its first byte after JSON
/// whitespace is `{`. Whether it parses is left to the parser.
fn is_json_object(body: &[u8]) -> bool {
    body.iter()
        .find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        .is_some_and(|byte| *byte == b'{')
}

/// How one attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Stripe answered.
    Response {
        /// The HTTP status.
        status: u16,
        /// The `Stripe-Should-Retry` header, when present.
        should_retry: Option<bool>,
    },
    /// The request did not complete (refused, reset, DNS, TLS).
    Connection,
    /// The call's total time ran out; never retried, since no time is left.
    Timeout,
}

impl AttemptOutcome {
    /// The outcome of an answer with `status`, reading `Stripe-Should-Retry` through
    /// `header` (see [`interpret_response`]).
    pub fn from_response<H>(status: u16, header: H) -> Self
    where
        H: Fn(&str) -> Option<String>,
    {
        AttemptOutcome::Response {
            status,
            should_retry: parse_should_retry(header("stripe-should-retry").as_deref()),
        }
    }
}

/// Whether to try again after `outcome`, having already retried `retries_done`
/// times, as stripe-node's `RequestSender._shouldRetry` decides: never past
/// `max_retries`; always after a connection error; as `Stripe-Should-Retry` says
/// when Stripe sent it (so a 429 `lock_timeout`, which carries `true`, is retried);
/// else on 409 and on 5xx. A 2xx, a plain 429 and other 4xx are final.
pub fn should_retry(retries_done: u32, outcome: &AttemptOutcome, max_retries: u32) -> bool {
    if retries_done >= max_retries {
        return false;
    }
    match *outcome {
        AttemptOutcome::Connection => true,
        AttemptOutcome::Timeout => false,
        AttemptOutcome::Response { status, .. } if status < 400 => false,
        AttemptOutcome::Response {
            should_retry: Some(hint),
            ..
        } => hint,
        AttemptOutcome::Response { status, .. } => status == 409 || status >= 500,
    }
}

/// How long to wait before the next attempt, or `None` for no retry (see
/// [`should_retry`]).
///
/// The wait is stripe-node's: `min(0.5 s × 2^(retries_done − 1), 5 s)`, scaled by
/// a jitter factor between ½ and 1, and never below 0.5 s. `jitter` is a random
/// number in `[0, 1]` the caller draws (0 gives the shortest wait), which keeps
/// this function deterministic. A `retry_after` the server asked for (see
/// [`parse_retry_after`]) up to [`MAX_RETRY_AFTER_MS`] lengthens the wait to it.
pub fn retry_delay(
    retries_done: u32,
    outcome: &AttemptOutcome,
    max_retries: u32,
    jitter: f64,
    retry_after: Option<Duration>,
) -> Option<Duration> {
    if !should_retry(retries_done, outcome, max_retries) {
        return None;
    }

    // 0.5 s × 2^(n − 1) for n ≥ 1 is 250 ms × 2^n; capped before it can overflow.
    let doublings = retries_done.min(8);
    let base_ms = (250u64 << doublings).min(MAX_RETRY_DELAY_MS);

    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    // Whole milliseconds are enough for a sleep; the float stays within 0..=5000.
    let jittered_ms = (base_ms as f64 * 0.5 * (1.0 + jitter)) as u64;
    let mut wait_ms = jittered_ms.max(INITIAL_RETRY_DELAY_MS);

    if let Some(asked) = retry_after {
        let asked_ms = u64::try_from(asked.as_millis()).unwrap_or(u64::MAX);
        if asked_ms <= MAX_RETRY_AFTER_MS {
            wait_ms = wait_ms.max(asked_ms);
        }
    }
    Some(Duration::from_millis(wait_ms))
}

/// A `Retry-After` header in whole seconds. The HTTP-date form is ignored: Stripe
/// sends seconds, and reading a date would need the clock.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn parse_should_retry(value: Option<&str>) -> Option<bool> {
    match value.map(str::trim) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    }
}
