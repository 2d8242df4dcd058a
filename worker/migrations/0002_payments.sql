-- The payment records. Every status column moves forward only: writes are single
-- upserts whose WHERE clause compares the stored state with the incoming one (the
-- event's `created`, then a rank of the status), so concurrent, repeated or
-- reordered events cannot move a record back.

-- Processing state of each event, beside its delivery count. `deliveries` may now be
-- 0: an event the reconcile run found through /v1/events that was never delivered.
CREATE TABLE webhook_events_v2 (
    id           TEXT    PRIMARY KEY NOT NULL,
    type         TEXT    NOT NULL,
    object_id    TEXT,
    created      INTEGER NOT NULL,
    livemode     INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    api_version  TEXT,
    received_at  INTEGER NOT NULL,
    deliveries   INTEGER NOT NULL DEFAULT 1 CHECK (deliveries >= 0),
    -- 1 when the reconcile run recorded it before any delivery did.
    recovered    INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1)),
    -- When its effects were committed; NULL until then.
    processed_at INTEGER,
    -- Processing attempts started; a claim lasts until claimed_at + 30 s.
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    claimed_at   INTEGER,
    -- The last processing failure, for operators; never a secret or a body.
    last_error   TEXT
) STRICT;

INSERT INTO webhook_events_v2
    (id, type, object_id, created, livemode, api_version, received_at, deliveries)
SELECT id, type, object_id, created, livemode, api_version, received_at, deliveries
FROM webhook_events;
DROP TABLE webhook_events;
ALTER TABLE webhook_events_v2 RENAME TO webhook_events;
CREATE INDEX webhook_events_object ON webhook_events (object_id, created);
CREATE INDEX webhook_events_type ON webhook_events (type, created);
CREATE INDEX webhook_events_unprocessed ON webhook_events (processed_at, created);

-- What the shop sells. Amounts are decided here, never by a request.
CREATE TABLE catalog (
    sku          TEXT    PRIMARY KEY NOT NULL,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    -- Smallest currency unit (cents).
    unit_amount  INTEGER NOT NULL CHECK (unit_amount > 0),
    currency     TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('one_time', 'recurring')),
    interval     TEXT    CHECK (interval IN ('day', 'week', 'month', 'year')),
    -- The Stripe price (or legacy plan) a subscription uses; recurring only.
    stripe_price TEXT,
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK ((kind = 'recurring') = (interval IS NOT NULL))
) STRICT;

CREATE TABLE customers (
    id       TEXT    PRIMARY KEY NOT NULL, -- cus_…
    email    TEXT,
    name     TEXT,
    created  INTEGER NOT NULL,
    -- `created` of the newest event applied, so an older update never wins.
    event_at INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE orders (
    id                  TEXT    PRIMARY KEY NOT NULL, -- ord_…
    -- The client's own id for the order; a retry with it returns the same order.
    order_ref           TEXT    UNIQUE,
    customer_id         TEXT,
    -- JSON [{sku, name, quantity, unit_amount}], priced from the catalog.
    items               TEXT    NOT NULL,
    amount              INTEGER NOT NULL CHECK (amount > 0),
    currency            TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN
        ('pending', 'processing', 'paid', 'failed', 'canceled', 'refunded',
         'partially_refunded')),
    payment_intent_id   TEXT    UNIQUE,
    checkout_session_id TEXT    UNIQUE,
    -- An open fraud review, warning or dispute; nothing is fulfilled meanwhile.
    review_reason       TEXT,
    review_opened_at    INTEGER,
    -- `created` of the newest review event applied (opened or closed).
    review_event_at     INTEGER NOT NULL DEFAULT 0,
    fulfilled_at        INTEGER,
    created             INTEGER NOT NULL,
    updated             INTEGER NOT NULL,
    -- When the status was last read from Stripe by a GET or the reconcile run.
    refreshed_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_customer ON orders (customer_id, created);
CREATE INDEX orders_status ON orders (status, updated);

-- One row per PaymentIntent; the order's status is derived from it.
CREATE TABLE payments (
    id              TEXT    PRIMARY KEY NOT NULL, -- pi_…
    order_id        TEXT,
    amount          INTEGER NOT NULL,
    amount_received INTEGER NOT NULL DEFAULT 0,
    -- Only ever raised (MAX), so a late refund event cannot lower it.
    amount_refunded INTEGER NOT NULL DEFAULT 0,
    currency        TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    -- succeeded and canceled are final; see status_rank in worker/src/processing.rs.
    status_rank     INTEGER NOT NULL,
    -- `created` of the event (or time of the Stripe read) the status came from.
    status_at       INTEGER NOT NULL,
    -- The decline or failure code of the last failed attempt, while not succeeded.
    last_error      TEXT,
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL
) STRICT;
CREATE INDEX payments_order ON payments (order_id);

CREATE TABLE checkout_sessions (
    id                TEXT    PRIMARY KEY NOT NULL, -- cs_…
    order_id          TEXT    NOT NULL,
    ui_mode           TEXT    NOT NULL,
    status            TEXT    NOT NULL, -- open, complete, expired
    payment_status    TEXT    NOT NULL, -- unpaid, paid, no_payment_required
    payment_intent_id TEXT,
    event_at          INTEGER NOT NULL DEFAULT 0,
    created           INTEGER NOT NULL,
    updated           INTEGER NOT NULL
) STRICT;

CREATE TABLE subscriptions (
    id                 TEXT    PRIMARY KEY NOT NULL, -- sub_…
    customer_id        TEXT    NOT NULL,
    sku                TEXT,
    status             TEXT    NOT NULL,
    current_period_end INTEGER,
    event_at           INTEGER NOT NULL DEFAULT 0,
    created            INTEGER NOT NULL,
    updated            INTEGER NOT NULL
) STRICT;
CREATE INDEX subscriptions_customer ON subscriptions (customer_id);

CREATE TABLE invoices (
    id              TEXT    PRIMARY KEY NOT NULL, -- in_…
    customer_id     TEXT,
    subscription_id TEXT,
    status          TEXT    NOT NULL,
    amount_due      INTEGER NOT NULL DEFAULT 0,
    amount_paid     INTEGER NOT NULL DEFAULT 0,
    currency        TEXT,
    event_at        INTEGER NOT NULL DEFAULT 0,
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL
) STRICT;
