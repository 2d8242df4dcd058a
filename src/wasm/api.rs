//! The API client core across the wasm boundary, for `client.mjs`'s `StripeClient`.
//!
//! The wrapper owns the I/O (`fetch`, timers, randomness); every decision is made
//! here. Results are JSON text: the request to send, or
//! `{ "error": { "type", "message", …, "raw" } }` for the wrapper to throw as the
//! class `type` names. No message, and nothing in `raw`, carries the secret key.

use wasm_bindgen::prelude::*;

use crate::api::{
    self, ApiError, AttemptOutcome, ClientConfig, ErrorFields, HttpRequest, Method, RequestOptions,
};
use crate::keys;

/// `""` when `secret_key` can configure a client, else the error JSON.
#[wasm_bindgen]
pub fn api_check_secret_key(secret_key: &str) -> String {
    match ClientConfig::new(secret_key) {
        Ok(_) => String::new(),
        Err(error) => error_json(&error, None),
    }
}

/// `""` when `api_base` may receive the secret key, else the error JSON.
#[wasm_bindgen]
pub fn api_check_api_base(api_base: &str) -> String {
    match api::check_api_base(api_base.trim_end_matches('/')) {
        Ok(()) => String::new(),
        Err(error) => error_json(&error, None),
    }
}

/// A fresh idempotency key (a UUIDv4) from 16 random bytes the wrapper drew.
#[wasm_bindgen]
pub fn api_new_idempotency_key(random_bytes: &[u8]) -> String {
    let mut bytes = [0u8; 16];
    for (slot, byte) in bytes.iter_mut().zip(random_bytes) {
        *slot = *byte;
    }
    api::new_idempotency_key(bytes)
}

/// Builds one request: `{ method, url, headers: {…}, body }` or the error JSON.
/// `template` has a `{}` per id; `pairs` alternates bracketed keys and values, laid
/// out by the wrapper from the caller's params in their order (JavaScript has them
/// parsed already, and numbers print exactly as `String(number)` there). Optional
/// settings left `undefined` take the core's defaults.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn api_build_request(
    secret_key: &str,
    api_base: Option<String>,
    stripe_version: Option<String>,
    stripe_account: Option<String>,
    user_agent: Option<String>,
    method: &str,
    template: &str,
    ids: Vec<String>,
    pairs: Vec<String>,
    idempotency_key: Option<String>,
    call_stripe_account: Option<String>,
    call_stripe_version: Option<String>,
) -> String {
    let built = (|| {
        let mut config = ClientConfig::new(secret_key)?;
        if let Some(base) = api_base {
            config.api_base = base;
        }
        if let Some(version) = stripe_version {
            config.stripe_version = version;
        }
        config.stripe_account = stripe_account;
        if let Some(agent) = user_agent {
            config.user_agent = agent;
        }
        let method = Method::parse(method).ok_or_else(|| {
            ApiError::invalid_argument("invalid_method", "the method must be GET, POST or DELETE")
        })?;
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let path = api::path(template, &ids)?;
        let form = api::encode_form_pairs(
            pairs
                .chunks_exact(2)
                .map(|pair| (pair[0].as_str(), pair[1].as_str())),
        );
        let options = RequestOptions {
            idempotency_key,
            stripe_account: call_stripe_account,
            stripe_version: call_stripe_version,
        };
        api::build_request_with_form(&config, method, &path, form, &options)
    })();
    match built {
        Ok(request) => request_json(&request),
        Err(error) => error_json(&error, None),
    }
}

/// The error for an answer the wrapper could not take as the object: any non-2xx,
/// or a 2xx that is not a JSON object. `fields` are the `error` object's `type`,
/// `code`, `decline_code`, `param`, `doc_url` and `message` (`""` where absent),
/// when `has_error_object`; `error_object` is that object's `JSON.stringify` text,
/// returned redacted as `raw`.
#[wasm_bindgen]
pub fn api_answer_error(
    status: u16,
    request_id: Option<String>,
    should_retry: Option<String>,
    has_error_object: bool,
    fields: Vec<String>,
    error_object: Option<String>,
) -> String {
    if (200..300).contains(&status) {
        return error_json(
            &ApiError::unexpected_body(status, request_id, "not a JSON object"),
            None,
        );
    }
    let field = |index: usize| {
        fields
            .get(index)
            .map(String::as_str)
            .filter(|text| !text.is_empty())
    };
    let error_fields = has_error_object.then(|| ErrorFields {
        error_type: field(0),
        code: field(1),
        decline_code: field(2),
        param: field(3),
        doc_url: field(4),
        message: field(5),
    });
    let should_retry = match should_retry.as_deref().map(str::trim) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    // Redacted as text rather than parsed: serde_json's `Value` would grow the
    // module by a quarter for this one field. The text is `JSON.stringify` output,
    // and what `redact` masks (key and client secret characters) never includes a
    // quote or a backslash, so the masked text is still the same JSON shape.
    let raw = error_object
        .as_deref()
        .filter(|_| has_error_object)
        .map(keys::redact);
    error_json(
        &ApiError::from_fields(status, request_id, should_retry, error_fields),
        raw.as_deref(),
    )
}

