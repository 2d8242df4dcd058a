import { StripeConnectionError, StripeError } from "stripe-edge";

import type { PaymentErrorLike } from "./buyer-messages";

/**
 * An error from the payments backend (Stripe or the Worker) as the shop's
 * server saw it. `status` 0 means no answer arrived (network down, timeout).
 */
export class BackendError extends Error {
  override readonly name = "BackendError";
  constructor(
    readonly status: number,
    readonly error: PaymentErrorLike,
  ) {
    super(error.message ?? `the backend answered ${status}`);
  }
}

/** The package's `StripeError`s in the shop's terms; anything else unchanged. */
export function asBackendError(error: unknown): unknown {
  if (error instanceof StripeConnectionError) {
    return new BackendError(0, {
      type: "api_connection_error",
      code: "network",
      message: "could not reach the Stripe API",
    });
  }
  if (error instanceof StripeError) {
    return new BackendError(error.statusCode ?? 0, {
      type: error.rawType,
      code: error.code,
      decline_code: error.decline_code,
      message: error.message,
    });
  }
  return error;
}
