//! What every route shares: the reply with its log line (paths redacted),
//! reading a capped body, JSON input errors, origins (CORS, the foreign-origin
//! refusal, redirect URLs) and the admin token.

use std::borrow::Cow;

use futures_util::StreamExt;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Serialize;
use serde_json::{json, Value};
use serde_path_to_error::Segment;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use worker::{console_log, Env, Method, Request, Response, Url};

/// Stripe events and shop requests are a few KB; anything bigger is refused
/// before it costs CPU time.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Paths in log lines are cut to this many characters, so a hostile URL cannot
/// blow up the logs.
const MAX_LOGGED_PATH_CHARS: usize = 128;

/// A response together with what its log line says. Nothing in a log line is a
/// secret, a client secret or a body: only ids, codes and counts.
pub struct Reply {
    pub status: u16,
    body: ReplyBody,
    pub outcome: &'static str,
    pub error_code: Option<&'static str>,
    pub event_id: Option<String>,
    pub event_type: Option<String>,
    pub deliveries: Option<i64>,
    /// What processing did with an event (`applied`, `stale`, `no_effect`…).
    pub effect: Option<&'static str>,
    /// Operator-facing text for server errors; logged, never sent to clients.
    pub detail: Option<String>,
    headers: Vec<(&'static str, String)>,
}

enum ReplyBody {
    Json(Value),
    /// Pre-serialised, for bodies whose key order is part of the contract.
    Text(String),
    Empty,
}

#[derive(Serialize)]
struct LogLine<'a> {
    method: &'a str,
    path: &'a str,
    status: u16,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deliveries: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effect: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

impl Reply {
    fn with_body(status: u16, outcome: &'static str, body: ReplyBody) -> Reply {
        Reply {
            status,
            body,
            outcome,
            error_code: None,
            event_id: None,
            event_type: None,
            deliveries: None,
            effect: None,
            detail: None,
            headers: Vec::new(),
        }
    }

    pub fn json(status: u16, body: Value) -> Reply {
        Reply::with_body(status, "ok", ReplyBody::Json(body))
    }

    /// A body serialised from a struct, keeping its field order.
    pub fn ordered<T: Serialize>(status: u16, outcome: &'static str, body: &T) -> Reply {
        match serde_json::to_string(body) {
            Ok(text) => Reply::with_body(status, outcome, ReplyBody::Text(text)),
            Err(_) => Reply::error(500, "internal_error", "the response could not be written"),
        }
    }

    pub fn no_content() -> Reply {
        Reply::with_body(204, "ok", ReplyBody::Empty)
    }

    pub fn error(status: u16, code: &'static str, message: &str) -> Reply {
        let body = json!({ "error": { "code": code, "message": message } });
        let outcome = if status >= 500 { "failed" } else { "rejected" };
        let mut reply = Reply::with_body(status, outcome, ReplyBody::Json(body));
        reply.error_code = Some(code);
        reply
    }

    /// A server-side failure: the client sees `message`, the log also `detail`.
    pub fn failure(status: u16, code: &'static str, message: &str, detail: String) -> Reply {
        let mut reply = Reply::error(status, code, message);
        reply.detail = Some(truncate(&detail, 200));
        reply
    }

    pub fn method_not_allowed(allow: &'static str) -> Reply {
        Reply::error(405, "method_not_allowed", "method not allowed here")
            .with_header("Allow", allow.to_string())
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }

    pub fn with_event(mut self, id: &str, event_type: &str) -> Reply {
        self.event_id = Some(id.to_string());
        self.event_type = Some(event_type.to_string());
        self
    }

    pub fn log(&self, method: &Method, path: &str) {
        let line = LogLine {
            method: method.as_ref(),
            path: &truncate(&redact_path(path), MAX_LOGGED_PATH_CHARS),
            status: self.status,
            outcome: self.outcome,
            code: self.error_code,
            event_id: self.event_id.as_deref(),
            event_type: self.event_type.as_deref(),
            deliveries: self.deliveries,
            effect: self.effect,
            detail: self.detail.as_deref(),
        };
        if let Ok(text) = serde_json::to_string(&line) {
            console_log!("{text}");
        }
    }

