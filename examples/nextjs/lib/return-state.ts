import { messageFor } from "./buyer-messages";

/** What the return page shows. */
export type ReturnState =
  | {
      kind: "loading";
      orderId: string;
      /**
       * Stripe has accepted the payment (it is processing, or succeeded and
       * the webhook is still on its way): the order will be paid without the
       * buyer doing anything more.
       */
      processing?: boolean;
    }
  | { kind: "succeeded"; orderId: string; amount: number; currency: string }
  | { kind: "declined"; orderId: string; message: string }
  /**
   * The first invoice of a subscription, by its PaymentIntent's status as
   * Stripe reports it. No order, so nothing to poll and no cart to empty.
   */
  | { kind: "subscription"; payment: "succeeded" | "processing" | "failed" }
  | { kind: "error"; message: string };

export interface OrderView {
  order_id: string;
  status: string;
  amount: number;
  currency: string;
}

/** The page's state for an order as the shop reports it. */
export function stateOf(order: OrderView): ReturnState {
  switch (order.status) {
    case "paid":
      return {
        kind: "succeeded",
        orderId: order.order_id,
        amount: order.amount,
        currency: order.currency,
      };
    case "processing":
      return { kind: "loading", orderId: order.order_id, processing: true };
    case "failed":
    case "canceled":
      return {
        kind: "declined",
        orderId: order.order_id,
        message: messageFor("declined").message,
      };
    default:
      return { kind: "loading", orderId: order.order_id };
  }
}

/**
 * Whether the buyer has paid for the order, or Stripe is settling the payment:
 * the cart it was bought from is done with. A declined, failed or canceled
 * payment, or one still waiting for the buyer, is not.
 */
export function paymentAccepted(
  state: ReturnState,
): state is Extract<ReturnState, { kind: "loading" | "succeeded" }> {
  return (
    state.kind === "succeeded" ||
    (state.kind === "loading" && state.processing === true)
  );
}
