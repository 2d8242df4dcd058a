//! The stripe-edge payment server: a Cloudflare Worker that takes a Next.js
//! shop's payments through Stripe and keeps every payment record in D1, exactly
//! once and never backwards, whatever order, number or timing Stripe's events
//! arrive in.
//!
//! Routes (JSON in and out; every failure is
//! `{"error":{"code":…,"message":…}}` with the matching status):
//! - `GET /catalog` → `{products:[{sku,name,description,unit_amount,currency,
//!   kind,interval?}]}`.
//! - `POST /customers` `{email,name?}` → 201 `{customer_id}`.
//! - `POST /payment-intents` `{items:[{sku,quantity}],customer_id?,order_ref?}`
//!   → 201 `{order_id,payment_intent_id,client_secret,amount,currency,status}`;
//!   the amount comes from the catalog; a retry with the same `order_ref`
//!   answers the same order (200) and creates nothing.
//! - `POST /checkout-sessions` `{items,ui_mode:"hosted"|"embedded",
//!   success_url?,cancel_url?,return_url?,customer_id?,order_ref?}` → 201
//!   `{order_id,checkout_session_id,url}` or `{…,client_secret}`.
//! - `POST /subscriptions` `{customer_id,sku}` → 201
//!   `{subscription_id,status,client_secret?}`.
//! - `GET /orders/:id`, `GET /orders?customer_id=…&limit=…`, `GET /payments/:id`:
//!   from D1, re-read from Stripe when in flight and stale.
//! - `POST /payments/:id/status` `{client_secret,subscription_id?}` →
//!   `{id,status,amount,currency,order_id}`, read from Stripe now, only for
//!   the caller holding that PaymentIntent's client secret (an order's, or
//!   with `subscription_id` that subscription's latest invoice's), and only
//!   then recorded in D1; 404 otherwise.
//! - Server-to-server, with `Authorization: Bearer <ADMIN_TOKEN>`: `POST /refunds`
//!   `{payment_intent_id,amount?}`, `POST /admin/reconcile`
//!   `{pending_older_than_secs?}` and `POST /billing-portal-sessions`
//!   `{customer_id,return_url}` → 201 `{url}`.
//! - `POST /webhooks/stripe`: verify, record, process; 200
//!   `{"received":true,"id":…,"duplicate":…}`.
//! - `GET /health` → `{"ok":true}`.
//!
//! CORS answers only the origins in `FRONTEND_ORIGINS`; a request from any
//! other browser origin is refused (403) before it runs, and the URLs Stripe
//! redirects to must be on those origins. JSON routes take only
//! `application/json`. Every request writes one JSON log line, and so does
//! every event a reconcile run applies: ids, types, codes and outcomes, never
//! a secret, client secret or body.

// A `Reply` is the error of most helpers: built at most once per request, next
// to network and D1 I/O, so boxing it would cost readability and save nothing.
#![allow(clippy::result_large_err)]

use serde::Deserialize;
use serde::Serialize;
use stripe_edge::webhook::{construct_event, Tolerance, WebhookError};
use worker::{
    event, Context, D1Database, Date, Env, Method, Request, Response, ScheduleContext,
    ScheduledEvent,
};

mod db;
mod http;
mod processing;
mod random;
mod reconcile;
mod routes;
mod stripe;

use http::{
    allowed_origin, check_admin, frontend_origins, is_foreign_origin, preflight, read_body_capped,
    read_json, with_cors, Reply, MAX_BODY_BYTES,
};
use processing::{record_and_process, Source};

/// One or more `whsec_…` values, comma-separated while a secret is rotated.
const SECRET_VAR: &str = "STRIPE_WEBHOOK_SECRET";
const DB_BINDING: &str = "DB";

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let method = req.method();
    let path = req.path();

    let reply = route(&mut req, &env, &method, &path).await;

    // `log` redacts any client secret or key in the path.
    reply.log(&method, &path);
    reply.into_response()
}

/// The Cron Trigger (`[triggers] crons` in wrangler.toml): the same recovery as
/// `POST /admin/reconcile`, logged as one line.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let reply = match env.d1(DB_BINDING) {
        Ok(db) => run_reconcile(&env, &db, reconcile::DEFAULT_PENDING_RECHECK_SECS).await,
        Err(_) => missing_db(),
    };
    reply.log(&Method::Post, "(cron) reconcile");
}

async fn route(req: &mut Request, env: &Env, method: &Method, path: &str) -> Reply {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();

    // Stripe and operators call these; browsers never do, so no CORS.
    match (segments.as_slice(), method) {
        (["webhooks", "stripe"], Method::Post) => return receive_webhook(req, env).await,
        (["webhooks", "stripe"], _) => return Reply::method_not_allowed("POST"),
        (["health"], Method::Get) => return Reply::json(200, serde_json::json!({ "ok": true })),
        (["health"], _) => return Reply::method_not_allowed("GET"),
        _ => {}
    }

    // CORS only hides answers: a page on another origin could still make a
    // browser send a request that runs. So any request that says it comes from
    // a browser page on a foreign origin is refused before anything runs.
    let origins = frontend_origins(env);
    if is_foreign_origin(req, &origins) {
        return Reply::error(
            403,
            "origin_not_allowed",
            "this origin may not call the API; add it to FRONTEND_ORIGINS",
        );
    }

    // The shop's server calls these, never a browser, so no CORS either.
    match (segments.as_slice(), method) {
        (["refunds"] | ["admin", "reconcile"] | ["billing-portal-sessions"], Method::Post) => {
            if let Err(reply) = check_admin(req, env) {
                return reply;
            }
            let Ok(db) = env.d1(DB_BINDING) else {
                return missing_db();
            };
            return match segments[0] {
                "refunds" => routes::create_refund(req, env, &db, now_secs()).await,
                "billing-portal-sessions" => {
                    routes::create_billing_portal_session(req, env, &origins).await
                }
                _ => admin_reconcile(req, env, &db).await,
            };
        }
        (["refunds"] | ["admin", "reconcile"] | ["billing-portal-sessions"], _) => {
            return Reply::method_not_allowed("POST")
        }
        _ => {}
    }

    let origin = allowed_origin(req, &origins);
    let reply = shop_route(req, env, method, &segments, &origins).await;
    if *method == Method::Options && reply.status != 404 {
        return preflight(origin.as_deref());
    }
    with_cors(reply, origin.as_deref())
}

