"use client";

import {
  Elements,
  PaymentElement,
  useElements,
  useStripe,
} from "@stripe/react-stripe-js";
import type { Stripe, StripeCardElement } from "@stripe/stripe-js";
import { loadStripe } from "@stripe/stripe-js/pure";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";

import {
  buyerMessage,
  messageFor,
  type BuyerMessage,
  type PaymentErrorLike,
} from "@/lib/buyer-messages";
import { formatAmount } from "@/lib/format";

/**
 * What the server answered when the payment was started: for an order, or for
 * the first invoice of a subscription.
 */
export interface PaymentToPay {
  order_id?: string;
  subscription_id?: string;
  payment_intent_id: string;
  client_secret: string;
  amount: number;
  currency: string;
}

export interface PaymentFormProps {
  payment: PaymentToPay;
  publishableKey: string;
  /** localstripe's Stripe.js mock; `null` with real keys (js.stripe.com). */
  stripeJsMockUrl: string | null;
}

/**
 * The payment step. With real test keys: Stripe's Payment Element, confirmed
 * by Stripe.js, which then sends the buyer to the return page. On the local
 * stand-in: the card form of localstripe's Stripe.js mock.
 */
export function PaymentForm({
  payment,
  publishableKey,
  stripeJsMockUrl,
}: PaymentFormProps) {
  if (stripeJsMockUrl === null) {
    return (
      <ElementsPayment payment={payment} publishableKey={publishableKey} />
    );
  }
  return (
    <LocalCardPayment
      payment={payment}
      publishableKey={publishableKey}
      stripeJsMockUrl={stripeJsMockUrl}
    />
  );
}

/** Where Stripe sends the buyer back; it adds the PaymentIntent's parameters. */
export function returnUrl(payment: PaymentToPay): string {
  const paid: Record<string, string> =
    payment.order_id !== undefined
      ? { order: payment.order_id }
      : { subscription: payment.subscription_id ?? "" };
  return `${window.location.origin}/return?${new URLSearchParams(paid)}`;
}

function ElementsPayment({
  payment,
  publishableKey,
}: {
  payment: PaymentToPay;
  publishableKey: string;
}) {
  // Created once per key: Elements must not get a new promise on re-render.
  const stripePromise = useMemo(
    () => loadStripe(publishableKey),
    [publishableKey],
  );
  return (
    <Elements
      stripe={stripePromise}
      options={{ clientSecret: payment.client_secret }}
    >
      <PaymentElementForm payment={payment} />
    </Elements>
  );
}

/** The Payment Element and its Pay button; exported for the component tests. */
export function PaymentElementForm({ payment }: { payment: PaymentToPay }) {
  const stripe = useStripe();
  const elements = useElements();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<BuyerMessage | null>(null);

  async function pay(event: FormEvent) {
    event.preventDefault();
    if (!stripe || !elements) return;
    setBusy(true);
    setProblem(null);
    try {
      const { error } = await stripe.confirmPayment({
        elements,
        confirmParams: { return_url: returnUrl(payment) },
      });
      // Only reached on an error: on success Stripe.js has left the page.
      setProblem(buyerMessage(error));
    } catch {
      setProblem(messageFor("network"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={pay} aria-label="Payment">
      <PaymentElement />
      <PayButton payment={payment} busy={busy || !stripe || !elements} />
      <Problem problem={problem} />
    </form>
  );
}

function LocalCardPayment({
  payment,
  publishableKey,
  stripeJsMockUrl,
}: {
  payment: PaymentToPay;
  publishableKey: string;
  stripeJsMockUrl: string;
}) {
  const [stripe, setStripe] = useState<Stripe | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    loadMockStripe(stripeJsMockUrl, publishableKey).then(
      (loaded) => live && setStripe(loaded),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [stripeJsMockUrl, publishableKey]);

  if (failed) return <Problem problem={messageFor("network")} />;
  return (
    <LocalCardForm
      stripe={stripe}
      payment={payment}
      confirmOnServer={confirmOnServer}
      onDone={(url) => window.location.assign(url)}
    />
  );
}

/**
 * Loads the mock before calling `loadStripe`, which then takes the `Stripe`
 * the mock put on `window` instead of fetching js.stripe.com.
 */
async function loadMockStripe(
  src: string,
  publishableKey: string,
): Promise<Stripe> {
  if (!("Stripe" in window)) {
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () =>
        reject(new Error("the Stripe.js mock did not load"));
      document.head.appendChild(script);
    });
  }
  const stripe = await loadStripe(publishableKey);
  if (!stripe) throw new Error("Stripe.js did not start");
  return stripe;
}

/** The answer of the shop's confirm route. */
export type ServerConfirmation =
  | { ok: true; status: string }
  | { ok: false; error: BuyerMessage };

async function confirmOnServer(
  payment: PaymentToPay,
  token: string,
): Promise<ServerConfirmation> {
  const response = await fetch(
    `/api/payment-intents/${encodeURIComponent(payment.payment_intent_id)}/confirm`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, client_secret: payment.client_secret }),
    },
  );
  const body = (await response.json()) as
    | { status: string }
    | { error: BuyerMessage };
  return "error" in body
    ? { ok: false, error: body.error }
    : { ok: true, status: body.status };
}

