import "server-only";

import { randomUUID } from "node:crypto";

import {
  assertClientSecretFor,
  browserIntent,
  type Invoice,
  type PaymentIntent,
} from "stripe-edge";

import {
  CartError,
  findProduct,
  priceCart,
  products,
  type CartItem,
} from "../catalog";
import type { ShopConfig } from "../config";
import { getOrder, listOrders, saveOrder } from "../orders";
import type { PaymentsBackend, PaymentState } from "../payments";
import { asBackendError, BackendError } from "../backend-error";
import {
  confirmWithCardToken,
  sameSecret,
  stripeClient,
} from "../stripe-client";

/**
 * The shop talks to Stripe itself with `STRIPE_SECRET_KEY`; orders are kept by
 * `lib/orders.ts` and moved to paid by the Node webhook route.
 */
export function directBackend(config: ShopConfig): PaymentsBackend {
  const stripe = stripeClient(config);

  const backend: PaymentsBackend = {
    kind: "direct",

    async catalog() {
      return [...products];
    },

    async createCustomer(email) {
      const customer = await stripe.customers.create({ email });
      return customer.id;
    },

    async startPayment(items, customerId) {
      const cart = priceCart(items);
      const orderId = `ord_${randomUUID().replaceAll("-", "")}`;
      const intent = await stripe.paymentIntents.create(
        {
          amount: cart.amount,
          currency: cart.currency,
          customer: customerId ?? undefined,
          metadata: { order_id: orderId },
        },
        // One PaymentIntent per order, however often the call is retried.
        { idempotencyKey: `pi-${orderId}` },
      );
      const now = Math.floor(Date.now() / 1000);
      saveOrder({
        order_id: orderId,
        status: "pending",
        amount: cart.amount,
        currency: cart.currency,
        items: cart.items,
        payment_intent_id: intent.id,
        customer_id: customerId,
        created: now,
        updated: now,
      });
      // Only id, client secret, amount, currency and status reach the browser.
      const view = browserIntent(intent);
      return {
        order_id: orderId,
        payment_intent_id: view.id,
        client_secret: view.client_secret,
        amount: cart.amount,
        currency: cart.currency,
        status: view.status,
      };
    },

    async confirmWithToken(paymentIntentId, tokenId, clientSecret) {
      return stateOf(
        await confirmWithCardToken(
          stripe,
          paymentIntentId,
          tokenId,
          clientSecret,
        ),
      );
    },

    async checkedPayment(paymentIntentId, clientSecret, subscriptionId) {
      try {
        if (subscriptionId !== undefined) {
          // Right after subscribing, the latest invoice is the first.
          const subscription = await stripe.subscriptions.retrieve(
            subscriptionId,
            { expand: ["latest_invoice.confirmation_secret"] },
          );
          const invoice = subscription.latest_invoice as Invoice | null;
          const latestSecret = invoice?.confirmation_secret?.client_secret;
          if (!sameSecret(clientSecret, latestSecret ?? null)) return null;
        }
        const intent = await stripe.paymentIntents.retrieve(paymentIntentId);
        return sameSecret(clientSecret, intent.client_secret)
          ? stateOf(intent)
          : null;
      } catch (thrown) {
        const error = asBackendError(thrown);
        if (error instanceof BackendError && error.status === 404) return null;
        throw error;
      }
    },

    async order(orderId) {
      return getOrder(orderId);
    },

    async orders(customerId) {
      return listOrders(customerId);
    },

    async startHostedCheckout(items, urls) {
      const cart = priceCart(items);
      const session = await stripe.checkout.sessions.create({
        mode: "payment",
        success_url: urls.success,
        cancel_url: urls.cancel,
        line_items: cart.items.map((item) => {
          // priceCart has found every line's product; the check is for the types.
          const product = findProduct(item.sku);
          if (!product) {
            throw new CartError("An item in your cart is no longer sold.");
          }
          return {
            quantity: item.quantity,
            price_data: {
              currency: cart.currency,
              unit_amount: product.unit_amount,
              product_data: { name: product.name },
            },
          };
        }),
      });
      if (!session.url) {
        throw new BackendError(502, { message: "no Checkout URL returned" });
      }
      return session.url;
    },

    async subscribe(customerId, sku) {
      const product = findProduct(sku);
      if (!product || product.kind !== "recurring" || !product.interval) {
        throw new BackendError(400, { message: "not a subscription product" });
      }
      const subscription = await stripe.subscriptions.create({
        customer: customerId,
        items: [
          {
            price_data: {
              currency: product.currency,
              unit_amount: product.unit_amount,
              product: await ensureProduct(product.sku, product.name),
              recurring: { interval: product.interval },
            },
          },
        ],
        payment_behavior: "default_incomplete",
        expand: ["latest_invoice.confirmation_secret"],
      });
      // Expanded above, so the invoice arrives as an object.
      const invoice = subscription.latest_invoice as Invoice | null;
      return {
        subscription_id: subscription.id,
        status: subscription.status,
        client_secret: invoice?.confirmation_secret?.client_secret ?? null,
      };
    },
  };

  /** The catalog product's Stripe Product, created once under a fixed id. */
  async function ensureProduct(sku: string, name: string): Promise<string> {
    const id = `shop_${sku}`;
    try {
      await stripe.products.retrieve(id);
    } catch (error) {
      const known = asBackendError(error);
      if (!(known instanceof BackendError) || known.status !== 404) throw error;
      await stripe.products.create({ id, name });
    }
    return id;
  }

  return backend;
}

function stateOf(intent: PaymentIntent): PaymentState {
  if (intent.client_secret !== null) {
    // The secret must belong to this intent before any of it reaches a page.
    assertClientSecretFor(intent.client_secret, intent);
  }
  return {
    id: intent.id,
    status: intent.status,
    client_secret: intent.client_secret,
    requires_action: intent.status === "requires_action",
  };
}
