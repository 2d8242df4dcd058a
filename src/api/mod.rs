//! A sans-IO Stripe API client: this module builds each request and reads each
//! answer; a thin transport sends the bytes and sleeps between attempts. The
//! package's JavaScript `StripeClient` drives it with the global `fetch`, the
//! Worker with `worker::Fetch`.
//!
//! One call, with every decision made here:
//!
//! 1. [`path`] fills a path template with ids, percent-encoded (an id is input).
//! 2. For a POST with no caller key, the transport draws 16 random bytes and makes
//!    a key with [`new_idempotency_key`], once per call, not per attempt.
//! 3. [`build_request`] gives the [`HttpRequest`]: URL, headers (`Authorization`,
//!    `Stripe-Version`, `Idempotency-Key`, …) and the [`encode_form`] body.
//! 4. The transport sends it, with what is left of `timeout_ms` as its deadline.
//! 5. An answer goes to [`interpret_response`] (or [`interpret_response_as`] for
//!    a model type), giving the object or an [`ApiError`].
//! 6. On failure, [`retry_delay`] with the [`AttemptOutcome`], the retries so far,
//!    `max_network_retries` and a random jitter says how long to sleep before
//!    sending the *same* [`HttpRequest`] again, or `None` to give up. A wait
//!    that would pass the deadline ends the call with the last error; an attempt
//!    cut off by the deadline ends it with [`ApiError::timeout`].
//!
//! ```
//! use stripe_edge::api::{self, ClientConfig, Method, RequestOptions};
//! use serde_json::json;
//!
//! let config = ClientConfig::new("sk_test_123").unwrap();
//! let options = RequestOptions {
//!     idempotency_key: Some(api::new_idempotency_key([7; 16])),
//!     ..RequestOptions::default()
//! };
//! let params = json!({ "amount": 1000, "currency": "usd", "metadata": { "order": "42" } });
//! let path = api::path("/v1/payment_intents", &[]).unwrap();
//! let request = api::build_request(&config, Method::Post, &path, Some(&params), &options).unwrap();
//! assert_eq!(request.url, "https://api.stripe.com/v1/payment_intents");
//! assert_eq!(
//!     request.body.as_deref(),
//!     Some("amount=1000&currency=usd&metadata[order]=42")
//! );
//!
//! let answer = br#"{"id":"pi_123","object":"payment_intent"}"#;
//! let object = api::interpret_response(200, |_| None, answer).unwrap();
//! assert_eq!(object["id"], "pi_123");
//! ```

// An error is made at most once per call, next to network I/O; boxing its fields
// would cost every reader of them and save nothing measurable.
#![allow(clippy::result_large_err)]

mod error;
mod form;
mod response;

use core::fmt;

use serde_json::Value;

pub use error::{ApiError, ApiErrorKind, ErrorFields};
pub use form::{encode_form, encode_form_json, encode_form_pairs};
pub use response::{
    interpret_response, interpret_response_as, parse_retry_after, retry_delay, should_retry,
    AttemptOutcome, INITIAL_RETRY_DELAY_MS, MAX_RETRY_AFTER_MS, MAX_RETRY_DELAY_MS,
};

use crate::keys::{self, KeyKind};
use form::{push_encoded, Brackets};

/// Retries after the first attempt when none are configured, as stripe-node.
pub const DEFAULT_MAX_NETWORK_RETRIES: u32 = 2;
/// The time one call may take, retries and waits included, when none is configured
/// (stripe-node's per-request default).
pub const DEFAULT_TIMEOUT_MS: u64 = 80_000;
/// Stripe refuses longer idempotency keys; this client refuses them before sending.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;
/// What the client says it is, unless the transport names itself.
pub const DEFAULT_USER_AGENT: &str = concat!("stripe-edge/", env!("CARGO_PKG_VERSION"));