export interface LocalCardFormProps {
  /** `null` while Stripe.js loads. */
  stripe: Stripe | null;
  payment: PaymentToPay;
  confirmOnServer: (
    payment: PaymentToPay,
    token: string,
  ) => Promise<ServerConfirmation>;
  /** Called with the return page's URL once the payment is submitted. */
  onDone: (url: string) => void;
}

/**
 * The card form for localstripe's Stripe.js mock: a card Element, a token,
 * confirmation by the shop's server, and 3-D Secure through the mock's own
 * dialog when the card asks for it.
 */
export function LocalCardForm({
  stripe,
  payment,
  confirmOnServer,
  onDone,
}: LocalCardFormProps) {
  const mountRef = useRef<HTMLDivElement>(null);
  const cardRef = useRef<StripeCardElement | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<BuyerMessage | null>(null);

  useEffect(() => {
    if (!stripe || !mountRef.current) return;
    const card = stripe.elements().create("card");
    card.mount(mountRef.current);
    cardRef.current = card;
    return () => {
      card.destroy();
      cardRef.current = null;
    };
  }, [stripe]);

  async function pay(event: FormEvent) {
    event.preventDefault();
    const card = cardRef.current;
    if (!stripe || !card) return;
    setBusy(true);
    setProblem(null);
    try {
      const { token, error } = await stripe.createToken(card);
      if (error || !token) {
        setProblem(buyerMessage(error ?? { type: "validation_error" }));
        return;
      }

      const confirmed = await confirmOnServer(payment, token.id);
      if (!confirmed.ok) {
        setProblem(confirmed.error);
        return;
      }

      let status = confirmed.status;
      if (status === "requires_action") {
        // The bank asks the buyer to authenticate (3-D Secure).
        const result = await stripe.confirmCardPayment(payment.client_secret);
        if (result.error) {
          setProblem(buyerMessage(result.error as PaymentErrorLike));
          return;
        }
        status = result.paymentIntent.status;
        if (status === "requires_payment_method") {
          setProblem(messageFor("authentication_failed"));
          return;
        }
      }

      const params = new URLSearchParams({
        payment_intent: payment.payment_intent_id,
        payment_intent_client_secret: payment.client_secret,
        // The values Stripe itself puts on a return URL.
        redirect_status:
          status === "succeeded" || status === "processing" ? status : "failed",
      });
      onDone(`${returnUrl(payment)}&${params}`);
    } catch {
      setProblem(messageFor("network"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={pay} aria-label="Payment">
      <p className="hint">
        Local stand-in: card fields from localstripe&apos;s Stripe.js mock.
      </p>
      <div ref={mountRef} className="card-element" data-testid="card-element">
        {stripe ? null : <span role="status">Loading the card form…</span>}
      </div>
      <PayButton payment={payment} busy={busy || !stripe} />
      <Problem problem={problem} />
    </form>
  );
}

function PayButton({
  payment,
  busy,
}: {
  payment: PaymentToPay;
  busy: boolean;
}) {
  return (
    <button type="submit" disabled={busy}>
      {busy
        ? "Paying…"
        : `Pay ${formatAmount(payment.amount, payment.currency)}`}
    </button>
  );
}

function Problem({ problem }: { problem: BuyerMessage | null }) {
  if (!problem) return null;
  return (
    <p role="alert" className="problem" data-problem={problem.problem}>
      {problem.message}
    </p>
  );
}
