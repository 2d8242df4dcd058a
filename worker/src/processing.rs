//! Applying Stripe events (and objects read back from Stripe) to the payment
//! records, exactly once and never backwards.
//!
//! Exactly once: an event is recorded by one upsert on its id, then claimed by
//! one conditional UPDATE; only the claimant processes it, and its effects and
//! the `processed_at` mark are written in one D1 batch (a transaction), so an
//! event is either fully applied or not at all. A failed attempt releases the
//! claim and is retried by Stripe's redelivery or by the reconcile run.
//!
//! Never backwards: every write is an upsert whose WHERE clause compares the
//! stored state with the incoming one: the newer `created` wins, a tie goes to
//! the further status, and final states (a payment `succeeded` or `canceled`,
//! an invoice `paid` or `void`, a subscription `canceled`) stay. Applying the
//! same event twice therefore changes nothing the second time either.

use serde::Deserialize;
use serde_json::Value;
use stripe_edge::Event;
use worker::{D1Database, D1PreparedStatement};

use crate::db::{run, statement, Param};

/// A claim older than this is taken over: its worker died mid-processing.
pub const CLAIM_TIMEOUT_SECS: i64 = 30;

/// Where an event came from, which decides how it is counted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A verified webhook delivery: counts one delivery.
    Webhook,
    /// Found by the reconcile run through `/v1/events`: counts none.
    Reconcile,
}

/// What happened to one event.
pub struct Handled {
    /// Verified deliveries of the event so far.
    pub deliveries: i64,
    /// It was already processed, or another delivery is processing it now.
    pub duplicate: bool,
    /// `applied`, `stale` (older than what is stored), `no_effect` (a type or
    /// object this server does not keep), `already_processed`, `in_progress`.
    pub effect: &'static str,
}

/// Processing failed; the claim was released so a retry can take it.
pub struct ProcessError(pub String);

const RECORD_DELIVERY_SQL: &str = "INSERT INTO webhook_events \
     (id, type, object_id, created, livemode, api_version, received_at, deliveries) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1) \
     ON CONFLICT(id) DO UPDATE SET deliveries = deliveries + 1 \
     RETURNING deliveries, processed_at";

// The no-op update makes RETURNING answer for an existing row too.
const RECORD_RECOVERED_SQL: &str = "INSERT INTO webhook_events \
     (id, type, object_id, created, livemode, api_version, received_at, deliveries, recovered) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 1) \
     ON CONFLICT(id) DO UPDATE SET deliveries = deliveries \
     RETURNING deliveries, processed_at";

const CLAIM_SQL: &str = "UPDATE webhook_events SET attempts = attempts + 1, claimed_at = ?2 \
     WHERE id = ?1 AND processed_at IS NULL AND (claimed_at IS NULL OR claimed_at < ?2 - ?3) \
     RETURNING attempts";

const MARK_PROCESSED_SQL: &str = "UPDATE webhook_events \
     SET processed_at = ?2, claimed_at = NULL, last_error = NULL WHERE id = ?1";

const RELEASE_CLAIM_SQL: &str =
    "UPDATE webhook_events SET claimed_at = NULL, last_error = ?2 WHERE id = ?1";

#[derive(Deserialize)]
struct RecordedRow {
    deliveries: i64,
    processed_at: Option<i64>,
}

