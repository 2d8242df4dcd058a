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
    /** `param`: the request parameter Stripe's error is about, if it said. */
    readonly error: PaymentErrorLike & { param?: string },
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
      param: error.param,
      message: error.message,
    });
  }
  return error;
}

/**
 * Whether a call that named a customer failed because the backend has no such
 * customer. As it arrives: from Stripe, `resource_missing` on the `customer`
 * parameter (HTTP 400); from localstripe, a bare 404; from the Worker, 404
 * `stripe_resource_missing`, which it answers for either of Stripe's. Meant for
 * calls whose only reference to another object is the customer.
 */
export function isMissingCustomer(thrown: unknown): boolean {
  const error = asBackendError(thrown);
  if (!(error instanceof BackendError)) return false;
  const { code, param } = error.error;
  if (code === "resource_missing") return param === "customer";
  if (code === "stripe_resource_missing") return error.status === 404;
  return error.status === 404 && code === undefined;
}
