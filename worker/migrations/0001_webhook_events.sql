-- One row per Stripe event, however many times Stripe delivers it. The Worker writes
-- it with a single upsert on `id`, so concurrent deliveries cannot create two rows.
CREATE TABLE webhook_events (
    -- evt_…; Stripe's own idempotency key for processing an event once.
    id          TEXT    PRIMARY KEY NOT NULL,
    type        TEXT    NOT NULL,
    -- The id of data.object; NULL for the rare object without one.
    object_id   TEXT,
    -- When Stripe created the event, Unix seconds.
    created     INTEGER NOT NULL,
    livemode    INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    -- NULL for some Connect events.
    api_version TEXT,
    -- When the first verified delivery reached us, Unix seconds.
    received_at INTEGER NOT NULL,
    -- Verified deliveries seen; above 1 means Stripe retried or re-sent it.
    deliveries  INTEGER NOT NULL DEFAULT 1 CHECK (deliveries >= 1)
) STRICT;

-- For "what happened to this object" and "latest events of this type".
CREATE INDEX webhook_events_object ON webhook_events (object_id, created);
CREATE INDEX webhook_events_type ON webhook_events (type, created);
