// A minimal JavaScript Worker doing what the Rust Worker does for a
// payment_intent.* delivery: verify with stripe-node's constructEventAsync,
// record the event with one upsert, claim it, and apply it under the same
// forward-only guard in one D1 batch. The SQL is the Rust Worker's
// (worker/src/processing.rs), so the benchmark compares the code around it.
import Stripe from "stripe";

const cryptoProvider = Stripe.createSubtleCryptoProvider();

const RECORD = `INSERT INTO webhook_events
  (id, type, object_id, created, livemode, api_version, received_at, deliveries)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)
  ON CONFLICT(id) DO UPDATE SET deliveries = deliveries + 1
  RETURNING deliveries, processed_at`;

const CLAIM = `UPDATE webhook_events SET attempts = attempts + 1, claimed_at = ?2
  WHERE id = ?1 AND processed_at IS NULL AND (claimed_at IS NULL OR claimed_at < ?2 - 30)
  RETURNING attempts`;

const UPSERT_PAYMENT = `INSERT INTO payments
  (id, order_id, amount, amount_received, currency, status, status_rank, status_at,
   last_error, created, updated)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
  ON CONFLICT(id) DO UPDATE SET
    order_id = COALESCE(payments.order_id, excluded.order_id),
    amount = excluded.amount,
    amount_received = MAX(payments.amount_received, excluded.amount_received),
    status = excluded.status, status_rank = excluded.status_rank,
    status_at = excluded.status_at, last_error = excluded.last_error,
    updated = excluded.updated
  WHERE payments.status_rank < 5
    AND (excluded.status_at > payments.status_at
         OR (excluded.status_at = payments.status_at
             AND excluded.status_rank > payments.status_rank))
  RETURNING id`;

const SYNC_ORDER = `UPDATE orders SET status = (
    SELECT CASE
      WHEN p.amount_refunded > 0 AND p.amount_refunded >=
           (CASE WHEN p.amount_received > 0 THEN p.amount_received ELSE p.amount END)
        THEN 'refunded'
      WHEN p.amount_refunded > 0 THEN 'partially_refunded'
      WHEN p.status = 'succeeded' THEN 'paid'
      WHEN p.status = 'canceled' THEN 'canceled'
      WHEN p.status IN ('processing', 'requires_capture') THEN 'processing'
      WHEN p.last_error IS NOT NULL THEN 'failed'
      ELSE 'pending' END
    FROM payments p WHERE p.id = orders.payment_intent_id),
  updated = ?2
  WHERE payment_intent_id = ?1
    AND EXISTS (SELECT 1 FROM payments p WHERE p.id = orders.payment_intent_id)`;

const FULFILL = `UPDATE orders SET fulfilled_at = ?2
  WHERE payment_intent_id = ?1 AND status IN ('paid', 'partially_refunded')
    AND review_reason IS NULL AND fulfilled_at IS NULL`;

const MARK_PROCESSED = `UPDATE webhook_events
  SET processed_at = ?2, claimed_at = NULL, last_error = NULL WHERE id = ?1`;

const RANKS = {
  requires_confirmation: 1,
  requires_action: 2,
  processing: 3,
  requires_capture: 4,
  succeeded: 5,
  canceled: 5,
};

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") {
      return Response.json({ ok: true });
    }
    if (pathname !== "/webhooks/stripe" || request.method !== "POST") {
      return error(404, "not_found");
    }
    const body = await request.text();
    let event;
    try {
      event = await Stripe.webhooks.constructEventAsync(
        body,
        request.headers.get("stripe-signature"),
        env.STRIPE_WEBHOOK_SECRET,
        undefined,
        cryptoProvider,
      );
    } catch {
      return error(400, "signature_mismatch");
    }

    const now = Math.floor(Date.now() / 1000);
    const object = event.data.object;
    try {
      const [record, claim] = await env.DB.batch([
        env.DB.prepare(RECORD).bind(
          event.id,
          event.type,
          object.id ?? null,
          event.created,
          event.livemode ? 1 : 0,
          event.api_version ?? null,
          now,
        ),
        env.DB.prepare(CLAIM).bind(event.id, now),
      ]);
      const recorded = record.results[0];
      let duplicate = recorded.deliveries > 1;
      if (recorded.processed_at !== null) {
        duplicate = true;
      } else if (claim.results.length > 0) {
        await env.DB.batch([
          ...paymentStatements(env.DB, event, now),
          env.DB.prepare(MARK_PROCESSED).bind(event.id, now),
        ]);
      } else {
        duplicate = true;
      }
      // One log line per request, as the Rust Worker writes (ids only).
      console.log(
        JSON.stringify({
          method: "POST",
          path: pathname,
          status: 200,
          outcome: duplicate ? "duplicate" : "stored",
          event_id: event.id,
          event_type: event.type,
          deliveries: recorded.deliveries,
        }),
      );
      return Response.json({ received: true, id: event.id, duplicate });
    } catch {
      return error(500, "processing_failed");
    }
  },
};

function paymentStatements(db, event, now) {
  if (!event.type.startsWith("payment_intent.")) {
    return [];
  }
  const intent = event.data.object;
  const lastError =
    intent.status !== "succeeded" && intent.last_payment_error
      ? (intent.last_payment_error.decline_code ??
        intent.last_payment_error.code ??
        "payment_failed")
      : null;
  return [
    db
      .prepare(UPSERT_PAYMENT)
      .bind(
        intent.id,
        intent.metadata?.order_id ?? null,
        intent.amount,
        intent.amount_received ?? 0,
        intent.currency,
        intent.status,
        RANKS[intent.status] ?? 0,
        event.created,
        lastError,
        now,
      ),
    db.prepare(SYNC_ORDER).bind(intent.id, now),
    db.prepare(FULFILL).bind(intent.id, now),
  ];
}

function error(status, code) {
  return Response.json({ error: { code, message: code } }, { status });
}
