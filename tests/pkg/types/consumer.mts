// Compiled, never run: the installed package's declarations as an ESM TypeScript
// user sees them through the `exports` map, for the root and the webhook subpath.
import {
  verifyWebhook,
  WebhookError,
  loadStripeConfig,
  browserIntent,
  type PaymentIntent,
  type SetupIntent,
  type StripeEvent,
} from "stripe-edge";
import { verifyWebhook as verifyOnly } from "stripe-edge/webhook";

export function amountOf(event: StripeEvent): number | null {
  if (event.type === "payment_intent.succeeded") {
    return event.data.object.amount;
  }
  return null;
}

export function handle(body: string, header: string | null): string {
  try {
    const event = verifyWebhook(body, header, ["whsec_a", "whsec_b"]);
    return `${event.id} ${amountOf(event)} ${verifyOnly(body, header, "x").id}`;
  } catch (error) {
    if (error instanceof WebhookError) return error.code;
    throw error;
  }
}

export const config = loadStripeConfig({});

// The generated intent types are what a server has in hand; they must be accepted.
export function forBrowser(intent: PaymentIntent | SetupIntent) {
  return browserIntent(intent);
}
