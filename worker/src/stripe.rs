//! The Worker's Stripe transport: the crate's sans-IO client core
//! (`stripe_edge::api`) builds each request and reads each answer, and this
//! module sends it with `worker::Fetch`, under one deadline per call, retrying
//! as the core decides (connection errors, 409, 5xx, `Stripe-Should-Retry`).

use std::time::Duration;

use futures_util::future::{select, Either};
use serde_json::{Map, Value};
use stripe_edge::api::{
    self, retry_delay, ApiError, ApiErrorKind, AttemptOutcome, ClientConfig, HttpRequest,
    RequestOptions,
};
use stripe_edge::keys::{ConfigOptions, StripeConfig};
use worker::{AbortController, Date, Delay, Env, Fetch, Headers, Method, Request, RequestInit};

use crate::http::{truncate, Reply};

/// How long one call to Stripe may take, retries included, before the caller
/// answers 502: a shopper is waiting, and the webhook path never calls Stripe.
const TIMEOUT_MS: u64 = 10_000;
/// One retry keeps a blip from failing a checkout without making an outage slow.
const MAX_RETRIES: u32 = 1;

pub struct Stripe {
    config: ClientConfig,
}

/// Why a call to Stripe did not give an object.
#[derive(Debug)]
pub struct StripeError(pub ApiError);

impl Stripe {
    /// Reads `STRIPE_SECRET_KEY` and `STRIPE_API_BASE`, checked by the core's
    /// configuration rules, or the 500 `not_configured` reply that says what is
    /// wrong (never the value).
    pub fn from_env(env: &Env) -> Result<Stripe, Reply> {
        let read = |name: &str| env.var(name).map(|v| v.to_string()).ok();
        let vars = ["STRIPE_SECRET_KEY", "STRIPE_API_BASE"]
            .into_iter()
            .filter_map(|name| Some((name, read(name)?)));
        let not_configured = |detail: String| {
            Reply::failure(
                500,
                "not_configured",
                "the Stripe API is not configured; set STRIPE_SECRET_KEY with `wrangler \
                 secret put STRIPE_SECRET_KEY`",
                detail,
            )
        };
        let checked = StripeConfig::from_vars(vars, &ConfigOptions::default())
            .map_err(|error| not_configured(error.to_string()))?;
        let secret_key = checked
            .expose_secret_key()
            .ok_or_else(|| not_configured("STRIPE_SECRET_KEY is not set".into()))?;
        let mut config =
            ClientConfig::new(secret_key).map_err(|error| not_configured(error.message))?;
        config.api_base = checked.api_base().to_string();
        config.max_network_retries = MAX_RETRIES;
        config.timeout_ms = TIMEOUT_MS;
        config.user_agent = concat!("stripe-edge-worker/", env!("CARGO_PKG_VERSION")).into();
        Ok(Stripe { config })
    }

    /// `POST` with form params, in the order given. `idempotency_key` makes a
    /// retry of the same create return the first result instead of a second
    /// object; without one, a fresh key is drawn for this call (not per attempt).
    pub async fn post(
        &self,
        path: &str,
        params: &[(String, String)],
        idempotency_key: Option<&str>,
    ) -> Result<Value, StripeError> {
        let key = match idempotency_key {
            Some(key) => key.to_string(),
            None => {
                let mut bytes = [0u8; 16];
                crate::random::fill(&mut bytes)
                    .map_err(|detail| StripeError(ApiError::connection(&detail)))?;
                api::new_idempotency_key(bytes)
            }
        };
        let options = RequestOptions {
            idempotency_key: Some(key),
            ..RequestOptions::default()
        };
        self.call(api::Method::Post, path, &as_object(params), &options)
            .await
    }

    /// `GET` with query params.
    pub async fn get(&self, path: &str, query: &[(String, String)]) -> Result<Value, StripeError> {
        self.call(
            api::Method::Get,
            path,
            &as_object(query),
            &RequestOptions::default(),
        )
        .await
    }

    async fn call(
        &self,
        method: api::Method,
        path: &str,
        params: &Value,
        options: &RequestOptions,
    ) -> Result<Value, StripeError> {
        let request = api::build_request(&self.config, method, path, Some(params), options)
            .map_err(StripeError)?;
        let deadline_ms = Date::now().as_millis() + self.config.timeout_ms;
        let mut retries_done = 0;
        loop {
            let left_ms = deadline_ms.saturating_sub(Date::now().as_millis());
            let (outcome, result, retry_after) = match send_once(&request, left_ms).await {
                Attempt::Answered {
                    status,
                    headers,
                    body,
                } => {
                    let header = |name: &str| headers.get(name).ok().flatten();
                    let outcome = AttemptOutcome::from_response(status, header);
                    let retry_after = header("retry-after")
                        .as_deref()
                        .and_then(api::parse_retry_after);
                    let result = api::interpret_response(status, header, &body);
                    (outcome, result, retry_after)
                }
                Attempt::Failed(detail) => (
                    AttemptOutcome::Connection,
                    Err(ApiError::connection(&detail)),
                    None,
                ),
                Attempt::TimedOut => (
                    AttemptOutcome::Timeout,
                    Err(ApiError::timeout(self.config.timeout_ms)),
                    None,
                ),
            };
            let Err(error) = result else {
                return result.map_err(StripeError);
            };
            let mut jitter = [0u8; 1];
            let jitter = match crate::random::fill(&mut jitter) {
                Ok(()) => f64::from(jitter[0]) / 255.0,
                Err(_) => 0.5,
            };
            let Some(wait) = retry_delay(
                retries_done,
                &outcome,
                self.config.max_network_retries,
                jitter,
                retry_after,
            ) else {
                return Err(StripeError(error));
            };
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            if Date::now().as_millis().saturating_add(wait_ms) >= deadline_ms {
                return Err(StripeError(error));
            }
            Delay::from(wait).await;
            retries_done += 1;
        }
    }
}

