import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { OrderStatus } from "@/components/order-status";
import type { OrderView } from "@/lib/return-state";

afterEach(cleanup);

const order = (status: string): OrderView => ({
  order_id: "ord_test1",
  status,
  amount: 1800,
  currency: "eur",
});

describe("the return page's order status", () => {
  it("shows loading while the order waits for the webhook", () => {
    const fetchOrder = vi.fn(() => new Promise<OrderView>(() => {}));
    const { container } = render(
      <OrderStatus
        initial={{ kind: "loading", orderId: "ord_test1" }}
        fetchOrder={fetchOrder}
      />,
    );
    expect(container.querySelector("section")?.dataset.state).toBe("loading");
    expect(screen.getByRole("heading").textContent).toBe(
      "Confirming your payment…",
    );
    expect(fetchOrder).toHaveBeenCalledWith("ord_test1");
  });

  it("turns to succeeded once the order is paid", async () => {
    const fetchOrder = vi
      .fn<(id: string) => Promise<OrderView>>()
      .mockResolvedValueOnce(order("pending"))
      .mockResolvedValueOnce(order("processing"))
      .mockResolvedValue(order("paid"));
    const { container } = render(
      <OrderStatus
        initial={{ kind: "loading", orderId: "ord_test1" }}
        fetchOrder={fetchOrder}
        pollMs={0}
      />,
    );

    expect(
      await screen.findByRole("heading", { name: "Thank you!" }),
    ).toBeTruthy();
    expect(container.querySelector("section")?.dataset.state).toBe("succeeded");
    expect(screen.getByRole("status").textContent).toBe(
      "Order ord_test1 is paid: €18.00.",
    );
    expect(fetchOrder).toHaveBeenCalledTimes(3);
  });

  it("shows declined when the payment failed", async () => {
    render(
      <OrderStatus
        initial={{ kind: "loading", orderId: "ord_test1" }}
        fetchOrder={async () => order("failed")}
      />,
    );

    await screen.findByRole("heading", { name: "Payment not completed" });
    expect(screen.getByRole("alert").textContent).toMatch(
      /^Your card was declined/,
    );
  });

  it("shows an error when the shop cannot be reached", async () => {
    const { container } = render(
      <OrderStatus
        initial={{ kind: "loading", orderId: "ord_test1" }}
        fetchOrder={async () => {
          throw new TypeError("Failed to fetch");
        }}
      />,
    );

    await screen.findByRole("alert");
    expect(container.querySelector("section")?.dataset.state).toBe("error");
    expect(screen.getByRole("alert").textContent).toMatch(
      /could not reach the payment service/,
    );
  });

  it("shows the server's refusal of a tampered link without asking again", () => {
    const fetchOrder = vi.fn();
    render(
      <OrderStatus
        initial={{ kind: "error", message: "This payment link is not valid." }}
        fetchOrder={fetchOrder}
      />,
    );
    expect(screen.getByRole("alert").textContent).toBe(
      "This payment link is not valid.",
    );
    expect(fetchOrder).not.toHaveBeenCalled();
  });
});
