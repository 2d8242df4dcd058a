import type { CartItem } from "./catalog";

/** The order record the shop shows; the same shape the Worker answers with. */
export interface Order {
  order_id: string;
  status: OrderStatus;
  amount: number;
  currency: string;
  items: CartItem[];
  payment_intent_id: string;
  customer_id: string | null;
  /** Unix seconds. */
  created: number;
  updated: number;
}

export type OrderStatus =
  | "pending"
  | "processing"
  | "paid"
  | "failed"
  | "canceled"
  | "refunded"
  | "partially_refunded"
  | "review";

/**
 * Orders of the direct mode, kept in this server process's memory.
 *
 * A demo-only shortcut: they are lost on restart and not shared between
 * instances or with the edge runtime. A real shop keeps them in its database
 * (or uses the Worker mode, where D1 holds them). Kept on `globalThis` because
 * Next may load this module more than once in one process (route handlers and
 * pages are bundled separately).
 */
const store: Map<string, Order> = ((
  globalThis as { __shopOrders?: Map<string, Order> }
).__shopOrders ??= new Map());

export function saveOrder(order: Order): void {
  store.set(order.order_id, order);
}

export function getOrder(orderId: string): Order | undefined {
  return store.get(orderId);
}

export function listOrders(customerId: string | null, limit = 20): Order[] {
  return [...store.values()]
    .filter((order) => customerId === null || order.customer_id === customerId)
    .sort((a, b) => b.created - a.created)
    .slice(0, limit);
}

/**
 * Moves the order of a PaymentIntent to `status`, as a webhook reports it.
 * Returns the order, or `undefined` when the PaymentIntent is not one of ours.
 * A paid order never goes back to failed: Stripe may deliver events out of
 * order, and a late `payment_failed` from an earlier attempt must not undo a
 * payment that succeeded.
 */
export function updateOrderForPaymentIntent(
  paymentIntentId: string,
  status: OrderStatus,
  nowSecs: number,
): Order | undefined {
  for (const order of store.values()) {
    if (order.payment_intent_id !== paymentIntentId) continue;
    if (order.status === "paid" && status !== "refunded") return order;
    order.status = status;
    order.updated = nowSecs;
    return order;
  }
  return undefined;
}
