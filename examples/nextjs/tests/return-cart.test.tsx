import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { noteCartOrder } from "@/components/cart";
import { OrderStatus } from "@/components/order-status";
import type { OrderView, ReturnState } from "@/lib/return-state";

const loading: ReturnState = { kind: "loading", orderId: "ord_test1" };

const order = (status: string): OrderView => ({
  order_id: "ord_test1",
  status,
  amount: 1200,
  currency: "eur",
});

/** The cart as checkout leaves it: a mug, and the order started to pay it. */
function cartPaidWith(orderId: string | null) {
  window.localStorage.setItem(
    "shop-cart",
    JSON.stringify([{ sku: "mug", quantity: 1 }]),
  );
  if (orderId !== null) noteCartOrder(orderId);
}

const cart = () => window.localStorage.getItem("shop-cart");

beforeEach(() => window.localStorage.clear());
afterEach(cleanup);

describe("the return page and the cart", () => {
  it("empties the cart once the order is paid", async () => {
    cartPaidWith("ord_test1");
    const fetchOrder = vi
      .fn<(id: string) => Promise<OrderView>>()
      .mockResolvedValueOnce(order("pending"))
      .mockResolvedValue(order("paid"));
    render(
      <OrderStatus initial={loading} fetchOrder={fetchOrder} pollMs={0} />,
    );

    // Still in the cart while the payment is unconfirmed.
    expect(cart()).not.toBeNull();
    await screen.findByRole("heading", { name: "Thank you!" });
    await waitFor(() => expect(cart()).toBeNull());
    expect(window.localStorage.getItem("shop-cart-orders")).toBeNull();
  });

  it("empties the cart when the payment is processing", async () => {
    cartPaidWith("ord_test1");
    render(
      <OrderStatus
        initial={loading}
        fetchOrder={async () => order("processing")}
        pollMs={10_000}
      />,
    );

    await screen.findByText(/Your payment is being processed/);
    await waitFor(() => expect(cart()).toBeNull());
    expect(screen.getByRole("heading").textContent).toBe(
      "Confirming your payment…",
    );
  });

  it("empties the cart when the server saw the payment accepted at Stripe", async () => {
    cartPaidWith("ord_test1");
    render(
      <OrderStatus
        initial={{ ...loading, processing: true }}
        fetchOrder={async () => order("pending")}
        pollMs={10_000}
      />,
    );

    await waitFor(() => expect(cart()).toBeNull());
    // The shop's order still pending does not take the state back.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByRole("status").textContent).toMatch(/being processed/);
  });

  for (const status of ["failed", "canceled"]) {
    it(`keeps the cart when the payment ${status}`, async () => {
      cartPaidWith("ord_test1");
      render(
        <OrderStatus
          initial={loading}
          fetchOrder={async () => order(status)}
        />,
      );

      await screen.findByRole("heading", { name: "Payment not completed" });
      expect(JSON.parse(cart() ?? "[]")).toEqual([{ sku: "mug", quantity: 1 }]);
    });
  }

  it("keeps the cart when the server shows the payment declined", () => {
    cartPaidWith("ord_test1");
    render(
      <OrderStatus
        initial={{ kind: "declined", orderId: "ord_test1", message: "No." }}
      />,
    );
    expect(cart()).not.toBeNull();
  });

  it("keeps the cart while the order waits for a payment", async () => {
    cartPaidWith("ord_test1");
    const fetchOrder = vi.fn(async () => order("pending"));
    render(
      <OrderStatus initial={loading} fetchOrder={fetchOrder} pollMs={0} />,
    );

    await waitFor(() =>
      expect(fetchOrder.mock.calls.length).toBeGreaterThanOrEqual(3),
    );
    expect(cart()).not.toBeNull();
  });

  it("keeps the cart when the shop cannot be reached", async () => {
    cartPaidWith("ord_test1");
    render(
      <OrderStatus
        initial={loading}
        fetchOrder={async () => {
          throw new TypeError("Failed to fetch");
        }}
      />,
    );

    await screen.findByRole("alert");
    expect(cart()).not.toBeNull();
  });

  it("leaves a cart that another order was started for", async () => {
    // A paid order's page opened again after the buyer filled a new cart, or
    // opened in a browser that did not start it.
    for (const other of [null, "ord_other"]) {
      window.localStorage.clear();
      cartPaidWith(other);
      render(
        <OrderStatus
          initial={{
            kind: "succeeded",
            orderId: "ord_test1",
            amount: 1200,
            currency: "eur",
          }}
        />,
      );
      await screen.findByRole("heading", { name: "Thank you!" });
      expect(cart()).not.toBeNull();
      cleanup();
    }
  });

  it("empties the cart for any of the orders started for it", async () => {
    // Two checkouts of one cart, say in two tabs; the first one is paid.
    cartPaidWith("ord_test1");
    noteCartOrder("ord_test2");
    render(
      <OrderStatus
        initial={{
          kind: "succeeded",
          orderId: "ord_test1",
          amount: 1200,
          currency: "eur",
        }}
      />,
    );
    await waitFor(() => expect(cart()).toBeNull());
  });
});
