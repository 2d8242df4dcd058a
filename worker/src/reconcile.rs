//! Recovery of what webhooks missed, shared by the Cron Trigger and
//! `POST /admin/reconcile`:
//!
//! 1. every event Stripe lists (`/v1/events`) since a little before the newest
//!    one processed is recorded and processed unless it already was;
//! 2. events recorded but never processed (their processing failed) are
//!    fetched again and retried;
//! 3. orders still pending or processing after a while are re-read from Stripe.
//!
//! Each event is applied through the same exactly-once path as a delivery, so a
//! reconcile run racing with webhooks, or with another run, changes nothing
//! twice.

use serde::{Deserialize, Serialize};
use stripe_edge::Event;
use worker::{D1Database, Env};

use crate::db::{all, first, Param};
use crate::http::{log_event, Reply};
use crate::processing::{record_and_process, Source, CLAIM_TIMEOUT_SECS};
use crate::routes::{refresh_payment, storage_failure};
use crate::stripe::{param, Stripe};

/// Events are listed from this long before the newest processed one, so one
/// missed while later ones arrived is still found. Stripe keeps 30 days.
const LOOKBACK_SECS: i64 = 3600;
/// With nothing processed yet, the first run looks back this far.
const FIRST_RUN_LOOKBACK_SECS: i64 = 3 * 24 * 3600;
const PAGE_SIZE: usize = 100;
/// At most this many pages per run; the next run continues.
const MAX_PAGES: usize = 10;
/// A failing event is retried this many times, then left for an operator
/// (its `last_error` says why).
const MAX_ATTEMPTS: i64 = 20;
const MAX_RETRIES_PER_RUN: i64 = 50;
const MAX_ORDERS_PER_RUN: i64 = 50;
/// Orders pending this long are re-read from Stripe by the cron run.
pub const DEFAULT_PENDING_RECHECK_SECS: i64 = 15 * 60;

/// What a run did; the body of `POST /admin/reconcile`.
#[derive(Serialize, Default)]
pub struct Report {
    pub since: i64,
    pub events_listed: usize,
    /// Listed events that had not been processed and now are.
    pub events_recovered: usize,
    pub events_retried: usize,
    pub orders_rechecked: usize,
    /// Events or orders that failed again; they stay for the next run.
    pub failures: usize,
}

#[derive(Deserialize)]
struct EventList {
    data: Vec<serde_json::Value>,
    #[serde(default)]
    has_more: bool,
}

#[derive(Deserialize)]
struct Newest {
    newest: Option<i64>,
}

#[derive(Deserialize)]
struct PendingEvent {
    id: String,
}

#[derive(Deserialize)]
struct PendingOrder {
    id: String,
    payment_intent_id: String,
}

/// Runs one recovery pass. Fails (502) only when Stripe cannot list events;
/// each event is applied atomically, so a failed run leaves nothing half-done.
pub async fn reconcile(
    env: &Env,
    db: &D1Database,
    now: i64,
    pending_older_than_secs: i64,
) -> Result<Report, Reply> {
    let stripe = Stripe::from_env(env)?;
    let newest: Option<Newest> = first(
        db,
        "SELECT MAX(created) AS newest FROM webhook_events WHERE processed_at IS NOT NULL",
        &[],
    )
    .await
    .map_err(storage_failure)?;
    let since = match newest.and_then(|n| n.newest) {
        Some(newest) => newest - LOOKBACK_SECS,
        None => now - FIRST_RUN_LOOKBACK_SECS,
    };
    let mut report = Report {
        since,
        ..Report::default()
    };

    let events = list_events(&stripe, since).await?;
    report.events_listed = events.len();
    for event in &events {
        match record_and_process(db, event, Source::Reconcile, now).await {
            Ok(handled) if !handled.duplicate => {
                report.events_recovered += 1;
                log_event("reconcile", &event.id, &event.event_type, handled.effect);
            }
            Ok(_) => {}
            Err(_) => {
                report.failures += 1;
                log_event("reconcile", &event.id, &event.event_type, "failed");
            }
        }
    }

    let unprocessed: Vec<PendingEvent> = all(
        db,
        "SELECT id FROM webhook_events WHERE processed_at IS NULL AND attempts < ?1 \
         AND (claimed_at IS NULL OR claimed_at < ?2 - ?3) ORDER BY created LIMIT ?4",
        &[
            Param::Int(MAX_ATTEMPTS),
            Param::Int(now),
            Param::Int(CLAIM_TIMEOUT_SECS),
            Param::Int(MAX_RETRIES_PER_RUN),
        ],
    )
    .await
    .map_err(storage_failure)?;
    for pending in unprocessed {
        let fetched = match crate::stripe::path("/v1/events/{}", &[&pending.id]) {
            Ok(event_path) => stripe.get(&event_path, &[]).await.ok(),
            Err(_) => None,
        };
        let Some(event) = fetched.and_then(|value| serde_json::from_value::<Event>(value).ok())
        else {
            report.failures += 1;
            continue;
        };
        match record_and_process(db, &event, Source::Reconcile, now).await {
            Ok(handled) if !handled.duplicate => {
                report.events_retried += 1;
                log_event("retry", &event.id, &event.event_type, handled.effect);
            }
            Ok(_) => {}
            Err(_) => {
                report.failures += 1;
                log_event("retry", &event.id, &event.event_type, "failed");
            }
        }
    }

    let stale_orders: Vec<PendingOrder> = all(
        db,
        "SELECT id, payment_intent_id FROM orders \
         WHERE status IN ('pending', 'processing') AND payment_intent_id IS NOT NULL \
           AND refreshed_at <= ?1 ORDER BY refreshed_at LIMIT ?2",
        &[
            Param::Int(now - pending_older_than_secs),
            Param::Int(MAX_ORDERS_PER_RUN),
        ],
    )
    .await
    .map_err(storage_failure)?;
    for order in stale_orders {
        match refresh_payment(env, db, &order.payment_intent_id, Some(&order.id), now).await {
            Ok(()) => report.orders_rechecked += 1,
            Err(_) => report.failures += 1,
        }
    }
    Ok(report)
}

/// Every event created at or after `since`, oldest first, up to the page cap.
/// Stripe lists newest first; sorting here makes the order not matter.
async fn list_events(stripe: &Stripe, since: i64) -> Result<Vec<Event>, Reply> {
    let mut events: Vec<Event> = Vec::new();
    let mut starting_after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut query = vec![
            param("created[gte]", since.to_string()),
            param("limit", PAGE_SIZE.to_string()),
        ];
        if let Some(after) = &starting_after {
            query.push(param("starting_after", after));
        }
        let page = stripe
            .get("/v1/events", &query)
            .await
            .map_err(|e| e.reply())?;
        let page: EventList = serde_json::from_value(page).map_err(|_| {
            Reply::error(
                502,
                "stripe_unavailable",
                "Stripe listed events in an unexpected shape",
            )
        })?;
        // An entry that is not an event is skipped, not allowed to stop the run.
        let parsed: Vec<Event> = page
            .data
            .into_iter()
            .filter_map(|value| serde_json::from_value(value).ok())
            .collect();
        starting_after = parsed.last().map(|e| e.id.clone());
        let count = parsed.len();
        events.extend(parsed);
        if !page.has_more || count == 0 {
            break;
        }
    }
    events.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    events.dedup_by(|a, b| a.id == b.id);
    Ok(events)
}
