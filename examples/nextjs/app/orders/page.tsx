import type { Metadata } from "next";

import { Unavailable } from "@/components/unavailable";
import { formatAmount } from "@/lib/format";
import { customerFromCookie } from "@/lib/http";
import type { Order } from "@/lib/orders";
import { paymentsBackend } from "@/lib/payments";

export const metadata: Metadata = { title: "Your orders" };
export const dynamic = "force-dynamic";

/** This browser's orders, as the backend (the Worker's D1, or memory) has them. */
export default async function OrdersPage() {
  const chosen = paymentsBackend();
  if (!chosen.ok) return <Unavailable />;
  const customerId = await customerFromCookie();
  let orders: Order[] = [];
  let failed = false;
  if (customerId !== null) {
    try {
      orders = await chosen.backend.orders(customerId);
    } catch {
      failed = true;
    }
  }
  return (
    <section>
      <h1>Your orders</h1>
      {failed ? (
        <p role="alert">Your orders cannot be shown right now.</p>
      ) : orders.length === 0 ? (
        <p>No orders yet.</p>
      ) : (
        <table className="orders">
          <thead>
            <tr>
              <th>Order</th>
              <th>Placed</th>
              <th>Amount</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order.order_id} data-order={order.order_id}>
                <td>
                  <code>{order.order_id}</code>
                </td>
                <td>
                  {new Date(order.created * 1000).toISOString().slice(0, 16)}
                </td>
                <td>{formatAmount(order.amount, order.currency)}</td>
                <td data-status={order.status}>{order.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
