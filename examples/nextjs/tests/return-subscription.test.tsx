import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { PaymentState } from "@/lib/payments";

vi.mock("server-only", () => ({}));

// A backend as the return page sees it: one PaymentIntent, the first
// invoice's, with its real client secret and the status under test. Like the
// real ones, it answers only for the whole secret (the Worker does so with
// 404, which its backend turns into null).
const intent: PaymentState = {
  id: "pi_test1",
  status: "succeeded",
  client_secret: "pi_test1_secret_abc",
  requires_action: false,
};
const checkedPayment = vi.fn(
  async (id: string, secret: string, subscriptionId?: string) =>
    id === intent.id &&
    secret === intent.client_secret &&
    subscriptionId === "sub_test1"
      ? intent
      : null,
);
const order = vi.fn(async () => undefined);
vi.mock("@/lib/payments", () => ({
  paymentsBackend: () => ({
    ok: true,
    backend: { kind: "worker", checkedPayment, order },
    config: {},
  }),
}));

const { default: ReturnPage } = await import("@/app/return/page");

async function returnWith(params: Record<string, string>) {
  render(await ReturnPage({ searchParams: Promise.resolve(params) }));
}

const fromStripe = (secret: string, intentId = "pi_test1") => ({
  subscription: "sub_test1",
  payment_intent: intentId,
  payment_intent_client_secret: secret,
  redirect_status: "succeeded",
});

let log: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  checkedPayment.mockClear();
  order.mockClear();
  log = vi.spyOn(console, "log").mockImplementation(() => {});
  window.localStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  intent.status = "succeeded";
});

describe("the return page for a subscription's first payment", () => {
  it("shows the subscription active once Stripe has the payment", async () => {
    window.localStorage.setItem(
      "shop-cart",
      JSON.stringify([{ sku: "mug", quantity: 1 }]),
    );
    await returnWith(fromStripe("pi_test1_secret_abc"));

    expect(screen.getByRole("heading").textContent).toBe("Thank you!");
    expect(screen.getByRole("status").textContent).toMatch(
      /subscription is active/,
    );
    expect(checkedPayment).toHaveBeenCalledWith(
      "pi_test1",
      "pi_test1_secret_abc",
      "sub_test1",
    );
    expect(order).not.toHaveBeenCalled();
    // A subscription is not bought from the cart.
    expect(window.localStorage.getItem("shop-cart")).not.toBeNull();
  });

  it("shows the status Stripe reports, not redirect_status", async () => {
    intent.status = "requires_payment_method";
    await returnWith(fromStripe("pi_test1_secret_abc"));

    expect(screen.getByRole("heading").textContent).toBe(
      "Payment not completed",
    );
    expect(screen.getByText(/subscription is not active/)).toBeTruthy();
  });

  it("refuses a client secret that is not the intent's own", async () => {
    await returnWith(fromStripe("pi_test1_secret_tampered"));

    expect(screen.getByRole("heading").textContent).toBe(
      "We could not show this payment",
    );
    expect(screen.getByRole("alert").textContent).toMatch(/not valid/);
    // Refused for the secret, after the backend compared it with the intent's own.
    expect(log).toHaveBeenCalledWith(
      "shop return refused reason=secret_mismatch",
    );
  });

  it("passes the subscription to the backend's check and refuses when it fails", async () => {
    await returnWith({
      ...fromStripe("pi_test1_secret_abc"),
      subscription: "sub_other",
    });

    expect(checkedPayment).toHaveBeenCalledWith(
      "pi_test1",
      "pi_test1_secret_abc",
      "sub_other",
    );
    expect(screen.getByRole("alert").textContent).toMatch(/not valid/);
    expect(screen.queryByText(/subscription is active/)).toBeNull();
    expect(log).toHaveBeenCalledWith(
      "shop return refused reason=secret_mismatch",
    );
  });

  it("refuses a client secret of another PaymentIntent", async () => {
    await returnWith(fromStripe("pi_other_secret_abc"));

    expect(screen.getByRole("alert").textContent).toMatch(/not valid/);
    // The package refuses it before Stripe is asked.
    expect(log).toHaveBeenCalledWith("shop return refused reason=id_mismatch");
    expect(checkedPayment).not.toHaveBeenCalled();
  });
});
