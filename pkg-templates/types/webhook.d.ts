/**
 * A Stripe event as delivered to a webhook endpoint. `data.object` is the object the
 * event is about, exactly as Stripe sent it.
 */
export interface StripeEvent {
  /** `evt_…`; the key for processing each event once. */
  id: string;
  object: "event";
  /** Such as `payment_intent.succeeded`. */
  type: string;
  /** The API version the object was rendered with. */
  api_version: string | null;
  /** When Stripe created the event, in Unix seconds. */
  created: number;
  livemode: boolean;
  /** Deliveries Stripe still has pending for this event. */
  pending_webhooks?: number;
  /** The API request that caused the event, when there was one. */
  request?:
    | { id: string | null; idempotency_key: string | null }
    | string
    | null;
  data: {
    object: { id?: string; object: string; [field: string]: unknown };
    /** For `*.updated` events, the previous values of the fields that changed. */
    previous_attributes?: Record<string, unknown>;
  };
  [field: string]: unknown;
}

/** A stable reason a webhook delivery was refused; see the package README. */
export type WebhookErrorCode =
  | "missing_header"
  | "malformed_header"
  | "no_v1_signature"
  | "signature_mismatch"
  | "timestamp_outside_tolerance"
  | "invalid_payload"
  | "invalid_secret"
  | "invalid_json";

/** Thrown by {@link verifyWebhook} when a delivery is refused. */
export declare class WebhookError extends Error {
  readonly name: "WebhookError";
  readonly code: WebhookErrorCode;
}

export interface VerifyWebhookOptions {
  /**
   * How far, in seconds, the signature's timestamp may lie from now, in either
   * direction. Default 300. Must be positive; pass `Infinity` to turn the check off,
   * which accepts replayed deliveries.
   */
  toleranceSecs?: number;
  /** The current time in Unix seconds; defaults to the system clock. */
  nowSecs?: number;
}

/**
 * Verifies the `Stripe-Signature` header on a webhook's raw body and returns the
 * event. Pass the body exactly as received (`await request.text()` or its bytes),
 * never a parsed and re-serialised object. `secret` may be several secrets, during a
 * rotation. Throws {@link WebhookError}.
 */
export declare function verifyWebhook(
  payload: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | null | undefined,
  secret: string | readonly string[],
  options?: VerifyWebhookOptions,
): StripeEvent;

export interface GenerateTestHeaderParams {
  payload: string | Uint8Array | ArrayBuffer;
  secret: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Signature scheme; `v1` (default) is the one Stripe uses. */
  scheme?: string;
}

/** Builds a `Stripe-Signature` header for a payload, as Stripe would, for tests. */
export declare function generateTestHeader(
  params: GenerateTestHeaderParams,
): string;
