import type { Metadata } from "next";
import { ClientSecretError, readReturnUrl } from "stripe-edge";

import { OrderStatus } from "@/components/order-status";
import { Unavailable } from "@/components/unavailable";
import { asBackendError, BackendError } from "@/lib/backend-error";
import { messageFor } from "@/lib/buyer-messages";
import { paymentsBackend, type PaymentsBackend } from "@/lib/payments";
import { stateOf, type ReturnState } from "@/lib/return-state";

export const metadata: Metadata = { title: "Your payment" };
export const dynamic = "force-dynamic";

const INVALID_LINK =
  "This payment link is not valid. If you paid, your order history shows the payment.";

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * Where Stripe (or the local card form) sends the buyer after paying, with
 * `payment_intent`, `payment_intent_client_secret` and `redirect_status` on
 * the URL, and `order` or (for a subscription's first invoice) `subscription`.
 * Nothing on the URL is trusted: the package checks that the client secret
 * belongs to the PaymentIntent named beside it and to this order, and the
 * status shown is the server's, not `redirect_status`.
 */
export default async function ReturnPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const chosen = paymentsBackend();
  if (!chosen.ok) return <Unavailable />;
  const initial = await checkReturn(await searchParams, chosen.backend);
  return <OrderStatus initial={initial} />;
}

async function checkReturn(
  params: SearchParams,
  backend: PaymentsBackend,
): Promise<ReturnState> {
  const orderId = typeof params.order === "string" ? params.order : "";
  const secret =
    typeof params.payment_intent_client_secret === "string"
      ? params.payment_intent_client_secret
      : "";
  if (typeof params.subscription === "string" && !("order" in params)) {
    return checkSubscriptionReturn(params, params.subscription, backend);
  }
  if (!/^ord_\w+$/.test(orderId)) return invalid("no_order");

  try {
    const order = await backend.order(orderId);
    if (!order) return invalid("unknown_order");
    // The secret must be well formed, of a PaymentIntent, and of this order's.
    readReturnUrl(params, { expectedId: order.payment_intent_id });
    // That check cannot see the secret's random part; the backend, which
    // holds the secret key, compares the whole value.
    const intent = await backend.checkedPayment(
      order.payment_intent_id,
      secret,
    );
    if (intent === null) return invalid("secret_mismatch");
    if (
      intent.status === "requires_payment_method" &&
      order.status !== "paid"
    ) {
      return {
        kind: "declined",
        orderId,
        message: messageFor("declined").message,
      };
    }
    const state = stateOf(order);
    if (
      state.kind === "loading" &&
      (intent.status === "succeeded" || intent.status === "processing")
    ) {
      // Stripe has the payment; only the webhook that marks the order
      // paid is still on its way. The page empties the cart already.
      return { ...state, processing: true };
    }
    return state;
  } catch (thrown) {
    return refusedOrUnavailable(thrown);
  }
}

/**
 * The first invoice of a subscription: there is no order to check the
 * PaymentIntent against, so the whole client secret must be that intent's
 * own and that subscription's latest invoice's (right after subscribing, its
 * first), which only the backend
 * holding the secret key can tell.
 */
async function checkSubscriptionReturn(
  params: SearchParams,
  subscriptionId: string,
  backend: PaymentsBackend,
): Promise<ReturnState> {
  if (!/^sub_\w+$/.test(subscriptionId)) return invalid("no_subscription");
  const intentId =
    typeof params.payment_intent === "string" ? params.payment_intent : "";
  const secret =
    typeof params.payment_intent_client_secret === "string"
      ? params.payment_intent_client_secret
      : "";
  try {
    readReturnUrl(params, { expectedId: intentId });
    const intent = await backend.checkedPayment(
      intentId,
      secret,
      subscriptionId,
    );
    if (intent === null) return invalid("secret_mismatch");
    switch (intent.status) {
      case "succeeded":
        return { kind: "subscription", payment: "succeeded" };
      case "processing":
        return { kind: "subscription", payment: "processing" };
      default:
        return { kind: "subscription", payment: "failed" };
    }
  } catch (thrown) {
    return refusedOrUnavailable(thrown);
  }
}

/** A link the package refused, or a backend that could not answer. */
function refusedOrUnavailable(thrown: unknown): ReturnState {
  if (thrown instanceof ClientSecretError) return invalid(thrown.code);
  const error = asBackendError(thrown);
  if (error instanceof BackendError) {
    console.log(`shop return page status=${error.status}`);
    return { kind: "error", message: messageFor("unavailable").message };
  }
  throw error;
}

function invalid(reason: string): ReturnState {
  console.log(`shop return refused reason=${reason}`);
  return { kind: "error", message: INVALID_LINK };
}
