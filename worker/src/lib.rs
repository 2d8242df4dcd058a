//! The stripe-edge Worker: receives Stripe webhooks, verifies them with the
//! core crate and records each event once in D1.
//!
//! Routes:
//! - `POST /webhooks/stripe`: verify, then upsert into `webhook_events`; 200
//!   with `{"received":true,"id":…,"duplicate":…}`.
//! - `GET /health`: 200 with `{"ok":true}`.
//!
//! Every failure answers `{"error":{"code":…,"message":…}}`, and every request
//! writes exactly one JSON log line. Logs carry ids and codes only: never a
//! secret, a signature header or a body.

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use stripe_edge::webhook::{construct_event, Tolerance, WebhookError};
use stripe_edge::Event;
use worker::wasm_bindgen::JsValue;
use worker::{console_log, event, Context, D1Database, Date, Env, Method, Request, Response};

const WEBHOOK_PATH: &str = "/webhooks/stripe";
const HEALTH_PATH: &str = "/health";

/// Stripe events are a few KB; the largest are well under this. Anything
/// bigger is not a delivery, and verifying it would only spend CPU time.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// One or more `whsec_…` values, comma-separated while a secret is rotated.
const SECRET_VAR: &str = "STRIPE_WEBHOOK_SECRET";
const DB_BINDING: &str = "DB";

/// Paths in log lines are cut to this many characters, so a hostile URL cannot
/// blow up the logs.
const MAX_LOGGED_PATH_CHARS: usize = 128;

/// One statement, so concurrent deliveries of the same event cannot both
/// insert: the first creates the row, every later one only counts itself.
const RECORD_EVENT_SQL: &str = "INSERT INTO webhook_events \
     (id, type, object_id, created, livemode, api_version, received_at, deliveries) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1) \
     ON CONFLICT(id) DO UPDATE SET deliveries = deliveries + 1 \
     RETURNING deliveries";

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let method = req.method();
    let path = req.path();

    let reply = route(&mut req, &env, &method, &path).await;

    reply.log(&method, &path);
    reply.into_response()
}

async fn route(req: &mut Request, env: &Env, method: &Method, path: &str) -> Reply {
    match (path, method) {
        (WEBHOOK_PATH, Method::Post) => receive_webhook(req, env).await,
        (WEBHOOK_PATH, _) => Reply::method_not_allowed("POST"),
        (HEALTH_PATH, Method::Get) => Reply::new(200, "ok", Body::Health { ok: true }),
        (HEALTH_PATH, _) => Reply::method_not_allowed("GET"),
        _ => Reply::error(404, "not_found", "no such route"),
    }
}

async fn receive_webhook(req: &mut Request, env: &Env) -> Reply {
    // A deployment without its secret is our fault, not the sender's: 500 makes
    // Stripe retry, so nothing is lost once the secret is set.
    let Some(configured) = env.var(SECRET_VAR).ok().map(|v| v.to_string()) else {
        return not_configured();
    };
    if configured.is_empty() {
        return not_configured();
    }
    // Used exactly as configured, like `loadStripeConfig` does: a padded or empty
    // entry is refused by the core as `InvalidSecret` below, not trimmed here.
    let secrets: Vec<&str> = configured.split(',').collect();
    let Ok(db) = env.d1(DB_BINDING) else {
        return Reply::error(
            500,
            "not_configured",
            "the D1 binding DB is missing; add it under [[d1_databases]] in wrangler.toml",
        );
    };

    let header = req.headers().get("Stripe-Signature").ok().flatten();
    let body = match read_body_capped(req, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return Reply::error(
                413,
                "payload_too_large",
                "body exceeds 1 MiB; Stripe events are far smaller",
            )
        }
        Err(BodyError::Unreadable) => {
            return Reply::error(400, "invalid_body", "the request body could not be read")
        }
    };

    // Workers freeze `Date.now()` between I/O, but it is still the wall clock
    // of this request, which is what the tolerance is measured against.
    let now_secs = i64::try_from(Date::now().as_millis() / 1000).unwrap_or(i64::MAX);
    let verified = construct_event(
        &body,
        header.as_deref(),
        &secrets,
        now_secs,
        Tolerance::default(),
    );
    let event = match verified {
        Ok(event) => event,
        // The secret we hold is unusable (quoted, padded, an API key): again our
        // fault, not the sender's.
        Err(WebhookError::InvalidSecret) => {
            return Reply::error(
                500,
                "not_configured",
                "STRIPE_WEBHOOK_SECRET is not a webhook signing secret; set it to the \
                 endpoint's whsec_ value, unquoted",
            )
        }
        Err(error) => return Reply::error(400, error.code(), error.message()),
    };

    match record_event(&db, &event, now_secs).await {
        Ok(deliveries) => {
            let duplicate = deliveries > 1;
            let body = Body::Received {
                received: true,
                id: event.id.clone(),
                duplicate,
            };
            let outcome = if duplicate { "duplicate" } else { "stored" };
            let mut reply = Reply::new(200, outcome, body);
            reply.deliveries = Some(deliveries);
            reply.with_event(&event)
        }
        // 500 again so Stripe retries; the upsert makes that retry harmless.
        Err(error) => {
            let mut reply = Reply::error(
                500,
                "storage_failed",
                "the event could not be recorded; Stripe will retry the delivery",
            );
            reply.detail = Some(truncate(&error.to_string(), 200));
            reply.with_event(&event)
        }
    }
}