    pub fn into_response(self) -> worker::Result<Response> {
        let mut response = match self.body {
            ReplyBody::Json(value) => Response::from_json(&value)?,
            ReplyBody::Text(text) => {
                let mut response = Response::ok(text)?;
                response
                    .headers_mut()
                    .set("Content-Type", "application/json")?;
                response
            }
            ReplyBody::Empty => Response::empty()?,
        }
        .with_status(self.status);
        for (name, value) in &self.headers {
            response.headers_mut().set(name, value)?;
        }
        Ok(response)
    }
}

/// The log line of one event applied outside a webhook request (by a
/// reconcile run): its id, type and what happened.
pub fn log_event(source: &str, id: &str, event_type: &str, outcome: &str) {
    #[derive(Serialize)]
    struct EventLine<'a> {
        source: &'a str,
        event_id: &'a str,
        event_type: &'a str,
        outcome: &'a str,
    }
    let line = EventLine {
        source,
        event_id: id,
        event_type,
        outcome,
    };
    if let Ok(text) = serde_json::to_string(&line) {
        console_log!("{text}");
    }
}

pub fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

pub enum BodyError {
    TooLarge,
    Unreadable,
}

impl BodyError {
    pub fn reply(&self) -> Reply {
        match self {
            BodyError::TooLarge => Reply::error(
                413,
                "payload_too_large",
                "body exceeds 1 MiB; Stripe events and shop requests are far smaller",
            ),
            BodyError::Unreadable => {
                Reply::error(400, "invalid_body", "the request body could not be read")
            }
        }
    }
}

/// Reads the whole body once, refusing it as soon as it is known to exceed
/// `limit`: before reading when `Content-Length` says so, otherwise at the
/// first chunk past it (the rest is cancelled, never read).
pub async fn read_body_capped(req: &mut Request, limit: usize) -> Result<Vec<u8>, BodyError> {
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }

    let mut stream = req.stream().map_err(|_| BodyError::Unreadable)?;
    let capacity = declared.map_or(0, |len| len as usize);
    let mut body = Vec::with_capacity(capacity);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyError::Unreadable)?;
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads a JSON body into `T`: 415 unless it is declared `application/json`,
/// 413 over the limit, 400 `invalid_json` when it is not JSON, 400
/// `invalid_request` when it is not an object or a field is missing, repeated
/// or of the wrong type.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> Result<T, Reply> {
    // A browser sends `text/plain` cross-site without a preflight; demanding
    // JSON's own type means such a request never reaches a handler.
    let content_type = req.headers().get("Content-Type").ok().flatten();
    if !content_type.as_deref().is_some_and(is_json_media_type) {
        return Err(Reply::error(
            415,
            "unsupported_media_type",
            "send the body as JSON with `Content-Type: application/json`",
        ));
    }

    let body = read_body_capped(req, MAX_BODY_BYTES)
        .await
        .map_err(|e| e.reply())?;

    // Syntax first, over the whole body, so a malformed body is always
    // `invalid_json` whatever the first wrong field would have been.
    serde_json::from_slice::<IgnoredAny>(&body)
        .map_err(|_| Reply::error(400, "invalid_json", "the body is not valid JSON"))?;
    // serde fills a struct from an array too, by position: only an object is
    // taken, so every value arrives under its name.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Reply::error(
            400,
            "invalid_request",
            "the body: must be a JSON object",
        ));
    }

    // Straight from the bytes, not through a `Value`: a `Value` keeps the last
    // of two equal keys without a word, while a struct refuses the second, so
    // an ambiguous body is refused rather than read one way here and perhaps
    // another way by whatever checked it before.
    let mut deserializer = serde_json::Deserializer::from_slice(&body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let message = field_error(error.path(), &error.inner().to_string());
        Reply::error(400, "invalid_request", &truncate(&message, 200))
    })
}

fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// The answer for a body of the wrong shape, built from the field's path and
/// what was expected there. serde_json's message is never passed on: it quotes
/// the value (`invalid type: string "4242…"`), which may be anything a
/// shopper typed, card numbers included.
fn field_error(path: &serde_path_to_error::Path, serde_message: &str) -> String {
    let unknown_field = serde_message.starts_with("unknown field ");
    let problem = if let Some(field) = serde_message.strip_prefix("missing field ") {
        // The missing name is one of our fields (`email`), never the client's.
        format!("missing field {}", field_name(field))
    } else if let Some(field) = serde_message.strip_prefix("duplicate field ") {
        // Only a known field is reported twice: an unknown one fails first.
        format!("duplicate field {}", field_name(field))
    } else if unknown_field {
        // The unknown name is the client's, so only the known ones are listed.
        match serde_message.split_once(", expected ") {
            Some((_, expected)) => format!("unknown field; expected {}", field_name(expected)),
            None => "unknown field".to_string(),
        }
    } else {
        match serde_message.split_once(", expected ") {
            Some((_, expected)) => format!("expected {}", expected_words(field_name(expected))),
            None => "has the wrong type or value".to_string(),
        }
    };

    // The path of an unknown field ends with the client's key: it is dropped.
    // Every other key in a path is one of our field names.
    let mut segments: Vec<&Segment> = path.iter().collect();
    if unknown_field {
        segments.pop();
    }
    let mut text = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            _ => return format!("a field {problem}"),
        }
    }
    if text.is_empty() {
        format!("the body: {problem}")
    } else {
        format!("{text}: {problem}")
    }
}

/// serde's description of what it wanted, in words for a client.
fn expected_words(expected: &str) -> String {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a sequence" => "a list".into(),
        other if other.starts_with("struct ") => "an object".into(),
        other => other.to_string(),
    }
}

/// Cuts serde_json's " at line 1 column 42", meaningless for a parsed value.
fn field_name(text: &str) -> &str {
    match text.find(" at line ") {
        Some(at) => &text[..at],
        None => text,
    }
}

/// The request path as it may be logged: any segment holding a client secret
/// (`pi_…_secret_…`, percent-encoded or not) or a key is replaced, and so is a
/// query that holds one.
pub fn redact_path(path: &str) -> String {
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let logged: Vec<&str> = path
        .split('/')
        .map(|segment| {
            if holds_secret(segment) {
                "[redacted]"
            } else {
                segment
            }
        })
        .collect();
    let mut text = logged.join("/");
    if let Some(query) = query {
        text.push('?');
        text.push_str(if holds_secret(query) {
            "[redacted]"
        } else {
            query
        });
    }
    text
}

fn holds_secret(text: &str) -> bool {
    // `_` may arrive as `%5F`; the check runs on the decoded form.
    let decoded = text.replace("%5F", "_").replace("%5f", "_");
    decoded.contains("_secret_") || matches!(stripe_edge::keys::redact(&decoded), Cow::Owned(_))
}

/// The origins allowed to call the shop routes from a browser, from the
/// comma-separated `FRONTEND_ORIGINS` var. Empty means none.
pub fn frontend_origins(env: &Env) -> Vec<String> {
    env.var("FRONTEND_ORIGINS")
        .map(|v| v.to_string())
        .unwrap_or_default()
        .split(',')
        .map(|o| o.trim().trim_end_matches('/').to_string())
        .filter(|o| !o.is_empty())
        .collect()
}

/// The request's `Origin` if it is one of the allowed origins.
pub fn allowed_origin(req: &Request, allowed: &[String]) -> Option<String> {
    let origin = req.headers().get("Origin").ok().flatten()?;
    allowed.contains(&origin).then_some(origin)
}