/// Records `event` and, if no one has yet, processes it.
pub async fn record_and_process(
    db: &D1Database,
    event: &Event,
    source: Source,
    now: i64,
) -> Result<Handled, ProcessError> {
    let failed = |e: worker::Error| ProcessError(e.to_string());
    let sql = match source {
        Source::Webhook => RECORD_DELIVERY_SQL,
        Source::Reconcile => RECORD_RECOVERED_SQL,
    };
    // Recording and claiming in one batch (one transaction, one round trip):
    // the claim matches only while the event is unprocessed and unclaimed.
    let record = statement(
        db,
        sql,
        &[
            Param::Text(&event.id),
            Param::Text(&event.event_type),
            Param::OptText(event.object_id()),
            Param::Int(event.created),
            Param::Int(i64::from(event.livemode)),
            Param::OptText(event.api_version.as_deref()),
            Param::Int(now),
        ],
    )
    .map_err(failed)?;
    let claim = statement(
        db,
        CLAIM_SQL,
        &[
            Param::Text(&event.id),
            Param::Int(now),
            Param::Int(CLAIM_TIMEOUT_SECS),
        ],
    )
    .map_err(failed)?;
    let results = db.batch(vec![record, claim]).await.map_err(failed)?;
    let recorded: RecordedRow = results
        .first()
        .map(|r| r.results::<RecordedRow>())
        .transpose()
        .map_err(failed)?
        .and_then(|rows| rows.into_iter().next())
        .ok_or_else(|| ProcessError("upsert returned no row".into()))?;
    let claimed = results
        .get(1)
        .map(|r| r.results::<Value>())
        .transpose()
        .map_err(failed)?
        .is_some_and(|rows| !rows.is_empty());

    let deliveries = recorded.deliveries;
    let seen_before = match source {
        Source::Webhook => deliveries > 1,
        Source::Reconcile => false,
    };
    if recorded.processed_at.is_some() {
        return Ok(Handled {
            deliveries,
            duplicate: true,
            effect: "already_processed",
        });
    }
    if !claimed {
        return Ok(Handled {
            deliveries,
            duplicate: true,
            effect: "in_progress",
        });
    }

    match apply(db, event, now).await {
        Ok(effect) => Ok(Handled {
            deliveries,
            duplicate: seen_before,
            effect,
        }),
        Err(error) => {
            let message = error.to_string();
            // Best effort: if this fails too, the claim times out instead.
            let _ = run(
                db,
                RELEASE_CLAIM_SQL,
                &[Param::Text(&event.id), Param::Text(&truncate(&message))],
            )
            .await;
            Err(ProcessError(message))
        }
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

/// Writes the event's effects and marks it processed, in one transaction.
async fn apply(db: &D1Database, event: &Event, now: i64) -> worker::Result<&'static str> {
    let mut statements = effects(db, event, now)?;
    let has_effects = !statements.is_empty();
    statements.push(statement(
        db,
        MARK_PROCESSED_SQL,
        &[Param::Text(&event.id), Param::Int(now)],
    )?);
    let results = db.batch(statements).await?;
    if !has_effects {
        return Ok("no_effect");
    }
    // The first statement is the record the event is about; it RETURNs a row
    // only when its guard let the change through.
    let changed = results
        .first()
        .map(|r| r.results::<Value>().map(|rows| !rows.is_empty()))
        .transpose()?
        .unwrap_or(false);
    Ok(if changed { "applied" } else { "stale" })
}

/// The statements an event leads to; empty for events this server ignores.
fn effects(db: &D1Database, event: &Event, now: i64) -> worker::Result<Vec<D1PreparedStatement>> {
    let object = &event.data.object;
    let at = event.created;
    let kind = event.event_type.as_str();

    if kind.starts_with("payment_intent.") {
        let Some(intent) = parse(object) else {
            return Ok(Vec::new());
        };
        return payment_intent_statements(db, &intent, Timing::Event(at), now);
    }
    match kind {
        "checkout.session.completed"
        | "checkout.session.async_payment_succeeded"
        | "checkout.session.async_payment_failed"
        | "checkout.session.expired" => match parse(object) {
            Some(session) => checkout_session_statements(db, kind, &session, at, now),
            None => Ok(Vec::new()),
        },
        "charge.refunded" => match parse(object) {
            Some(charge) => refund_statements(db, &charge, at, now),
            None => Ok(Vec::new()),
        },
        "review.opened"
        | "radar.early_fraud_warning.created"
        | "charge.dispute.created"
        | "charge.dispute.updated"
        | "charge.dispute.funds_withdrawn" => {
            let Some(flagged) = parse::<Flagged>(object) else {
                return Ok(Vec::new());
            };
            let reason = match kind {
                "review.opened" => flagged.reason.as_deref().unwrap_or("review"),
                "radar.early_fraud_warning.created" => "early_fraud_warning",
                _ => "dispute",
            };
            review_statements(db, flagged.payment_intent.as_deref(), Some(reason), at, now)
        }
        "review.closed" | "charge.dispute.closed" => {
            let Some(flagged) = parse::<Flagged>(object) else {
                return Ok(Vec::new());
            };
            review_statements(db, flagged.payment_intent.as_deref(), None, at, now)
        }
        "customer.created" | "customer.updated" => match parse(object) {
            Some(customer) => Ok(vec![customer_statement(db, &customer, at)?]),
            None => Ok(Vec::new()),
        },
        _ if kind.starts_with("customer.subscription.") => match parse(object) {
            Some(subscription) => Ok(vec![subscription_statement(db, &subscription, at, now)?]),
            None => Ok(Vec::new()),
        },
        _ if kind.starts_with("invoice.") => match parse(object) {
            Some(invoice) => Ok(vec![invoice_statement(db, &invoice, at, now)?]),
            None => Ok(Vec::new()),
        },
        _ => Ok(Vec::new()),
    }
}

/// The fields of `T` read from an event's object; `None` when they are not there.
fn parse<T: for<'de> Deserialize<'de>>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// The fields of a PaymentIntent this server keeps.
#[derive(Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub amount: i64,
    #[serde(default)]
    pub amount_received: i64,
    pub currency: String,
    pub status: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    last_payment_error: Option<PaymentError>,
    #[serde(default)]
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct PaymentError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
}