/// An HTTP method the Stripe v1 API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Retrieve and list; params go in the query string.
    Get,
    /// Create, update and actions; params go in the form body, with a key.
    Post,
    /// Delete; params go in the query string.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }

    /// `GET`, `POST` or `DELETE`, in any case.
    pub fn parse(name: &str) -> Option<Method> {
        [Method::Get, Method::Post, Method::Delete]
            .into_iter()
            .find(|method| method.as_str().eq_ignore_ascii_case(name))
    }
}

/// How the client talks to Stripe. The secret key is held privately: `Debug` masks
/// it and no error contains it.
#[derive(Clone)]
pub struct ClientConfig {
    secret_key: String,
    /// The API origin, without a trailing slash (`https://api.stripe.com`, or a
    /// local stand-in such as stripe-mock).
    pub api_base: String,
    /// Sent as `Stripe-Version`; the models' version by default, so answers match
    /// the generated types.
    pub stripe_version: String,
    /// Sent as `Stripe-Account`, to act for a connected account.
    pub stripe_account: Option<String>,
    /// Retries after the first attempt.
    pub max_network_retries: u32,
    /// The time one call may take, retries and waits included.
    pub timeout_ms: u64,
    /// Sent as `User-Agent`.
    pub user_agent: String,
}

impl ClientConfig {
    /// A configuration for `secret_key` (an `sk_` or `rk_` key) with the defaults.
    /// A publishable key, a webhook secret, a placeholder such as
    /// `sk_test_your_key_here` or a padded value is refused.
    pub fn new(secret_key: impl Into<String>) -> Result<Self, ApiError> {
        let secret_key = secret_key.into();
        match keys::parse_api_key(&secret_key) {
            Ok(key) if matches!(key.kind(), KeyKind::Secret | KeyKind::Restricted) => {}
            Ok(key) => {
                return Err(ApiError::invalid_argument(
                    "invalid_secret_key",
                    format!(
                        "the client needs a secret (sk_) or restricted (rk_) key, not {}",
                        key.masked()
                    ),
                ))
            }
            Err(error) => {
                return Err(ApiError::invalid_argument(
                    "invalid_secret_key",
                    error.to_string(),
                ))
            }
        }
        Ok(ClientConfig {
            secret_key,
            api_base: keys::DEFAULT_API_BASE.to_owned(),
            stripe_version: crate::STRIPE_API_VERSION.to_owned(),
            stripe_account: None,
            max_network_retries: DEFAULT_MAX_NETWORK_RETRIES,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
        })
    }

    /// The secret key, for a transport that must hand it on. Keep it out of logs.
    pub fn expose_secret_key(&self) -> &str {
        &self.secret_key
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("secret_key", &keys::mask(&self.secret_key))
            .field("api_base", &self.api_base)
            .field("stripe_version", &self.stripe_version)
            .field("stripe_account", &self.stripe_account)
            .field("max_network_retries", &self.max_network_retries)
            .field("timeout_ms", &self.timeout_ms)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// Per-call settings. Nothing here outlives the call: a key given for one call is
/// never reused for another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// `Idempotency-Key`. A POST must have one: the caller's, else one from
    /// [`new_idempotency_key`]. At most [`MAX_IDEMPOTENCY_KEY_LEN`] characters.
    /// Sent on a GET or DELETE only when given.
    pub idempotency_key: Option<String>,
    /// `Stripe-Account` for this call, over the configuration's.
    pub stripe_account: Option<String>,
    /// `Stripe-Version` for this call, over the configuration's.
    pub stripe_version: Option<String>,
}

/// A request ready to send. `Debug` masks the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL, query string included.
    pub url: String,
    /// The headers, in the order to send them.
    pub headers: Vec<(String, String)>,
    /// The form body of a POST (possibly empty); `None` for GET and DELETE.
    pub body: Option<String>,
}

impl HttpRequest {
    /// The value of header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, String)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if name.eq_ignore_ascii_case("authorization") {
                    "Bearer …".to_owned()
                } else {
                    keys::redact(value).into_owned()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &keys::redact(&self.url))
            .field("headers", &headers)
            .field("body", &self.body.as_deref().map(keys::redact))
            .finish()
    }
}

