/**
 * A Stripe v2 thin event notification, as sent to an event destination with a thin
 * payload. It names what happened and the object it happened to; fetch the full
 * event (`GET /v2/core/events/{id}`) or the object (`related_object.url`) when you
 * need them.
 */
export interface ThinEvent {
  /** `evt_…`; the key for processing each event once. */
  id: string;
  object: "v2.core.event";
  /** Such as `v1.billing.meter.error_report_triggered`. */
  type: string;
  /** When the event happened, as RFC 3339 text (`2026-01-31T12:00:00.000Z`). */
  created: string;
  livemode: boolean;
  /** The object the event is about; absent or null for events about none. */
  related_object?: ThinEventRelatedObject | null;
  /**
   * The account context (such as a connected account's id) to fetch the event or
   * the object with, when it is not your own account. Kept as the string Stripe
   * sent; stripe-node turns it into a `StripeContext`.
   */
  context?: string | null;
  /** Why the event happened, such as the API request that caused it. */
  reason?: {
    type: string;
    request?: { id: string; idempotency_key: string };
  };
  [field: string]: unknown;
}

/** The reference a thin event carries to the object it is about. */
export interface ThinEventRelatedObject {
  /** Absent for singletons (such as a balance), which have only a `url`. */
  id?: string;
  /** Such as `billing.meter`. */
  type: string;
  /** The API path that retrieves the object. */
  url: string;
}

/**
 * Verifies the `Stripe-Signature` header on a thin event notification's raw body and
 * returns the notification. Same arguments, options and errors as
 * {@link verifyWebhook}; a snapshot event (`object: "event"`) is refused with
 * `wrong_event_kind`, and so is a thin one passed to `verifyWebhook`.
 */
export declare function verifyThinEvent(
  payload: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | null | undefined,
  secret: string | readonly string[],
  options?: VerifyWebhookOptions,
): ThinEvent;
