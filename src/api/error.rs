//! The client's one error type: what Stripe answered, what the network did, or why
//! a call was refused before sending.

use core::fmt;

use serde_json::{Map, Value};

use crate::keys;

/// Which kind of failure an [`ApiError`] is. Stripe's answers map by HTTP status as
/// Stripe's SDKs map them; the JavaScript face has one error class per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 402: the card was declined or could not be charged (`decline_code` says why).
    Card,
    /// 400 or 404: the request was invalid (`param` names the parameter, if one).
    InvalidRequest,
    /// 400 with type `idempotency_error`: the key was reused with other params, or
    /// is being used by a request still in flight.
    Idempotency,
    /// 401: the key is missing, wrong or revoked.
    Authentication,
    /// 403: the key may not do this (a restricted key, or another account's object).
    Permission,
    /// 429, or 400 with code `rate_limit`: too many requests.
    RateLimit,
    /// Any other status, or an answer that was not Stripe's JSON.
    Api,
    /// The request did not complete: connection refused or reset, DNS, TLS.
    Connection,
    /// The call's total time ran out (`timeout_ms`, retries included).
    Timeout,
    /// Refused before anything was sent: a bad id, idempotency key, option or param
    /// shape. `code` says which.
    InvalidArgument,
}

impl ApiErrorKind {
    /// The stable name JavaScript's error classes carry as `type`.
    pub fn name(self) -> &'static str {
        match self {
            ApiErrorKind::Card => "StripeCardError",
            ApiErrorKind::InvalidRequest => "StripeInvalidRequestError",
            ApiErrorKind::Idempotency => "StripeIdempotencyError",
            ApiErrorKind::Authentication => "StripeAuthenticationError",
            ApiErrorKind::Permission => "StripePermissionError",
            ApiErrorKind::RateLimit => "StripeRateLimitError",
            ApiErrorKind::Api => "StripeAPIError",
            ApiErrorKind::Connection => "StripeConnectionError",
            ApiErrorKind::Timeout => "StripeTimeoutError",
            ApiErrorKind::InvalidArgument => "StripeInvalidArgumentError",
        }
    }
}

/// A failed API call. Every text field comes from Stripe's answer or from this
/// crate, and passes through [`keys::redact`], so no API key or client secret
/// appears in it even when Stripe echoes input back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// Which kind of failure.
    pub kind: ApiErrorKind,
    /// The HTTP status, when Stripe answered.
    pub status_code: Option<u16>,
    /// Stripe's `error.type` (`card_error`, `invalid_request_error`, …).
    pub error_type: Option<String>,
    /// Stripe's `error.code` (`card_declined`, `resource_missing`, …), or this
    /// crate's code for [`ApiErrorKind::InvalidArgument`].
    pub code: Option<String>,
    /// For card errors, the issuer's reason (`insufficient_funds`, …).
    pub decline_code: Option<String>,
    /// The parameter the error is about.
    pub param: Option<String>,
    /// A link to Stripe's documentation of `code`.
    pub doc_url: Option<String>,
    /// What went wrong, for people.
    pub message: String,
    /// Stripe's `Request-Id` header: quote it to Stripe support.
    pub request_id: Option<String>,
    /// Stripe's `Stripe-Should-Retry` header, when it sent one.
    pub should_retry: Option<bool>,
    /// Stripe's `error` object as it answered, with every string (member names
    /// included) passed through [`keys::redact`]; `None` when Stripe sent none.
    /// [`ApiError::payment_intent`] and its siblings read it.
    pub raw: Option<Value>,
}

impl ApiError {
    /// An error of `kind` with only a message.
    pub fn new(kind: ApiErrorKind, message: impl AsRef<str>) -> Self {
        ApiError {
            kind,
            status_code: None,
            error_type: None,
            code: None,
            decline_code: None,
            param: None,
            doc_url: None,
            message: keys::redact(message.as_ref()).into_owned(),
            request_id: None,
            should_retry: None,
            raw: None,
        }
    }

    /// A call refused before sending; `code` is stable.
    pub fn invalid_argument(code: &str, message: impl AsRef<str>) -> Self {
        let mut error = ApiError::new(ApiErrorKind::InvalidArgument, message);
        error.code = Some(code.to_owned());
        error
    }

    /// The request did not complete; `detail` is what the transport reported.
    pub fn connection(detail: &str) -> Self {
        ApiError::new(
            ApiErrorKind::Connection,
            format!("could not reach the Stripe API: {detail}"),
        )
    }

    /// The call's total time, `timeout_ms`, ran out.
    pub fn timeout(timeout_ms: u64) -> Self {
        ApiError::new(
            ApiErrorKind::Timeout,
            format!("the call took longer than its timeout of {timeout_ms} ms"),
        )
    }

    /// The error Stripe answered with `status` and `body`. A body that is not
    /// `{"error": {…}}` gives an [`ApiErrorKind::Api`] error naming the status.
    pub fn from_response(
        status: u16,
        request_id: Option<String>,
        should_retry: Option<bool>,
        body: &[u8],
    ) -> Self {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        let error = parsed
            .as_ref()
            .and_then(|value| value.get("error"))
            .and_then(Value::as_object);
        ApiError::from_error_object(status, request_id, should_retry, error)
    }