/// Builds the request for `method` on `path` (from [`path`]) with `params`, a JSON
/// object or `None`. GET and DELETE params go in the query string, POST params in
/// the form body, both by [`encode_form`].
pub fn build_request(
    config: &ClientConfig,
    method: Method,
    path: &str,
    params: Option<&Value>,
    options: &RequestOptions,
) -> Result<HttpRequest, ApiError> {
    let encoded = match params {
        None | Some(Value::Null) => String::new(),
        Some(value @ Value::Object(_)) => encode_form(value),
        Some(_) => {
            return Err(ApiError::invalid_argument(
                "invalid_params",
                "params must be an object",
            ))
        }
    };
    build_request_with_form(config, method, path, encoded, options)
}

/// [`build_request`] with params already encoded, by [`encode_form_json`] for
/// instance: `form` becomes the POST body or the GET and DELETE query string.
pub fn build_request_with_form(
    config: &ClientConfig,
    method: Method,
    path: &str,
    encoded: String,
    options: &RequestOptions,
) -> Result<HttpRequest, ApiError> {
    check_path(path)?;
    let idempotency_key =
        match (&options.idempotency_key, method) {
            (Some(key), _) => Some(check_idempotency_key(key)?),
            (None, Method::Post) => return Err(ApiError::invalid_argument(
                "missing_idempotency_key",
                "a POST needs an idempotency key: the caller's, or one from new_idempotency_key",
            )),
            (None, _) => None,
        };
    let stripe_version = options
        .stripe_version
        .as_deref()
        .unwrap_or(&config.stripe_version);
    let stripe_account = options
        .stripe_account
        .as_deref()
        .or(config.stripe_account.as_deref());
    let api_base = config.api_base.trim_end_matches('/');
    check_api_base(api_base)?;

    let mut headers = Vec::with_capacity(8);
    headers.push((
        "Authorization".to_owned(),
        format!("Bearer {}", header_value("secret key", &config.secret_key)?),
    ));
    headers.push(("Accept".to_owned(), "application/json".to_owned()));
    headers.push((
        "Stripe-Version".to_owned(),
        header_value("Stripe-Version", stripe_version)?.to_owned(),
    ));
    headers.push((
        "User-Agent".to_owned(),
        header_value("User-Agent", &config.user_agent)?.to_owned(),
    ));
    if let Some(account) = stripe_account {
        headers.push((
            "Stripe-Account".to_owned(),
            header_value("Stripe-Account", account)?.to_owned(),
        ));
    }
    if let Some(key) = idempotency_key {
        headers.push(("Idempotency-Key".to_owned(), key.to_owned()));
    }

    let mut url = String::with_capacity(api_base.len() + path.len() + 1 + encoded.len());
    url.push_str(api_base);
    url.push_str(path);
    let body = match method {
        Method::Post => {
            headers.push((
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ));
            Some(encoded)
        }
        Method::Get | Method::Delete => {
            if !encoded.is_empty() {
                url.push('?');
                url.push_str(&encoded);
            }
            None
        }
    };
    Ok(HttpRequest {
        method,
        url,
        headers,
        body,
    })
}

/// Fills each `{}` in `template` with the next of `ids`, percent-encoded as one
/// path segment. An empty id, `.` or `..`, an API key or webhook secret (`sk_`,
/// `rk_`, `pk_`, `whsec_`: a URL ends up in access logs) or a client secret
/// (`pi_…_secret_…`, which belongs in the browser, not in a URL) is refused, as is
/// a count of ids that does not match the template. No error repeats a key.
pub fn path(template: &str, ids: &[&str]) -> Result<String, ApiError> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut ids = ids.iter();
    let mut pieces = template.split("{}");
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    for piece in pieces {
        let Some(id) = ids.next() else {
            return Err(ApiError::invalid_argument(
                "invalid_path",
                format!("{template} needs more ids than were given"),
            ));
        };
        push_id(&mut out, id)?;
        out.push_str(piece);
    }
    if ids.next().is_some() {
        return Err(ApiError::invalid_argument(
            "invalid_path",
            format!("{template} takes fewer ids than were given"),
        ));
    }
    Ok(out)
}