async fn shop_route(
    req: &mut Request,
    env: &Env,
    method: &Method,
    segments: &[&str],
    origins: &[String],
) -> Reply {
    let allow = match segments {
        ["catalog"] | ["orders", _] | ["payments", _] => "GET",
        ["orders"] => "GET",
        ["customers"]
        | ["payment-intents"]
        | ["checkout-sessions"]
        | ["subscriptions"]
        | ["payments", _, "status"] => "POST",
        _ => return Reply::error(404, "not_found", "no such route"),
    };
    if *method == Method::Options {
        return Reply::no_content();
    }
    if method.as_ref() != allow {
        return Reply::method_not_allowed(allow);
    }
    let Ok(db) = env.d1(DB_BINDING) else {
        return missing_db();
    };
    let now = now_secs();
    match segments {
        ["catalog"] => routes::catalog(&db).await,
        ["orders"] => routes::list_orders(req, &db).await,
        ["orders", id] => routes::get_order(env, &db, id, now).await,
        ["payments", id] => routes::get_payment(env, &db, id, now).await,
        ["payments", id, "status"] => routes::payment_status(req, env, &db, id, now).await,
        ["customers"] => routes::create_customer(req, env, &db, now).await,
        ["payment-intents"] => routes::create_payment_intent(req, env, &db, now).await,
        ["checkout-sessions"] => routes::create_checkout_session(req, env, &db, origins, now).await,
        _ => routes::create_subscription(req, env, &db, now).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReconcileOptions {
    #[serde(default)]
    pending_older_than_secs: Option<i64>,
}

async fn admin_reconcile(req: &mut Request, env: &Env, db: &D1Database) -> Reply {
    let has_body = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .is_some_and(|len| len != "0");
    let options = if has_body {
        match read_json::<ReconcileOptions>(req).await {
            Ok(options) => options,
            Err(reply) => return reply,
        }
    } else {
        ReconcileOptions::default()
    };
    let older_than = options
        .pending_older_than_secs
        .unwrap_or(reconcile::DEFAULT_PENDING_RECHECK_SECS);
    if older_than < 0 {
        return Reply::error(
            400,
            "invalid_request",
            "pending_older_than_secs: must not be negative",
        );
    }
    run_reconcile(env, db, older_than).await
}

async fn run_reconcile(env: &Env, db: &D1Database, pending_older_than_secs: i64) -> Reply {
    match reconcile::reconcile(env, db, now_secs(), pending_older_than_secs).await {
        Ok(report) => {
            let mut reply = Reply::json(200, serde_json::json!(report));
            reply.outcome = "reconciled";
            reply
        }
        Err(reply) => reply,
    }
}

#[derive(Serialize)]
struct Received<'a> {
    received: bool,
    id: &'a str,
    duplicate: bool,
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
        return missing_db();
    };

    let header = req.headers().get("Stripe-Signature").ok().flatten();
    let body = match read_body_capped(req, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(error) => return error.reply(),
    };

    let now = now_secs();
    let verified = construct_event(
        &body,
        header.as_deref(),
        &secrets,
        now,
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
        // A forged or stale delivery: 400, which Stripe does not retry.
        Err(error) => return Reply::error(400, error.code(), error.message()),
    };

    match record_and_process(&db, &event, Source::Webhook, now).await {
        Ok(handled) => {
            let body = Received {
                received: true,
                id: &event.id,
                duplicate: handled.duplicate,
            };
            let outcome = if handled.duplicate {
                "duplicate"
            } else {
                "stored"
            };
            let mut reply = Reply::ordered(200, outcome, &body);
            reply.deliveries = Some(handled.deliveries);
            reply.effect = Some(handled.effect);
            reply.with_event(&event.id, &event.event_type)
        }
        // 500 so Stripe retries; the event stays recorded with its error, and the
        // reconcile run retries it too.
        Err(error) => Reply::failure(
            500,
            "processing_failed",
            "the event could not be processed; Stripe will retry the delivery",
            error.0,
        )
        .with_event(&event.id, &event.event_type),
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

fn missing_db() -> Reply {
    Reply::error(
        500,
        "not_configured",
        "the D1 binding DB is missing; add it under [[d1_databases]] in wrangler.toml",
    )
}

/// Workers freeze `Date.now()` between I/O, but it is still the wall clock of
/// this request, which is what tolerances and staleness are measured against.
fn now_secs() -> i64 {
    i64::try_from(Date::now().as_millis() / 1000).unwrap_or(i64::MAX)
}