/// Whether the request comes from a browser on an origin that is not allowed.
/// CORS only hides the answer from such a page; the request itself would run,
/// so it is refused before anything does. No `Origin` means server-to-server.
pub fn is_foreign_origin(req: &Request, allowed: &[String]) -> bool {
    match req.headers().get("Origin").ok().flatten() {
        Some(origin) => !allowed.contains(&origin),
        None => false,
    }
}

/// Whether `value` is an http(s) URL on one of the allowed origins (scheme,
/// host and port, compared as parsed), so Stripe never sends a shopper back
/// anywhere else. No allowed origins means no URL is accepted.
pub fn is_frontend_url(value: &str, allowed: &[String]) -> bool {
    if value.len() > 2048 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Ok(url) = Url::parse(value) else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    let origin = url.origin().ascii_serialization();
    allowed.iter().any(|entry| {
        Url::parse(entry).is_ok_and(|parsed| parsed.origin().ascii_serialization() == origin)
    })
}

/// Adds the CORS headers for an allowed origin. `Vary: Origin` always, so a
/// cache never serves one origin's answer to another.
pub fn with_cors(reply: Reply, origin: Option<&str>) -> Reply {
    let reply = reply.with_header("Vary", "Origin".to_string());
    match origin {
        Some(origin) => reply.with_header("Access-Control-Allow-Origin", origin.to_string()),
        None => reply,
    }
}

/// The answer to a CORS preflight: allowed origins get the methods and headers
/// the shop routes use; others a 403 without CORS headers, which browsers block.
pub fn preflight(origin: Option<&str>) -> Reply {
    match origin {
        Some(origin) => Reply::no_content()
            .with_header("Access-Control-Allow-Origin", origin.to_string())
            .with_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS".into())
            .with_header("Access-Control-Allow-Headers", "Content-Type".into())
            .with_header("Access-Control-Max-Age", "600".into())
            .with_header("Vary", "Origin".into()),
        None => Reply::error(
            403,
            "origin_not_allowed",
            "this origin may not call the API",
        ),
    }
}

/// The placeholder in `worker/.dev.vars.example`, refused as if unset.
const ADMIN_TOKEN_PLACEHOLDER: &str = "replace_with_a_long_random_token";

/// Shorter tokens are refused: `openssl rand -hex 32` gives 64 characters.
const MIN_ADMIN_TOKEN_CHARS: usize = 32;

/// Checks `Authorization: Bearer <ADMIN_TOKEN>`. Both sides are hashed first so
/// the comparison takes the same time whatever the lengths.
pub fn check_admin(req: &Request, env: &Env) -> Result<(), Reply> {
    // A missing, short or example token is the deployment's fault: 500, and
    // the admin routes stay closed until a real one is set.
    let expected = env
        .secret("ADMIN_TOKEN")
        .map(|s| s.to_string())
        .unwrap_or_default();
    if expected.chars().count() < MIN_ADMIN_TOKEN_CHARS || expected == ADMIN_TOKEN_PLACEHOLDER {
        return Err(Reply::error(
            500,
            "not_configured",
            "admin routes are disabled: set ADMIN_TOKEN to at least 32 random characters \
             (openssl rand -hex 32)",
        ));
    }

    let header = req.headers().get("Authorization").ok().flatten();
    let given = header.as_deref().and_then(bearer_token).unwrap_or("");
    let matches: bool = Sha256::digest(given.as_bytes())
        .ct_eq(&Sha256::digest(expected.as_bytes()))
        .into();
    if given.is_empty() || !matches {
        return Err(Reply::error(
            401,
            "unauthorized",
            "missing or wrong admin bearer token",
        ));
    }
    Ok(())
}

/// The token of an `Authorization: Bearer <token>` header. The scheme's name
/// is case-insensitive (RFC 9110 §11.1), so `bearer` and `BEARER` count too.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("Bearer")
        .then(|| token.trim_start_matches(' '))
}