/// Milliseconds to wait before retrying, or -1 for no retry. `outcome` is
/// `"response"` (with `status` and the `Stripe-Should-Retry` header), `"connection"`
/// or `"timeout"`; `jitter` is a random number in `[0, 1]`.
#[wasm_bindgen]
pub fn api_retry_delay_ms(
    retries_done: u32,
    outcome: &str,
    status: u16,
    should_retry: Option<String>,
    max_retries: u32,
    jitter: f64,
    retry_after: Option<String>,
) -> f64 {
    let outcome = match outcome {
        "response" => AttemptOutcome::from_response(status, |name| {
            (name == "stripe-should-retry")
                .then(|| should_retry.clone())
                .flatten()
        }),
        "connection" => AttemptOutcome::Connection,
        _ => AttemptOutcome::Timeout,
    };
    let retry_after = retry_after.as_deref().and_then(api::parse_retry_after);
    match api::retry_delay(retries_done, &outcome, max_retries, jitter, retry_after) {
        // Whole milliseconds below a minute: exact as f64.
        Some(wait) => wait.as_millis() as f64,
        None => -1.0,
    }
}

/// The error a transport failure or the call's timeout gives, as error JSON.
#[wasm_bindgen]
pub fn api_transport_error(timed_out: bool, timeout_ms: f64, detail: &str) -> String {
    let error = if timed_out {
        // A non-negative whole number of milliseconds from the wrapper's options.
        ApiError::timeout(timeout_ms.max(0.0) as u64)
    } else {
        ApiError::connection(detail)
    };
    error_json(&error, None)
}

fn request_json(request: &HttpRequest) -> String {
    let mut out = String::from("{\"method\":");
    push_json_text(&mut out, request.method.as_str());
    out.push_str(",\"url\":");
    push_json_text(&mut out, &request.url);
    out.push_str(",\"headers\":{");
    for (index, (name, value)) in request.headers.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_json_text(&mut out, name);
        out.push(':');
        push_json_text(&mut out, value);
    }
    out.push_str("},\"body\":");
    push_json_option(&mut out, request.body.as_deref());
    out.push('}');
    out
}

/// The error as JSON; `raw_json`, already JSON text, goes in as `raw`.
fn error_json(error: &ApiError, raw_json: Option<&str>) -> String {
    let mut out = String::from("{\"error\":{\"type\":");
    push_json_text(&mut out, error.kind.name());
    out.push_str(",\"message\":");
    push_json_text(&mut out, &error.message);
    out.push_str(",\"statusCode\":");
    match error.status_code {
        Some(status) => out.push_str(&status.to_string()),
        None => out.push_str("null"),
    }
    let texts = [
        ("rawType", &error.error_type),
        ("code", &error.code),
        ("decline_code", &error.decline_code),
        ("param", &error.param),
        ("doc_url", &error.doc_url),
        ("requestId", &error.request_id),
    ];
    for (name, value) in texts {
        out.push_str(",\"");
        out.push_str(name);
        out.push_str("\":");
        push_json_option(&mut out, value.as_deref());
    }
    out.push_str(",\"shouldRetry\":");
    out.push_str(match error.should_retry {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    });
    out.push_str(",\"raw\":");
    out.push_str(raw_json.unwrap_or("null"));
    out.push_str("}}");
    out
}

/// Appends `text` as a JSON string.
fn push_json_text(out: &mut String, text: &str) {
    // Serialising a string cannot fail.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

fn push_json_option(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => push_json_text(out, text),
        None => out.push_str("null"),
    }
}
