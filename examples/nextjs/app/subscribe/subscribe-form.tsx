"use client";

import { useState, type FormEvent } from "react";

import { PaymentForm, type PaymentToPay } from "@/components/payment-form";
import { messageFor, type BuyerMessage } from "@/lib/buyer-messages";

interface Started {
  subscription_id: string;
  status: string;
  client_secret: string | null;
}

export interface SubscribeFormProps {
  sku: string;
  /** The plan's price from the server's catalog, shown on the Pay button. */
  amount: number;
  currency: string;
  publishableKey: string;
  /** localstripe's Stripe.js mock; `null` with real keys (js.stripe.com). */
  stripeJsMockUrl: string | null;
}

/**
 * Creates the subscription on the server, then collects its first invoice's
 * payment when Stripe answers with a client secret for it (the subscription
 * is created `default_incomplete` and stays incomplete until that is paid).
 */
export function SubscribeForm({
  sku,
  amount,
  currency,
  publishableKey,
  stripeJsMockUrl,
}: SubscribeFormProps) {
  const [email, setEmail] = useState("");
  const [started, setStarted] = useState<Started | null>(null);
  const [problem, setProblem] = useState<BuyerMessage | null>(null);
  const [busy, setBusy] = useState(false);

  async function subscribe(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const response = await fetch("/api/subscriptions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sku, email }),
      });
      const body = (await response.json()) as Started | { error: BuyerMessage };
      if ("error" in body) setProblem(body.error);
      else setStarted(body);
    } catch {
      setProblem(messageFor("network"));
    } finally {
      setBusy(false);
    }
  }

  if (started) {
    const payment =
      started.client_secret === null
        ? null
        : invoicePayment(started, started.client_secret, amount, currency);
    return (
      <>
        <p role="status">
          Subscription <code>{started.subscription_id}</code> is{" "}
          <strong>{started.status}</strong>
          {payment
            ? "; pay its first invoice to start it."
            : "; nothing is due now."}
        </p>
        {payment ? (
          <PaymentForm
            payment={payment}
            publishableKey={publishableKey}
            stripeJsMockUrl={stripeJsMockUrl}
          />
        ) : null}
      </>
    );
  }
  return (
    <form onSubmit={subscribe} aria-label="Subscribe">
      <label>
        Email
        <input
          type="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Subscribe
      </button>
      {problem ? <p role="alert">{problem.message}</p> : null}
    </form>
  );
}

function invoicePayment(
  started: Started,
  clientSecret: string,
  amount: number,
  currency: string,
): PaymentToPay {
  // The invoice's client secret is its PaymentIntent's; the local card form
  // names the intent in its confirm call, and the server checks the pair.
  const intentId = clientSecret.split("_secret_")[0] ?? "";
  return {
    subscription_id: started.subscription_id,
    payment_intent_id: intentId,
    client_secret: clientSecret,
    amount,
    currency,
  };
}
