import type { StripeEvent } from "stripe-edge";

import { updateOrderForPaymentIntent, type OrderStatus } from "./orders";

/**
 * Moves the direct mode's orders along as verified events arrive. Only the
 * webhook decides that an order is paid: the browser's word (a redirect, a
 * `succeeded` shown by Stripe.js) is never enough.
 */
export function applyPaymentEvent(event: StripeEvent): void {
  let status: OrderStatus;
  switch (event.type) {
    case "payment_intent.succeeded":
      status = "paid";
      break;
    case "payment_intent.payment_failed":
      status = "failed";
      break;
    case "payment_intent.processing":
      status = "processing";
      break;
    case "payment_intent.canceled":
      status = "canceled";
      break;
    default:
      return;
  }
  // `event.type` narrowed `data.object` to a PaymentIntent.
  const order = updateOrderForPaymentIntent(
    event.data.object.id,
    status,
    event.created,
  );
  if (order) {
    console.log(`order ${order.order_id} ${order.status} event=${event.id}`);
  }
}
