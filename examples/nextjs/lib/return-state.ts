import { messageFor } from "./buyer-messages";

/** What the return page shows. */
export type ReturnState =
  | { kind: "loading"; orderId: string }
  | { kind: "succeeded"; orderId: string; amount: number; currency: string }
  | { kind: "declined"; orderId: string; message: string }
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
