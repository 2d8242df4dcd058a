/**
 * A Stripe event as delivered to a webhook endpoint: the union of every event type
 * the models know, narrowing on `type` to the right `data.object`. The body is
 * returned exactly as Stripe sent it, so an event of a type added after these models
 * still arrives; it is described by {@link UnknownEvent}.
 */
export type StripeEvent = Event;

/** A stable reason a webhook delivery was refused; see the package README. */
export type WebhookErrorCode =
  | "missing_header"
  | "malformed_header"
  | "no_v1_signature"
  | "signature_mismatch"
  | "timestamp_outside_tolerance"
  | "invalid_payload"
  | "invalid_secret"
  | "invalid_json"
  | "wrong_event_kind";

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
  /**
   * The current time in Unix seconds (not milliseconds: `Date.now()` is refused);
   * defaults to the system clock.
   */
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