/// A fresh idempotency key: the UUIDv4 made of 16 random bytes the transport drew
/// (from `crypto.getRandomValues` or the like), so this module needs no randomness.
pub fn new_idempotency_key(random_bytes: [u8; 16]) -> String {
    uuid::Builder::from_random_bytes(random_bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

fn push_id(out: &mut String, id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id == "." || id == ".." {
        return Err(ApiError::invalid_argument(
            "invalid_id",
            format!("{id:?} is not an object id"),
        ));
    }
    // Checked before the client secret, and never echoed: a key in a URL would
    // reach every access log on the way, and this error may reach a log too.
    if looks_like_key(id) {
        return Err(ApiError::invalid_argument(
            "key_as_id",
            "the id looks like an API key or webhook secret, not an object id; it was not sent",
        ));
    }
    if let Some(at) = id.find("_secret_") {
        return Err(ApiError::invalid_argument(
            "client_secret_as_id",
            format!(
                "the id is a client secret, not an id: pass its id ({}) instead",
                id.get(..at).unwrap_or_default()
            ),
        ));
    }
    push_encoded(out, id, Brackets::Encode);
    Ok(())
}

/// Prefixes of Stripe's API keys and webhook secrets; no object id has one.
const KEY_PREFIXES: [&str; 7] = [
    "sk_test_", "sk_live_", "rk_test_", "rk_live_", "pk_test_", "pk_live_", "whsec_",
];

/// An id that starts as a key does, or holds a server secret anywhere (pasted
/// after other text).
fn looks_like_key(id: &str) -> bool {
    KEY_PREFIXES.iter().any(|prefix| id.starts_with(prefix))
        || keys::find_server_secret(id).is_some()
}

fn check_path(path: &str) -> Result<(), ApiError> {
    let bad = !path.starts_with('/')
        || path.starts_with("//")
        || path
            .bytes()
            .any(|byte| !byte.is_ascii_graphic() || byte == b'?' || byte == b'#');
    if bad {
        return Err(ApiError::invalid_argument(
            "invalid_path",
            "the path must start with / and hold no query, fragment, space or control character",
        ));
    }
    Ok(())
}

/// The same rules as `STRIPE_API_BASE` in [`keys::parse_api_base`]: an origin, and
/// plain http only to this machine, so the secret key never crosses a network
/// unencrypted.
pub fn check_api_base(api_base: &str) -> Result<(), ApiError> {
    let problem = if api_base.is_empty() {
        Some(keys::ApiBaseProblem::NotAnOrigin)
    } else {
        keys::parse_api_base(api_base).err()
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(ApiError::invalid_argument(
            "invalid_api_base",
            format!("the API base {}", problem.reason()),
        )),
    }
}

fn check_idempotency_key(key: &str) -> Result<&str, ApiError> {
    if key.is_empty() {
        return Err(ApiError::invalid_argument(
            "invalid_idempotency_key",
            "the idempotency key is empty",
        ));
    }
    let length = key.chars().count();
    if length > MAX_IDEMPOTENCY_KEY_LEN {
        return Err(ApiError::invalid_argument(
            "idempotency_key_too_long",
            format!(
                "the idempotency key has {length} characters; Stripe accepts at most {MAX_IDEMPOTENCY_KEY_LEN}"
            ),
        ));
    }
    header_value("Idempotency-Key", key)
}

/// `value` if it can go in a header as it is: printable ASCII and spaces, no line
/// breaks (which would let input add headers).
fn header_value<'a>(name: &str, value: &'a str) -> Result<&'a str, ApiError> {
    let printable = value
        .bytes()
        .all(|byte| byte == b' ' || byte.is_ascii_graphic());
    if value.is_empty() || !printable {
        return Err(ApiError::invalid_argument(
            "invalid_header_value",
            format!("the {name} must be printable ASCII and not empty"),
        ));
    }
    Ok(value)
}
