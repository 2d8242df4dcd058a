// The events the benchmarks verify: shaped like a real delivery (an `invoice.paid`
// event, pretty-printed with two-space indents as Stripe sends it), grown to the
// wanted size with invoice lines. Mostly ASCII, with one customer name that is not,
// which makes the JavaScript string two-byte as many real bodies are.

/** A body of about `bytes` UTF-8 bytes (never less). */
export function benchEvent(bytes, { created = 1700000000 } = {}) {
  const lines = [];
  const event = {
    id: "evt_1BenchmarkEventId00000",
    object: "event",
    api_version: "2026-11-18",
    created,
    data: {
      object: {
        id: "in_1BenchmarkInvoiceId0000",
        object: "invoice",
        amount_due: 0,
        amount_paid: 0,
        currency: "eur",
        customer: "cus_BenchmarkCustomer",
        customer_email: "zoe@example.com",
        customer_name: "Zoë Müller",
        lines: { object: "list", data: lines, has_more: false },
        metadata: { order_id: "ord_12345" },
        status: "paid",
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: "req_BenchmarkRequest0", idempotency_key: null },
    type: "invoice.paid",
  };
  let body = JSON.stringify(event, null, 2);
  while (Buffer.byteLength(body) < bytes) {
    const n = lines.length;
    lines.push({
      id: `il_1BenchmarkLine${String(n).padStart(8, "0")}`,
      object: "line_item",
      amount: 1500 + n,
      currency: "eur",
      description: `1 × Widget, size ${n % 5} (at €15.00 / month)`,
      period: { end: 1702592000, start: 1700000000 },
      quantity: 1,
    });
    event.data.object.amount_due += 1500 + n;
    event.data.object.amount_paid += 1500 + n;
    body = JSON.stringify(event, null, 2);
  }
  return body;
}
