import "server-only";

import type { PaymentIntentStatus } from "stripe-edge";

import type { CartItem, Product } from "./catalog";
import { shopConfig, type ShopConfig } from "./config";
import type { Order } from "./orders";
import { directBackend } from "./backends/direct";
import { workerBackend } from "./backends/worker";

/** What the browser needs to pay for an order; never more. */
export interface StartedPayment {
  order_id: string;
  payment_intent_id: string;
  client_secret: string;
  amount: number;
  currency: string;
  status: string;
}

/** Where a PaymentIntent stands, as the server sees it. */
export interface PaymentState {
  id: string;
  status: PaymentIntentStatus;
  client_secret: string | null;
  /** Set while the buyer must confirm with their bank (3-D Secure). */
  requires_action: boolean;
}

export interface StartedSubscription {
  subscription_id: string;
  status: string;
  client_secret: string | null;
}

/**
 * The shop's server side, whichever backend serves it. Pages and route handlers
 * use only this; `PAYMENTS_BACKEND` picks the implementation.
 */
export interface PaymentsBackend {
  readonly kind: ShopConfig["backend"];
  catalog(): Promise<Product[]>;
  createCustomer(email: string): Promise<string>;
  /** Prices the cart from the catalog and creates the PaymentIntent. */
  startPayment(
    items: CartItem[],
    customerId: string | null,
  ): Promise<StartedPayment>;
  /**
   * Local stand-in only: confirms a PaymentIntent with a card token made by
   * localstripe's Stripe.js mock, which cannot confirm by itself.
   */
  confirmWithToken(
    paymentIntentId: string,
    tokenId: string,
    clientSecret: string,
  ): Promise<PaymentState>;
  /**
   * The PaymentIntent's current state, for the return page, but only when
   * `clientSecret` is its own, compared whole (the random part too), and,
   * given `subscriptionId`, also that subscription's latest invoice's; null
   * otherwise, or when there is no such PaymentIntent or subscription.
   */
  checkedPayment(
    paymentIntentId: string,
    clientSecret: string,
    subscriptionId?: string,
  ): Promise<PaymentState | null>;
  order(orderId: string): Promise<Order | undefined>;
  orders(customerId: string): Promise<Order[]>;
  /** A hosted Checkout Session for the cart; resolves to its URL. */
  startHostedCheckout(
    items: CartItem[],
    urls: { success: string; cancel: string },
  ): Promise<string>;
  subscribe(customerId: string, sku: string): Promise<StartedSubscription>;
}

/** The backend chosen by the configuration, or the problem with it. */
export function paymentsBackend():
  | { ok: true; backend: PaymentsBackend; config: ShopConfig }
  | { ok: false; message: string } {
  const result = shopConfig();
  if (!result.ok) return { ok: false, message: result.problem.message };
  const { config } = result;
  const backend =
    config.backend === "worker" ? workerBackend(config) : directBackend(config);
  return { ok: true, backend, config };
}