enum Attempt {
    Answered {
        status: u16,
        headers: Headers,
        body: Vec<u8>,
    },
    Failed(String),
    TimedOut,
}

/// Sends the request once, aborting it when `left_ms` runs out.
async fn send_once(request: &HttpRequest, left_ms: u64) -> Attempt {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        if headers.set(name, value).is_err() {
            return Attempt::Failed(format!("header {name} could not be set"));
        }
    }
    let mut init = RequestInit::new();
    init.with_method(match request.method {
        api::Method::Get => Method::Get,
        api::Method::Post => Method::Post,
        api::Method::Delete => Method::Delete,
    })
    .with_headers(headers);
    if let Some(body) = &request.body {
        init.with_body(Some(body.as_str().into()));
    }
    let outgoing = match Request::new_with_init(&request.url, &init) {
        Ok(outgoing) => outgoing,
        Err(error) => return Attempt::Failed(error.to_string()),
    };

    // A hung Stripe must not hold the request until the runtime's own limit:
    // past the deadline the fetch is aborted.
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(outgoing);
    let sending = Box::pin(async move {
        let mut response = fetch.send_with_signal(&signal).await?;
        let body = response.bytes().await?;
        Ok::<_, worker::Error>((response.status_code(), response.headers().clone(), body))
    });
    let timeout = Box::pin(Delay::from(Duration::from_millis(left_ms)));
    match select(sending, timeout).await {
        Either::Left((Ok((status, headers, body)), _)) => Attempt::Answered {
            status,
            headers,
            body,
        },
        Either::Left((Err(error), _)) => Attempt::Failed(truncate(&error.to_string(), 200)),
        Either::Right(_) => {
            controller.abort();
            Attempt::TimedOut
        }
    }
}

/// Params as a JSON object of strings, keeping their order (the core's `api`
/// feature turns on `serde_json`'s `preserve_order`). Bracketed names such as
/// `line_items[0][quantity]` pass through the core's encoder unchanged.
fn as_object(pairs: &[(String, String)]) -> Value {
    let map: Map<String, Value> = pairs
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    Value::Object(map)
}

impl StripeError {
    /// What the shop's client is told. Stripe's own message goes to the log only:
    /// it can name ids of other objects.
    pub fn reply(&self) -> Reply {
        let error = &self.0;
        let detail = format!(
            "{} {} {}: {}",
            error.kind.name(),
            error.status_code.map_or(String::new(), |s| s.to_string()),
            error.code.as_deref().unwrap_or(""),
            error.message
        );
        match error.kind {
            ApiErrorKind::Card => {
                Reply::failure(402, "payment_failed", "the payment was declined", detail)
            }
            ApiErrorKind::Authentication | ApiErrorKind::Permission => Reply::failure(
                500,
                "not_configured",
                "Stripe refused the API key; check STRIPE_SECRET_KEY",
                detail,
            ),
            // Stripe answers 404 for a missing object in the path but 400 with
            // `resource_missing` for one named in a parameter (`customer`);
            // localstripe answers 404 for both. Either way it is the same news.
            ApiErrorKind::InvalidRequest
                if error.status_code == Some(404)
                    || error.code.as_deref() == Some("resource_missing") =>
            {
                Reply::failure(
                    404,
                    "stripe_resource_missing",
                    "Stripe has no such object",
                    detail,
                )
            }
            ApiErrorKind::InvalidRequest | ApiErrorKind::Idempotency => Reply::failure(
                400,
                "stripe_invalid_request",
                "Stripe refused the request",
                detail,
            ),
            ApiErrorKind::InvalidArgument => Reply::failure(
                500,
                "internal_error",
                "the request to Stripe could not be built",
                detail,
            ),
            // Connection, Timeout, RateLimit, Api (5xx or an unreadable answer),
            // and any kind added later: nothing was decided, try again.
            _ => Reply::failure(
                502,
                "stripe_unavailable",
                "Stripe could not be reached; nothing was changed, try again",
                detail,
            ),
        }
    }
}

/// A pair for a params list.
pub fn param(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_string(), value.into())
}

/// A path with ids filled in and percent-encoded by the core (a client secret
/// given as an id is refused there).
pub fn path(template: &str, ids: &[&str]) -> Result<String, Reply> {
    api::path(template, ids).map_err(|error| StripeError(error).reply())
}
