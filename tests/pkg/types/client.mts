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