#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    order_id: Option<String>,
}

/// How far a PaymentIntent has come. `succeeded` and `canceled` are final.
fn payment_status_rank(status: &str) -> i64 {
    match status {
        "requires_confirmation" => 1,
        "requires_action" => 2,
        "processing" => 3,
        "requires_capture" => 4,
        "succeeded" | "canceled" => 5,
        // requires_payment_method and anything new.
        _ => 0,
    }
}

const FINAL_PAYMENT_RANK: i64 = 5;

/// The guarded upsert: applies only over a non-final state, and only when newer,
/// or equally new and further along. Times are whole seconds, so a decline in
/// the second the PaymentIntent was created ties with its creation at the same
/// rank; the state that carries the error is the later one. RETURNs a row only
/// when it wrote.
const UPSERT_PAYMENT_SQL: &str = "INSERT INTO payments \
     (id, order_id, amount, amount_received, currency, status, status_rank, status_at, \
      last_error, created, updated) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) \
     ON CONFLICT(id) DO UPDATE SET \
       order_id = COALESCE(payments.order_id, excluded.order_id), \
       amount = excluded.amount, \
       amount_received = MAX(payments.amount_received, excluded.amount_received), \
       status = excluded.status, status_rank = excluded.status_rank, \
       status_at = excluded.status_at, last_error = excluded.last_error, \
       updated = excluded.updated \
     WHERE payments.status_rank < ?11 \
       AND (excluded.status_at > payments.status_at \
            OR (excluded.status_at = payments.status_at \
                AND (excluded.status_rank > payments.status_rank \
                     OR (excluded.status_rank = payments.status_rank \
                         AND excluded.last_error IS NOT NULL \
                         AND payments.last_error IS NULL)))) \
     RETURNING id";

/// A PaymentIntent read from Stripe rather than delivered: its status is the
/// truth at the time of the read, but the Worker's clock is not Stripe's, so
/// instead of comparing times it may only move the status further on. Events
/// about it (failures included) are still judged by their `created`.
const OBSERVE_PAYMENT_SQL: &str = "INSERT INTO payments \
     (id, order_id, amount, amount_received, currency, status, status_rank, status_at, \
      last_error, created, updated) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) \
     ON CONFLICT(id) DO UPDATE SET \
       order_id = COALESCE(payments.order_id, excluded.order_id), \
       amount_received = MAX(payments.amount_received, excluded.amount_received), \
       status = excluded.status, status_rank = excluded.status_rank, \
       last_error = excluded.last_error, updated = excluded.updated \
     WHERE payments.status_rank < ?11 AND excluded.status_rank > payments.status_rank \
     RETURNING id";

const LINK_ORDER_SQL: &str = "UPDATE orders SET payment_intent_id = ?2 \
     WHERE id = ?1 AND payment_intent_id IS NULL";

