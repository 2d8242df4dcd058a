// The models through import, from the root and the webhook subpath, as models.cts
// does through require().
import {
  STRIPE_API_VERSION,
  expandableId,
  ConfigError,
  type PaymentIntent,
} from "stripe-edge";
import {
  STRIPE_API_VERSION as webhookVersion,
  WebhookError,
  type StripeEvent,
} from "stripe-edge/webhook";

export const versions: ["2026-08-26.dahlia", "2026-08-26.dahlia"] = [
  STRIPE_API_VERSION,
  webhookVersion,
];

export function customerOf(event: StripeEvent): string | null {
  if (event.type === "payment_intent.succeeded") {
    const intent: PaymentIntent = event.data.object;
    return expandableId(intent.customer);
  }
  return null;
}

export function messageOf(error: unknown): string | null {
  if (error instanceof WebhookError || error instanceof ConfigError) {
    const message: string = error.message;
    // @ts-expect-error `error` belongs to the API's error response, not to Error.
    void error.error;
    return message;
  }
  return null;
}
