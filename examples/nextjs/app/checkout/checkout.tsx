"use client";

import { useState, type FormEvent } from "react";

import { noteCartOrder, useCart } from "@/components/cart";
import { PaymentForm, type PaymentToPay } from "@/components/payment-form";
import { messageFor, type BuyerMessage } from "@/lib/buyer-messages";
import type { Product } from "@/lib/catalog";
import { formatAmount } from "@/lib/format";

export function Checkout({
  products,
  publishableKey,
  stripeJsMockUrl,
}: {
  products: Product[];
  publishableKey: string;
  stripeJsMockUrl: string | null;
}) {
  const cart = useCart();
  const [email, setEmail] = useState("");
  const [payment, setPayment] = useState<PaymentToPay | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<BuyerMessage | null>(null);

  const lines = cart.items.flatMap((item) => {
    const product = products.find((entry) => entry.sku === item.sku);
    return product ? [{ product, quantity: item.quantity }] : [];
  });
  // Shown for the buyer only; the server prices the cart itself.
  const total = lines.reduce(
    (sum, line) => sum + line.product.unit_amount * line.quantity,
    0,
  );
  const currency = lines[0]?.product.currency ?? "eur";

  async function post<T>(path: string, body: object): Promise<T | null> {
    setBusy(true);
    setProblem(null);
    try {
      const response = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as T | { error: BuyerMessage };
      if (typeof json === "object" && json !== null && "error" in json) {
        setProblem(json.error);
        return null;
      }
      return json as T;
    } catch {
      setProblem(messageFor("network"));
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function startPayment(event: FormEvent) {
    event.preventDefault();
    const started = await post<PaymentToPay & { order_id: string }>(
      "/api/payment-intents",
      {
        items: cart.items,
        email,
      },
    );
    if (started) {
      // The return page empties the cart once this order is paid.
      noteCartOrder(started.order_id);
      setPayment(started);
    }
  }

  async function hostedCheckout() {
    const session = await post<{ url: string }>("/api/checkout-sessions", {
      items: cart.items,
    });
    if (session) window.location.assign(session.url);
  }

  if (!cart.loaded) return <p role="status">Loading your cart…</p>;
  if (lines.length === 0) {
    return (
      <section>
        <h1>Checkout</h1>
        <p>
          Your cart is empty. <a href="/">Back to the shop</a>.
        </p>
      </section>
    );
  }

  return (
    <section>
      <h1>Checkout</h1>
      <table className="cart">
        <tbody>
          {lines.map(({ product, quantity }) => (
            <tr key={product.sku}>
              <td>{product.name}</td>
              <td>× {quantity}</td>
              <td>
                {formatAmount(product.unit_amount * quantity, product.currency)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={2}>Total</th>
            <th>{formatAmount(total, currency)}</th>
          </tr>
        </tfoot>
      </table>

      {payment ? (
        <PaymentForm
          payment={payment}
          publishableKey={publishableKey}
          stripeJsMockUrl={stripeJsMockUrl}
        />
      ) : (
        <>
          <form onSubmit={startPayment} aria-label="Contact">
            <label>
              Email for the receipt
              <input
                type="email"
                name="email"
                autoComplete="email"
                required
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
            </label>
            <button type="submit" disabled={busy}>
              Continue to payment
            </button>
          </form>
          <p>
            or{" "}
            <button type="button" onClick={hostedCheckout} disabled={busy}>
              Pay on a Stripe-hosted page
            </button>
          </p>
        </>
      )}
      {problem ? (
        <p role="alert" className="problem">
          {problem.message}
        </p>
      ) : null}
    </section>
  );
}
