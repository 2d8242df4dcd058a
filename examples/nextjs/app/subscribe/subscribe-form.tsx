"use client";

import { useState, type FormEvent } from "react";

import { messageFor, type BuyerMessage } from "@/lib/buyer-messages";

interface Started {
  subscription_id: string;
  status: string;
  client_secret: string | null;
}

/**
 * Creates the subscription on the server and shows Stripe's status for it. A
 * `client_secret` means the first invoice still waits for a payment (see the
 * README's Limitations: this page does not collect it).
 */
export function SubscribeForm({ sku }: { sku: string }) {
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
    return (
      <p role="status">
        Subscription <code>{started.subscription_id}</code> is{" "}
        <strong>{started.status}</strong>
        {started.client_secret
          ? "; its first payment is waiting for your card."
          : "."}
      </p>
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