/// The order's status follows its payment: refunds first, then the payment's
/// own status. The payment row only moves forward, so the order does too.
const SYNC_ORDER_SQL: &str = "UPDATE orders SET status = ( \
       SELECT CASE \
         WHEN p.amount_refunded > 0 AND p.amount_refunded >= \
              (CASE WHEN p.amount_received > 0 THEN p.amount_received ELSE p.amount END) \
           THEN 'refunded' \
         WHEN p.amount_refunded > 0 THEN 'partially_refunded' \
         WHEN p.status = 'succeeded' THEN 'paid' \
         WHEN p.status = 'canceled' THEN 'canceled' \
         WHEN p.status IN ('processing', 'requires_capture') THEN 'processing' \
         WHEN p.last_error IS NOT NULL THEN 'failed' \
         ELSE 'pending' END \
       FROM payments p WHERE p.id = orders.payment_intent_id), \
     updated = ?2 \
     WHERE payment_intent_id = ?1 \
       AND EXISTS (SELECT 1 FROM payments p WHERE p.id = orders.payment_intent_id)";

/// Fulfilment happens once (`fulfilled_at IS NULL`), and never under review.
/// A partial refund that arrives before the payment's own event still leaves
/// a paid order to fulfil.
const FULFILL_SQL: &str = "UPDATE orders SET fulfilled_at = ?2 \
     WHERE payment_intent_id = ?1 AND status IN ('paid', 'partially_refunded') \
       AND review_reason IS NULL AND fulfilled_at IS NULL";

/// Statements for a PaymentIntent as of `at` (an event's `created`, or the time
/// it was read from Stripe).
pub fn payment_intent_statements(
    db: &D1Database,
    intent: &PaymentIntent,
    at: Timing,
    now: i64,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let order_id = intent.metadata.as_ref().and_then(|m| m.order_id.as_deref());
    let last_error = match (&intent.last_payment_error, intent.status.as_str()) {
        (_, "succeeded") => None,
        (Some(error), _) => Some(
            error
                .decline_code
                .clone()
                .or_else(|| error.code.clone())
                .unwrap_or_else(|| "payment_failed".into()),
        ),
        (None, _) => None,
    };
    payment_statements(
        db,
        &PaymentState {
            id: &intent.id,
            order_id,
            amount: intent.amount,
            amount_received: intent.amount_received,
            currency: &intent.currency,
            status: &intent.status,
            last_error: last_error.as_deref(),
        },
        at,
        now,
    )
}

/// When a state was true: as of an event's `created`, or read from Stripe.
#[derive(Clone, Copy)]
pub enum Timing {
    Event(i64),
    /// Read from Stripe now; carries the object's own `created`.
    Observed(i64),
}

struct PaymentState<'a> {
    id: &'a str,
    order_id: Option<&'a str>,
    amount: i64,
    amount_received: i64,
    currency: &'a str,
    status: &'a str,
    last_error: Option<&'a str>,
}

fn payment_statements(
    db: &D1Database,
    payment: &PaymentState<'_>,
    timing: Timing,
    now: i64,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let (sql, at) = match timing {
        Timing::Event(created) => (UPSERT_PAYMENT_SQL, created),
        Timing::Observed(created) => (OBSERVE_PAYMENT_SQL, created),
    };
    let mut statements = vec![statement(
        db,
        sql,
        &[
            Param::Text(payment.id),
            Param::OptText(payment.order_id),
            Param::Int(payment.amount),
            Param::Int(payment.amount_received),
            Param::Text(payment.currency),
            Param::Text(payment.status),
            Param::Int(payment_status_rank(payment.status)),
            Param::Int(at),
            Param::OptText(payment.last_error),
            Param::Int(now),
            Param::Int(FINAL_PAYMENT_RANK),
        ],
    )?];
    if let Some(order_id) = payment.order_id {
        statements.push(statement(
            db,
            LINK_ORDER_SQL,
            &[Param::Text(order_id), Param::Text(payment.id)],
        )?);
    }
    statements.extend(order_sync_statements(db, payment.id, now)?);
    Ok(statements)
}