fn not_configured() -> Reply {
    Reply::error(
        500,
        "not_configured",
        "STRIPE_WEBHOOK_SECRET is not set; add it with `wrangler secret put \
         STRIPE_WEBHOOK_SECRET`",
    )
}

#[derive(Deserialize)]
struct DeliveriesRow {
    deliveries: i64,
}

/// Upserts the event and returns how many deliveries of it have now been seen.
async fn record_event(db: &D1Database, event: &Event, received_at: i64) -> worker::Result<i64> {
    let optional_text = |value: Option<&str>| value.map_or(JsValue::NULL, JsValue::from_str);
    // D1 binds JS numbers; Unix seconds fit a double exactly.
    let statement = db.prepare(RECORD_EVENT_SQL).bind(&[
        JsValue::from_str(&event.id),
        JsValue::from_str(&event.event_type),
        optional_text(event.object_id()),
        JsValue::from_f64(event.created as f64),
        JsValue::from_f64(if event.livemode { 1.0 } else { 0.0 }),
        optional_text(event.api_version.as_deref()),
        JsValue::from_f64(received_at as f64),
    ])?;

    let row: Option<DeliveriesRow> = statement.first(None).await?;
    row.map(|r| r.deliveries)
        .ok_or_else(|| worker::Error::RustError("upsert returned no row".into()))
}

enum BodyError {
    TooLarge,
    Unreadable,
}

/// Reads the whole body once, refusing it as soon as it is known to exceed
/// `limit`: before reading when `Content-Length` says so, otherwise at the
/// first chunk past it (the rest is cancelled, never read).
async fn read_body_capped(req: &mut Request, limit: usize) -> Result<Vec<u8>, BodyError> {
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

/// What a response carries. Structs rather than `json!`, so the keys keep the
/// documented order (`serde_json::Map` would sort them).
#[derive(Serialize)]
#[serde(untagged)]
enum Body {
    Health {
        ok: bool,
    },
    Received {
        received: bool,
        id: String,
        duplicate: bool,
    },
    Error {
        error: ErrorBody,
    },
}

#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: &'static str,
}

/// A response together with what the log line says about it.
struct Reply {
    status: u16,
    body: Body,
    allow: Option<&'static str>,
    outcome: &'static str,
    error_code: Option<&'static str>,
    event_id: Option<String>,
    event_type: Option<String>,
    deliveries: Option<i64>,
    /// Operator-facing text for server errors; logged, never sent to clients.
    detail: Option<String>,
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
    detail: Option<&'a str>,
}

impl Reply {
    fn new(status: u16, outcome: &'static str, body: Body) -> Reply {
        Reply {
            status,
            body,
            allow: None,
            outcome,
            error_code: None,
            event_id: None,
            event_type: None,
            deliveries: None,
            detail: None,
        }
    }

    fn error(status: u16, code: &'static str, message: &'static str) -> Reply {
        let body = Body::Error {
            error: ErrorBody { code, message },
        };
        let mut reply = Reply::new(status, "rejected", body);
        reply.error_code = Some(code);
        if status >= 500 {
            reply.outcome = "failed";
        }
        reply
    }

    fn method_not_allowed(allow: &'static str) -> Reply {
        let mut reply = Reply::error(405, "method_not_allowed", "method not allowed here");
        reply.allow = Some(allow);
        reply
    }

    fn with_event(mut self, event: &Event) -> Reply {
        self.event_id = Some(event.id.clone());
        self.event_type = Some(event.event_type.clone());
        self
    }

    fn log(&self, method: &Method, path: &str) {
        let line = LogLine {
            method: method.as_ref(),
            path: &truncate(path, MAX_LOGGED_PATH_CHARS),
            status: self.status,
            outcome: self.outcome,
            code: self.error_code,
            event_id: self.event_id.as_deref(),
            event_type: self.event_type.as_deref(),
            deliveries: self.deliveries,
            detail: self.detail.as_deref(),
        };
        if let Ok(text) = serde_json::to_string(&line) {
            console_log!("{text}");
        }
    }

    fn into_response(self) -> worker::Result<Response> {
        let mut response = Response::from_json(&self.body)?.with_status(self.status);
        if let Some(allow) = self.allow {
            response.headers_mut().set("Allow", allow)?;
        }
        Ok(response)
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}
