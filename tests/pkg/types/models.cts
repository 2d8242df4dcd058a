// The models through require(), from the root and the webhook subpath: both entries
// re-export one shared models file, which CommonJS declarations must be able to load
// under node16 resolution as well as nodenext (tsconfig.node16.json).
import stripeEdge = require("stripe-edge");
import webhook = require("stripe-edge/webhook");

export const version: "2026-08-26.dahlia" = webhook.STRIPE_API_VERSION;
export const sameVersion: typeof version = stripeEdge.STRIPE_API_VERSION;

export function customerOf(event: webhook.StripeEvent): string | null {
  if (event.type === "payment_intent.succeeded") {
    // One declaration of the models: the subpath's PaymentIntent is the root's.
    const intent: stripeEdge.PaymentIntent = event.data.object;
    return webhook.expandableId(intent.customer);
  }
  return null;
}

export function codeOf(error: unknown): string | null {
  if (error instanceof webhook.WebhookError) {
    // The error classes extend the global Error, not the models' `Error` response.
    const message: string = error.message;
    // @ts-expect-error `error` belongs to the API's error response, not to Error.
    void error.error;
    return `${error.code} ${message}`;
  }
  return null;
}