fn order_sync_statements(
    db: &D1Database,
    payment_intent_id: &str,
    now: i64,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let params = [Param::Text(payment_intent_id), Param::Int(now)];
    Ok(vec![
        statement(db, SYNC_ORDER_SQL, &params)?,
        statement(db, FULFILL_SQL, &params)?,
    ])
}

#[derive(Deserialize)]
struct CheckoutSession {
    id: String,
    #[serde(default)]
    payment_intent: Option<Value>,
    #[serde(default)]
    payment_status: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    amount_total: Option<i64>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    client_reference_id: Option<String>,
    #[serde(default)]
    metadata: Option<Metadata>,
}

const UPDATE_SESSION_SQL: &str = "UPDATE checkout_sessions SET \
       status = ?2, payment_status = ?3, \
       payment_intent_id = COALESCE(payment_intent_id, ?4), event_at = ?5, updated = ?6 \
     WHERE id = ?1 AND event_at < ?5 AND status <> 'expired' \
     RETURNING id";

const EXPIRE_ORDER_SQL: &str = "UPDATE orders SET status = 'canceled', updated = ?2 \
     WHERE id = ?1 AND status = 'pending' AND payment_intent_id IS NULL";

fn checkout_session_statements(
    db: &D1Database,
    kind: &str,
    session: &CheckoutSession,
    at: i64,
    now: i64,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let order_id = session
        .metadata
        .as_ref()
        .and_then(|m| m.order_id.clone())
        .or_else(|| session.client_reference_id.clone());
    let Some(order_id) = order_id else {
        return Ok(Vec::new());
    };
    let payment_intent = session.payment_intent.as_ref().and_then(expandable_id);
    let status = session.status.as_deref().unwrap_or("open");
    let payment_status = session.payment_status.as_deref().unwrap_or("unpaid");

    let mut statements = vec![statement(
        db,
        UPDATE_SESSION_SQL,
        &[
            Param::Text(&session.id),
            Param::Text(status),
            Param::Text(payment_status),
            Param::OptText(payment_intent.as_deref()),
            Param::Int(at),
            Param::Int(now),
        ],
    )?];
    if kind == "checkout.session.expired" {
        statements.push(statement(
            db,
            EXPIRE_ORDER_SQL,
            &[Param::Text(&order_id), Param::Int(now)],
        )?);
        return Ok(statements);
    }
    let Some(payment_intent) = payment_intent else {
        return Ok(statements);
    };
    // The session's view of its payment, applied under the same guard as the
    // PaymentIntent's own events.
    let (payment_state, last_error) = match (kind, payment_status) {
        ("checkout.session.async_payment_failed", _) => {
            ("requires_payment_method", Some("async_payment_failed"))
        }
        (_, "paid") | ("checkout.session.async_payment_succeeded", _) => ("succeeded", None),
        _ => ("processing", None),
    };
    let amount = session.amount_total.unwrap_or(0);
    let paid = if payment_state == "succeeded" {
        amount
    } else {
        0
    };
    statements.extend(payment_statements(
        db,
        &PaymentState {
            id: &payment_intent,
            order_id: Some(&order_id),
            amount,
            amount_received: paid,
            currency: session.currency.as_deref().unwrap_or("usd"),
            status: payment_state,
            last_error,
        },
        Timing::Event(at),
        now,
    )?);
    Ok(statements)
}

#[derive(Deserialize)]
struct Charge {
    #[serde(default)]
    payment_intent: Option<Value>,
    amount: i64,
    #[serde(default)]
    amount_captured: Option<i64>,
    amount_refunded: i64,
    currency: String,
}

/// A refunded charge implies a payment that succeeded, whatever order the
/// events came in; the refunded amount only ever rises, so a late or repeated
/// event cannot lower it.
const REFUND_SQL: &str = "INSERT INTO payments \
     (id, amount, amount_received, amount_refunded, currency, status, status_rank, status_at, \
      created, updated) \
     VALUES (?1, ?2, ?3, ?4, ?5, 'succeeded', ?6, ?7, ?8, ?8) \
     ON CONFLICT(id) DO UPDATE SET \
       amount_refunded = MAX(payments.amount_refunded, excluded.amount_refunded), \
       amount_received = MAX(payments.amount_received, excluded.amount_received), \
       status = CASE WHEN payments.status_rank < ?6 THEN 'succeeded' ELSE payments.status END, \
       status_rank = ?6, last_error = NULL, updated = excluded.updated \
     WHERE excluded.amount_refunded > payments.amount_refunded OR payments.status_rank < ?6 \
     RETURNING id";

