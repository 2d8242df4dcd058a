"use client";

import { useEffect, useState } from "react";

import { messageFor } from "@/lib/buyer-messages";
import { formatAmount } from "@/lib/format";
import {
  paymentAccepted,
  stateOf,
  type OrderView,
  type ReturnState,
} from "@/lib/return-state";

import { clearCartPaidBy } from "./cart";

const POLL_MS = 1_000;
const MAX_POLLS = 60;

/**
 * The outcome of a payment. While the order waits for Stripe's webhook it
 * asks the shop again each second: the order counts as paid only once the
 * webhook has landed, whatever the browser was told. Once the payment is
 * accepted (paid, or processing) the cart it paid for is emptied, so the next
 * checkout does not charge for the same products again.
 */
export function OrderStatus({
  initial,
  fetchOrder = fetchOrderFromShop,
  pollMs = POLL_MS,
}: {
  initial: ReturnState;
  fetchOrder?: (orderId: string) => Promise<OrderView>;
  pollMs?: number;
}) {
  const [state, setState] = useState<ReturnState>(initial);
  const [gaveUp, setGaveUp] = useState(false);

  // Polling goes on while the order is loading, processing or not; a state
  // that only turns to processing must not restart it.
  const pollingOrderId = state.kind === "loading" ? state.orderId : null;

  useEffect(() => {
    if (paymentAccepted(state)) clearCartPaidBy(state.orderId);
  }, [state]);

  useEffect(() => {
    if (pollingOrderId === null) return;
    const orderId = pollingOrderId;
    let polls = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;

    async function poll() {
      polls += 1;
      try {
        const order = await fetchOrder(orderId);
        if (!live) return;
        const next = stateOf(order);
        if (next.kind !== "loading") {
          setState(next);
          return;
        }
        // Never back from processing: the shop's order may still say
        // pending when the server saw the payment accepted at Stripe.
        if (next.processing) setState(next);
      } catch {
        if (!live) return;
        setState({ kind: "error", message: messageFor("network").message });
        return;
      }
      if (polls >= MAX_POLLS) setGaveUp(true);
      else timer = setTimeout(poll, pollMs);
    }
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [pollingOrderId, fetchOrder, pollMs]);

  return <ReturnStatus state={state} gaveUp={gaveUp} />;
}

export function ReturnStatus({
  state,
  gaveUp = false,
}: {
  state: ReturnState;
  gaveUp?: boolean;
}) {
  switch (state.kind) {
    case "loading":
      return (
        <section data-state="loading">
          <h1>Confirming your payment…</h1>
          <p role="status">
            {gaveUp
              ? "This is taking longer than usual. Your order history will show it once it is confirmed."
              : state.processing
                ? "Your payment is being processed. This page updates by itself."
                : "Waiting for the payment to be confirmed. This page updates by itself."}
          </p>
        </section>
      );
    case "succeeded":
      return (
        <section data-state="succeeded">
          <h1>Thank you!</h1>
          <p role="status">
            Order <code>{state.orderId}</code> is paid:{" "}
            {formatAmount(state.amount, state.currency)}.
          </p>
          <p>
            <a href="/orders">See your orders</a>
          </p>
        </section>
      );
    case "declined":
      return (
        <section data-state="declined">
          <h1>Payment not completed</h1>
          <p role="alert">{state.message}</p>
          <p>
            <a href="/checkout">Back to checkout</a>
          </p>
        </section>
      );
    case "subscription":
      return <SubscriptionPaymentStatus payment={state.payment} />;
    case "error":
      return (
        <section data-state="error">
          <h1>We could not show this payment</h1>
          <p role="alert">{state.message}</p>
          <p>
            <a href="/orders">See your orders</a>
          </p>
        </section>
      );
  }
}

function SubscriptionPaymentStatus({
  payment,
}: {
  payment: Extract<ReturnState, { kind: "subscription" }>["payment"];
}) {
  switch (payment) {
    case "succeeded":
      return (
        <section data-state="succeeded">
          <h1>Thank you!</h1>
          <p role="status">
            Your first payment is made: your subscription is active.
          </p>
        </section>
      );
    case "processing":
      return (
        <section data-state="loading">
          <h1>Confirming your payment…</h1>
          <p role="status">
            Your payment is being processed; your subscription starts once it is
            paid.
          </p>
        </section>
      );
    case "failed":
      return (
        <section data-state="declined">
          <h1>Payment not completed</h1>
          <p role="alert">{messageFor("declined").message}</p>
          <p>
            Your subscription is not active yet.{" "}
            <a href="/subscribe">Back to subscribing</a>
          </p>
        </section>
      );
  }
}

async function fetchOrderFromShop(orderId: string): Promise<OrderView> {
  const response = await fetch(`/api/orders/${encodeURIComponent(orderId)}`, {
    cache: "no-store",
  });
  if (!response.ok) throw new Error(`order lookup answered ${response.status}`);
  return (await response.json()) as OrderView;
}