    /// [`ApiError::from_response`] for a transport that has already parsed the
    /// body: `error` is its `error` member when that is an object. Unlike
    /// [`ApiError::from_fields`], the error keeps the whole object as
    /// [`ApiError::raw`].
    pub fn from_error_object(
        status: u16,
        request_id: Option<String>,
        should_retry: Option<bool>,
        error: Option<&Map<String, Value>>,
    ) -> Self {
        let fields = error.map(|object| {
            let text = |name: &str| object.get(name).and_then(Value::as_str);
            ErrorFields {
                error_type: text("type"),
                code: text("code"),
                decline_code: text("decline_code"),
                param: text("param"),
                doc_url: text("doc_url"),
                message: text("message"),
            }
        });
        let mut built = ApiError::from_fields(status, request_id, should_retry, fields);
        built.raw = error.map(redacted_object);
        built
    }

    /// [`ApiError::from_response`] for a transport that has already parsed the
    /// body: `fields` are the string members of its `error` object, `None` when it
    /// had none.
    pub fn from_fields(
        status: u16,
        request_id: Option<String>,
        should_retry: Option<bool>,
        fields: Option<ErrorFields<'_>>,
    ) -> Self {
        let redacted = |text: Option<&str>| text.map(|text| keys::redact(text).into_owned());
        let found = fields.is_some();
        let fields = fields.unwrap_or_default();
        let error_type = redacted(fields.error_type);
        let code = redacted(fields.code);
        let kind = kind_for(status, error_type.as_deref(), code.as_deref());
        let message = redacted(fields.message).unwrap_or_else(|| {
            if found {
                format!("the Stripe API answered {status} with no message")
            } else {
                format!("the Stripe API answered {status} with an unexpected body")
            }
        });
        ApiError {
            kind,
            status_code: Some(status),
            error_type,
            code,
            decline_code: redacted(fields.decline_code),
            param: redacted(fields.param),
            doc_url: redacted(fields.doc_url),
            message,
            request_id: redacted(request_id.as_deref()),
            should_retry,
            raw: None,
        }
    }

    /// A 2xx answer whose body is not what was expected; `detail` says how.
    pub fn unexpected_body(status: u16, request_id: Option<String>, detail: &str) -> Self {
        let mut error = ApiError::new(
            ApiErrorKind::Api,
            format!(
                "the Stripe API answered {status} with a body this client cannot read: {detail}"
            ),
        );
        error.status_code = Some(status);
        error.code = Some("unexpected_response".to_owned());
        error.request_id = request_id.map(|id| keys::redact(&id).into_owned());
        error
    }

    /// The PaymentIntent Stripe sent with the error (a card error on confirm, for
    /// instance), as it sent it but redacted: its `client_secret` keeps only the id.
    pub fn payment_intent(&self) -> Option<&Value> {
        self.raw_object("payment_intent")
    }

    /// The PaymentMethod Stripe sent with the error, redacted as [`ApiError::raw`].
    pub fn payment_method(&self) -> Option<&Value> {
        self.raw_object("payment_method")
    }

    /// The SetupIntent Stripe sent with the error, redacted as [`ApiError::raw`].
    pub fn setup_intent(&self) -> Option<&Value> {
        self.raw_object("setup_intent")
    }

    fn raw_object(&self, name: &str) -> Option<&Value> {
        self.raw
            .as_ref()
            .and_then(|raw| raw.get(name))
            .filter(|value| value.is_object())
    }
}

fn redacted_object(object: &Map<String, Value>) -> Value {
    Value::Object(
        object
            .iter()
            .map(|(name, item)| (redacted_text(name), redacted_value(item)))
            .collect(),
    )
}

fn redacted_text(text: &str) -> String {
    keys::redact(text).into_owned()
}

/// `value` with every string in it redacted. Stripe echoes input back (a key pasted
/// into `metadata`, the key itself in a message), and the objects it sends with an
/// error hold client secrets; none of it may reach a log through the error.
fn redacted_value(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(redacted_text(text)),
        Value::Array(items) => Value::Array(items.iter().map(redacted_value).collect()),
        Value::Object(object) => redacted_object(object),
        Value::Null | Value::Bool(_) | Value::Number(_) => value.clone(),
    }
}

/// The string members of an error answer's `error` object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErrorFields<'a> {
    /// `type`: `card_error`, `invalid_request_error`, …
    pub error_type: Option<&'a str>,
    /// `code`: `card_declined`, `resource_missing`, …
    pub code: Option<&'a str>,
    /// `decline_code`, for card errors.
    pub decline_code: Option<&'a str>,
    /// `param`: the parameter the error is about.
    pub param: Option<&'a str>,
    /// `doc_url`.
    pub doc_url: Option<&'a str>,
    /// `message`.
    pub message: Option<&'a str>,
}

/// The kind for an error answer, as stripe-node's `generateV1Error` decides it.
fn kind_for(status: u16, error_type: Option<&str>, code: Option<&str>) -> ApiErrorKind {
    match status {
        429 => ApiErrorKind::RateLimit,
        400 if code == Some("rate_limit") => ApiErrorKind::RateLimit,
        400 | 404 if error_type == Some("idempotency_error") => ApiErrorKind::Idempotency,
        400 | 404 => ApiErrorKind::InvalidRequest,
        401 => ApiErrorKind::Authentication,
        402 => ApiErrorKind::Card,
        403 => ApiErrorKind::Permission,
        _ => ApiErrorKind::Api,
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.request_id {
            Some(id) => write!(f, "[{id}] {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ApiError {}
