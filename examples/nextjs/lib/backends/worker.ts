import "server-only";

import { assertClientSecretFor, type PaymentIntentStatus } from "stripe-edge";

import type { Product } from "../catalog";
import type { ShopConfig } from "../config";
import type { Order } from "../orders";
import type { PaymentsBackend, StartedPayment } from "../payments";
import { BackendError } from "../backend-error";
import { confirmWithCardToken, stripeClient } from "../stripe-client";

/**
 * The shop asks the stripe-edge Worker, which holds the Stripe secret key, the
 * catalog and the orders (in D1), and receives the webhooks that mark them
 * paid.
 */
export function workerBackend(config: ShopConfig): PaymentsBackend {
  const base = config.workerUrl;
  if (base === null) throw new Error("worker mode needs WORKER_URL");

  async function call<T>(method: "GET" | "POST", path: string, body?: object) {
    let response: Response;
    try {
      response = await fetch(base + path, {
        method,
        headers: body ? { "content-type": "application/json" } : undefined,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(15_000),
        cache: "no-store",
      });
    } catch {
      throw new BackendError(0, {
        type: "api_connection_error",
        code: "network",
        message: "could not reach the Worker",
      });
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error =
        typeof json === "object" && json !== null && "error" in json
          ? (json as { error: { code?: string; message?: string } }).error
          : {};
      throw new BackendError(response.status, {
        // The Worker passes Stripe's card errors on with their code.
        type: response.status === 402 ? "card_error" : "api_error",
        code: error.code,
        message: error.message ?? `the Worker answered ${response.status}`,
      });
    }
    return json as T;
  }

  // Only on a local stand-in: localstripe's Stripe.js mock cannot confirm a
  // PaymentIntent, so the shop's server does it with the stand-in's key.
  const local =
    config.stripeJsMockUrl !== null && config.stripe.secretKey !== null
      ? stripeClient(config)
      : null;

  return {
    kind: "worker",

    async catalog() {
      const { products } = await call<{ products: Product[] }>(
        "GET",
        "/catalog",
      );
      return products;
    },

    async createCustomer(email) {
      const { customer_id } = await call<{ customer_id: string }>(
        "POST",
        "/customers",
        { email },
      );
      return customer_id;
    },

    async startPayment(items, customerId) {
      const started = await call<StartedPayment>("POST", "/payment-intents", {
        items,
        customer_id: customerId ?? undefined,
      });
      // The browser gets these fields and no others, and only a client
      // secret that belongs to the PaymentIntent beside it.
      assertClientSecretFor(started.client_secret, started.payment_intent_id);
      return {
        order_id: started.order_id,
        payment_intent_id: started.payment_intent_id,
        client_secret: started.client_secret,
        amount: started.amount,
        currency: started.currency,
        status: started.status,
      };
    },

    async confirmWithToken(paymentIntentId, tokenId, clientSecret) {
      if (local === null) {
        throw new BackendError(400, {
          message: "only a local stand-in confirms on the server",
        });
      }
      const intent = await confirmWithCardToken(
        local,
        paymentIntentId,
        tokenId,
        clientSecret,
      );
      return {
        id: intent.id,
        status: intent.status,
        client_secret: intent.client_secret,
        requires_action: intent.status === "requires_action",
      };
    },

    async checkedPayment(paymentIntentId, clientSecret, subscriptionId) {
      // The Worker holds the secret key, so it compares the secret with the
      // PaymentIntent's own; in the body, to keep it out of URLs and logs.
      try {
        const payment = await call<{ id: string; status: PaymentIntentStatus }>(
          "POST",
          `/payments/${encodeURIComponent(paymentIntentId)}/status`,
          { client_secret: clientSecret, subscription_id: subscriptionId },
        );
        return {
          id: payment.id,
          status: payment.status,
          client_secret: clientSecret,
          requires_action: payment.status === "requires_action",
        };
      } catch (error) {
        // The Worker answers 404 alike for an unknown intent and a wrong secret.
        if (error instanceof BackendError && error.status === 404) return null;
        throw error;
      }
    },

    async order(orderId) {
      try {
        return await call<Order>(
          "GET",
          `/orders/${encodeURIComponent(orderId)}`,
        );
      } catch (error) {
        if (error instanceof BackendError && error.status === 404)
          return undefined;
        throw error;
      }
    },

    async orders(customerId) {
      const { orders } = await call<{ orders: Order[] }>(
        "GET",
        `/orders?customer_id=${encodeURIComponent(customerId)}&limit=20`,
      );
      return orders;
    },

    async startHostedCheckout(items, urls) {
      const session = await call<{ url?: string }>(
        "POST",
        "/checkout-sessions",
        {
          items,
          ui_mode: "hosted",
          success_url: urls.success,
          cancel_url: urls.cancel,
        },
      );
      if (!session.url) {
        throw new BackendError(502, { message: "no Checkout URL returned" });
      }
      return session.url;
    },

    async subscribe(customerId, sku) {
      const started = await call<{
        subscription_id: string;
        status: string;
        client_secret?: string;
      }>("POST", "/subscriptions", { customer_id: customerId, sku });
      return { ...started, client_secret: started.client_secret ?? null };
    },
  };
}