fn refund_statements(
    db: &D1Database,
    charge: &Charge,
    at: i64,
    now: i64,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let Some(payment_intent) = charge.payment_intent.as_ref().and_then(expandable_id) else {
        return Ok(Vec::new());
    };
    refunded_statements(
        db,
        &RefundState {
            payment_intent: &payment_intent,
            amount: charge.amount,
            amount_received: charge.amount_captured.unwrap_or(charge.amount),
            amount_refunded: charge.amount_refunded,
            currency: &charge.currency,
        },
        at,
        now,
    )
}

/// A charge's refunded total as read from Stripe.
pub struct RefundState<'a> {
    pub payment_intent: &'a str,
    pub amount: i64,
    pub amount_received: i64,
    pub amount_refunded: i64,
    pub currency: &'a str,
}

pub fn refunded_statements(
    db: &D1Database,
    refund: &RefundState<'_>,
    at: i64,
    now: i64,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let mut statements = vec![statement(
        db,
        REFUND_SQL,
        &[
            Param::Text(refund.payment_intent),
            Param::Int(refund.amount),
            Param::Int(refund.amount_received),
            Param::Int(refund.amount_refunded),
            Param::Text(refund.currency),
            Param::Int(FINAL_PAYMENT_RANK),
            Param::Int(at),
            Param::Int(now),
        ],
    )?];
    statements.extend(order_sync_statements(db, refund.payment_intent, now)?);
    Ok(statements)
}

