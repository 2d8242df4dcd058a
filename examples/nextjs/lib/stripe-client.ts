import "server-only";

import { timingSafeEqual } from "node:crypto";

import { StripeClient, type Token } from "stripe-edge";

import { BackendError } from "./backend-error";
import type { ShopConfig } from "./config";

/** The package's API client for the configured key and API base. */
export function stripeClient(config: ShopConfig): StripeClient {
  const { secretKey, apiBase } = config.stripe;
  if (secretKey === null) throw new Error("no STRIPE_SECRET_KEY configured");
  return new StripeClient({ secretKey, apiBase, timeoutMs: 20_000 });
}

/**
 * Local stand-in only: confirms a PaymentIntent with a card token from
 * localstripe's Stripe.js mock, which cannot confirm by itself. localstripe
 * takes the payment method by update (a `payment_method` on confirm is not
 * implemented there).
 */
export async function confirmWithCardToken(
  stripe: StripeClient,
  paymentIntentId: string,
  tokenId: string,
  clientSecret: string,
) {
  if (!/^tok_\w+$/.test(tokenId)) {
    throw new BackendError(400, {
      type: "invalid_request_error",
      message: "not a card token",
    });
  }
  // Only the holder of this intent's whole client secret may confirm it.
  const intent = await stripe.paymentIntents.retrieve(paymentIntentId);
  if (!sameSecret(clientSecret, intent.client_secret)) {
    throw new BackendError(400, {
      type: "invalid_request_error",
      message: "the client secret does not match",
    });
  }
  const token = await stripe.request<Token>("GET", "/v1/tokens/{}", [tokenId]);
  if (!token.card) {
    throw new BackendError(400, {
      type: "invalid_request_error",
      message: "not a card token",
    });
  }
  await stripe.paymentIntents.update(paymentIntentId, {
    payment_method: token.card.id,
  });
  return stripe.paymentIntents.confirm(paymentIntentId);
}

/** Compares a client secret from a request with the real one, in fixed time. */
export function sameSecret(given: string, actual: string | null): boolean {
  if (actual === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}
