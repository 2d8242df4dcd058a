// Compiled, never run: the API client's declarations as an ESM TypeScript user
// sees them. A line marked @ts-expect-error must fail to compile.
import {
  StripeCardError,
  StripeClient,
  type Customer,
  type PaymentIntent,
  type PaymentMethod,
  type SetupIntent,
  type StripeList,
  type StripeListResult,
  type StripeResponse,
} from "stripe-edge";

const client = new StripeClient({ secretKey: "sk_test_123", timeoutMs: 5_000 });

// A list result chains as a Promise does, and is one.
export const ids: Promise<Array<string>> = client.customers
  .list({ limit: 3 })
  .then((page) => page.data.map((customer) => customer.id))
  .catch(() => [])
  .finally(() => undefined);
export const page: Promise<StripeResponse<StripeList<Customer>>> =
  client.customers.list();
export const search: Promise<unknown> = client.paymentIntents.search({
  query: "status:'succeeded'",
});

export async function firstAndAll(list: StripeListResult<Customer>) {
  const first = await list;
  const hasMore: boolean = first.has_more;
  const all: Array<string> = [];
  for await (const customer of list) all.push(customer.id);
  return { hasMore, all };
}

// Card errors carry the objects Stripe sent.
export async function declined(id: string): Promise<string | undefined> {
  try {
    await client.paymentIntents.confirm(id);
    return undefined;
  } catch (error) {
    if (!(error instanceof StripeCardError)) throw error;
    const intent: PaymentIntent | undefined = error.payment_intent;
    const method: PaymentMethod | undefined = error.payment_method;
    const setup: SetupIntent | undefined = error.setup_intent;
    const raw: Record<string, unknown> | undefined = error.raw;
    return intent?.id ?? method?.id ?? setup?.id ?? String(raw?.code);
  }
}

// Misspelt option names do not compile (and are refused at run time).
export function misspelt() {
  client.paymentIntents.create(
    { amount: 1000, currency: "usd" },
    // @ts-expect-error idempotencyKey, not idempotency_key
    { idempotency_key: "k1" },
  );
  // @ts-expect-error apiBase, not apibase
  return new StripeClient({ secretKey: "sk_test_123", apibase: "http://localhost" });
}

// Params are the spec's, as stripe-node types them.
export async function typedParams(customer: string) {
  const intent = await client.paymentIntents.create({
    amount: 1000,
    currency: "usd",
    customer,
    capture_method: "manual",
    metadata: { order_id: "ord_1", attempt: 2 },
    automatic_payment_methods: { enabled: true },
    expand: ["latest_charge"],
  });
  // "" unsets a field where Stripe allows it.
  await client.paymentIntents.update(intent.id, { description: "", metadata: "" });
  // A timestamp may be a Date; list filters take a range.
  await client.subscriptions.create({
    customer,
    items: [{ price: "price_123" }],
    trial_end: new Date(2030, 0, 1),
  });
  await client.paymentIntents.list({ created: { gte: 1_700_000_000 }, limit: 10 });
  // Params typed as stripe-node names them.
  const params: import("stripe-edge").CheckoutSessionCreateParams = {
    mode: "payment",
    line_items: [{ price: "price_123", quantity: 1 }],
  };
  await client.checkout.sessions.create(params);
}

export function wrongParams() {
  // @ts-expect-error amount is a number of the smallest unit, not text
  client.paymentIntents.create({ amount: "10.00", currency: "usd" });
  // @ts-expect-error currency is required
  client.paymentIntents.create({ amount: 1000 });
  // @ts-expect-error a create with required fields needs its params
  client.paymentIntents.create();
  // @ts-expect-error capture_method is one of Stripe's values
  client.paymentIntents.create({ amount: 1000, currency: "usd", capture_method: "manul" });
  // @ts-expect-error a misspelt param is not sent silently
  client.customers.create({ emial: "a@b.example" });
  // @ts-expect-error metadata is a flat map of text
  client.customers.update("cus_1", { metadata: { nested: { a: 1 } } });
}