/// A Radar review, an early fraud warning or a dispute: all point at a payment.
#[derive(Deserialize)]
struct Flagged {
    #[serde(default, deserialize_with = "optional_id")]
    payment_intent: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// Open wins a tie with close: when the order is unclear, a person decides.
const OPEN_REVIEW_SQL: &str = "UPDATE orders SET review_reason = ?2, review_opened_at = ?3, \
       review_event_at = ?3, updated = ?4 \
     WHERE payment_intent_id = ?1 AND review_event_at <= ?3 \
     RETURNING id";

const CLOSE_REVIEW_SQL: &str = "UPDATE orders SET review_reason = NULL, \
       review_opened_at = NULL, review_event_at = ?2, updated = ?3 \
     WHERE payment_intent_id = ?1 AND review_event_at < ?2 \
     RETURNING id";

fn review_statements(
    db: &D1Database,
    payment_intent: Option<&str>,
    open_reason: Option<&str>,
    at: i64,
    now: i64,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let Some(payment_intent) = payment_intent else {
        return Ok(Vec::new());
    };
    let mut statements = vec![match open_reason {
        Some(reason) => statement(
            db,
            OPEN_REVIEW_SQL,
            &[
                Param::Text(payment_intent),
                Param::Text(reason),
                Param::Int(at),
                Param::Int(now),
            ],
        )?,
        None => statement(
            db,
            CLOSE_REVIEW_SQL,
            &[Param::Text(payment_intent), Param::Int(at), Param::Int(now)],
        )?,
    }];
    // A closed review releases a paid order for fulfilment.
    statements.push(statement(
        db,
        FULFILL_SQL,
        &[Param::Text(payment_intent), Param::Int(now)],
    )?);
    Ok(statements)
}

#[derive(Deserialize)]
struct Customer {
    id: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    created: i64,
}

const UPSERT_CUSTOMER_SQL: &str = "INSERT INTO customers (id, email, name, created, event_at) \
     VALUES (?1, ?2, ?3, ?4, ?5) \
     ON CONFLICT(id) DO UPDATE SET email = excluded.email, name = excluded.name, \
       event_at = excluded.event_at \
     WHERE excluded.event_at > customers.event_at \
     RETURNING id";

fn customer_statement(
    db: &D1Database,
    customer: &Customer,
    at: i64,
) -> worker::Result<D1PreparedStatement> {
    statement(
        db,
        UPSERT_CUSTOMER_SQL,
        &[
            Param::Text(&customer.id),
            Param::OptText(customer.email.as_deref()),
            Param::OptText(customer.name.as_deref()),
            Param::Int(customer.created),
            Param::Int(at),
        ],
    )
}

#[derive(Deserialize)]
struct Subscription {
    id: String,
    #[serde(deserialize_with = "required_id")]
    customer: String,
    status: String,
    #[serde(default)]
    current_period_end: Option<i64>,
    #[serde(default)]
    created: i64,
}

const UPSERT_SUBSCRIPTION_SQL: &str = "INSERT INTO subscriptions \
     (id, customer_id, status, current_period_end, event_at, created, updated) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
     ON CONFLICT(id) DO UPDATE SET status = excluded.status, \
       current_period_end = COALESCE(excluded.current_period_end, subscriptions.current_period_end), \
       event_at = excluded.event_at, updated = excluded.updated \
     WHERE subscriptions.status <> 'canceled' AND excluded.event_at > subscriptions.event_at \
     RETURNING id";

fn subscription_statement(
    db: &D1Database,
    subscription: &Subscription,
    at: i64,
    now: i64,
) -> worker::Result<D1PreparedStatement> {
    statement(
        db,
        UPSERT_SUBSCRIPTION_SQL,
        &[
            Param::Text(&subscription.id),
            Param::Text(&subscription.customer),
            Param::Text(&subscription.status),
            Param::OptInt(subscription.current_period_end),
            Param::Int(at),
            Param::Int(subscription.created),
            Param::Int(now),
        ],
    )
}

#[derive(Deserialize)]
struct Invoice {
    id: String,
    #[serde(default, deserialize_with = "optional_id")]
    customer: Option<String>,
    #[serde(default, deserialize_with = "optional_id")]
    subscription: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    amount_due: i64,
    #[serde(default)]
    amount_paid: i64,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    created: i64,
}

/// `paid` and `void` are final; between the others the newer event wins, and a
/// tie goes to the further status.
const UPSERT_INVOICE_SQL: &str = "INSERT INTO invoices \
     (id, customer_id, subscription_id, status, amount_due, amount_paid, currency, event_at, \
      created, updated) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
     ON CONFLICT(id) DO UPDATE SET status = excluded.status, \
       amount_due = excluded.amount_due, \
       amount_paid = MAX(invoices.amount_paid, excluded.amount_paid), \
       event_at = excluded.event_at, updated = excluded.updated \
     WHERE invoices.status NOT IN ('paid', 'void') \
       AND (excluded.event_at > invoices.event_at \
            OR (excluded.event_at = invoices.event_at \
                AND (CASE excluded.status WHEN 'draft' THEN 0 WHEN 'open' THEN 1 ELSE 2 END) \
                  > (CASE invoices.status WHEN 'draft' THEN 0 WHEN 'open' THEN 1 ELSE 2 END))) \
     RETURNING id";

fn invoice_statement(
    db: &D1Database,
    invoice: &Invoice,
    at: i64,
    now: i64,
) -> worker::Result<D1PreparedStatement> {
    statement(
        db,
        UPSERT_INVOICE_SQL,
        &[
            Param::Text(&invoice.id),
            Param::OptText(invoice.customer.as_deref()),
            Param::OptText(invoice.subscription.as_deref()),
            Param::Text(invoice.status.as_deref().unwrap_or("draft")),
            Param::Int(invoice.amount_due),
            Param::Int(invoice.amount_paid),
            Param::OptText(invoice.currency.as_deref()),
            Param::Int(at),
            Param::Int(invoice.created),
            Param::Int(now),
        ],
    )
}

/// An expandable field's id: the string itself, or the expanded object's `id`.
pub fn expandable_id(value: &Value) -> Option<String> {
    match value {
        Value::String(id) => Some(id.clone()),
        Value::Object(object) => object.get("id")?.as_str().map(str::to_string),
        _ => None,
    }
}

fn optional_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(value.as_ref().and_then(expandable_id))
}

fn required_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = Value::deserialize(d)?;
    expandable_id(&value).ok_or_else(|| serde::de::Error::custom("expected an id"))
}
