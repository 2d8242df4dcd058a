// The client's retries, idempotency keys, timeouts and errors against a local
// server that fails on purpose (scripts/fault-server.mjs). Waits go through an
// injected sleep, so every test asserts the computed delays without waiting them.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  StripeAPIError,
  StripeClient,
  StripeConnectionError,
  StripeError,
  StripeIdempotencyError,
  StripeInvalidArgumentError,
  StripeRateLimitError,
  StripeTimeoutError,
} from "stripe-edge";
import { freePort } from "../../scripts/service.mjs";
import { startFaultServer } from "../../scripts/fault-server.mjs";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const INTENT = { status: 200, json: { id: "pi_TEST09", object: "payment_intent" } };
const CONFLICT = {
  status: 409,
  json: { error: { type: "invalid_request_error", message: "conflict" } },
};

let server;
let waits;

before(async () => {
  server = await startFaultServer();
});

after(() => server.close());

beforeEach(() => {
  waits = [];
});

/** A client on the fault server whose sleeps are recorded, not waited. */
function client({ jitter = 0, ...options } = {}) {
  return new StripeClient({
    secretKey: "sk_test_123",
    apiBase: server.url,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => jitter,
    ...options,
  });
}

const keys = () => server.requests.map((request) => request.headers["idempotency-key"]);

test("C09: a caller's key is sent unchanged on the retry after a reset", async () => {
  server.reset([{ reset: true }, INTENT]);
  const intent = await client().paymentIntents.create(
    { amount: 1000, currency: "usd" },
    { idempotencyKey: "idem_TEST_001" },
  );
  assert.equal(intent.id, "pi_TEST09");
  assert.deepEqual(keys(), ["idem_TEST_001", "idem_TEST_001"]);
  assert.deepEqual(
    server.requests.map((request) => request.body),
    ["amount=1000&currency=usd", "amount=1000&currency=usd"],
  );
  assert.deepEqual(waits, [500]);
});

test("C09: a 500 without Stripe-Should-Retry is retried with the same key", async () => {
  server.reset([{ status: 500, json: { error: { type: "api_error" } } }, INTENT]);
  await client().paymentIntents.create(
    { amount: 1000, currency: "usd" },
    { idempotencyKey: "idem_TEST_001" },
  );
  assert.deepEqual(keys(), ["idem_TEST_001", "idem_TEST_001"]);
});

test("C09: a call without a key gets a fresh UUIDv4, the same on its own retries", async () => {
  const stripe = client();
  server.reset([CONFLICT, INTENT]);
  await stripe.paymentIntents.confirm("pi_TEST09");
  const [first, retry] = keys();
  assert.match(first, UUID_V4);
  assert.equal(retry, first);
  assert.notEqual(first, "idem_TEST_001");
  assert.equal(server.requests[0].url, "/v1/payment_intents/pi_TEST09/confirm");

  server.reset([INTENT, INTENT]);
  await stripe.paymentIntents.create({ amount: 1 }, { idempotencyKey: "idem_TEST_001" });
  await stripe.paymentIntents.confirm("pi_TEST09");
  const [given, next] = keys();
  assert.equal(given, "idem_TEST_001");
  assert.match(next, UUID_V4);
  assert.notEqual(next, first, "another call, another key");
});

test("C09: a reused key is a typed IdempotencyError and is not retried", async () => {
  server.reset([
    {
      status: 400,
      json: {
        error: {
          type: "idempotency_error",
          message: "fake: key reused with different parameters",
        },
      },
    },
  ]);
  await assert.rejects(
    client().paymentIntents.create(
      { amount: 2000, currency: "usd" },
      { idempotencyKey: "idem_TEST_001" },
    ),
    (error) => {
      assert.ok(error instanceof StripeIdempotencyError);
      assert.ok(error instanceof StripeError);
      assert.equal(error.statusCode, 400);
      assert.equal(error.rawType, "idempotency_error");
      assert.match(error.requestId, /^req_fault_/);
      return true;
    },
  );
  assert.equal(server.requests.length, 1);
});

test("C09: GET and DELETE get no generated key", async () => {
  server.reset([INTENT, { status: 200, json: { id: "cus_1", deleted: true } }]);
  await client().paymentIntents.retrieve("pi_TEST09");
  await client().customers.del("cus_1");
  assert.deepEqual(keys(), [undefined, undefined]);
  assert.deepEqual(
    server.requests.map((request) => request.method),
    ["GET", "DELETE"],
  );
});

test("C09: a key over 255 characters is refused before sending", async () => {
  server.reset([INTENT]);
  await assert.rejects(
    client().paymentIntents.create({ amount: 1 }, { idempotencyKey: "k".repeat(256) }),
    (error) =>
      error instanceof StripeInvalidArgumentError &&
      error.code === "idempotency_key_too_long",
  );
  assert.equal(server.requests.length, 0);
  await client().paymentIntents.create({ amount: 1 }, { idempotencyKey: "k".repeat(255) });
  assert.equal(keys()[0].length, 255);
});

test("a plain 429 is not retried; 429 with Stripe-Should-Retry: true is", async () => {
  const rateLimited = {
    status: 429,
    json: { error: { type: "invalid_request_error", code: "rate_limit" } },
  };
  server.reset([rateLimited]);
  await assert.rejects(client().customers.create({}), StripeRateLimitError);
  assert.equal(server.requests.length, 1);

  const lockTimeout = {
    status: 429,
    headers: { "stripe-should-retry": "true" },
    json: { error: { type: "invalid_request_error", code: "lock_timeout" } },
  };
  server.reset([lockTimeout, INTENT]);
  await client().customers.create({});
  assert.equal(server.requests.length, 2);
  assert.deepEqual(waits, [500]);
});

test("a 500 with Stripe-Should-Retry: false is not retried", async () => {
  server.reset([
    {
      status: 500,
      headers: { "stripe-should-retry": "false" },
      json: { error: { type: "api_error", message: "already processed" } },
    },
  ]);
  await assert.rejects(client().refunds.create({ payment_intent: "pi_1" }), (error) => {
    assert.ok(error instanceof StripeAPIError);
    assert.equal(error.statusCode, 500);
    assert.equal(error.shouldRetry, false);
    assert.equal(error.message, "already processed");
    return true;
  });
  assert.equal(server.requests.length, 1);
  assert.deepEqual(waits, []);
});

test("retries stop at maxNetworkRetries, waiting the backoff between", async () => {
  const unavailable = { status: 503, json: { error: { type: "api_error" } } };
  server.reset(() => unavailable);
  await assert.rejects(
    client({ maxNetworkRetries: 4, jitter: 1 }).customers.create({}),
    StripeAPIError,
  );
  assert.equal(server.requests.length, 5);
  // stripe-node's waits with the largest jitter: 0.5 s × 2^(n − 1), floored at 0.5 s.
  assert.deepEqual(waits, [500, 500, 1000, 2000]);
  assert.equal(new Set(keys()).size, 1);

  server.reset(() => unavailable);
  waits = [];
  await assert.rejects(
    client({ maxNetworkRetries: 4, jitter: 0 }).customers.create({}),
    StripeAPIError,
  );
  assert.deepEqual(waits, [500, 500, 500, 1000]);

  server.reset(() => unavailable);
  await assert.rejects(
    client({ maxNetworkRetries: 0 }).customers.create({}),
    StripeAPIError,
  );
  assert.equal(server.requests.length, 1);
});

test("per-call maxNetworkRetries wins over the client's", async () => {
  server.reset(() => CONFLICT);
  await assert.rejects(
    client({ maxNetworkRetries: 5 }).customers.create({}, { maxNetworkRetries: 1 }),
  );
  assert.equal(server.requests.length, 2);
});

test("a hung request ends at the total timeout, as a timeout error", async () => {
  server.reset([{ hang: true }, INTENT]);
  await assert.rejects(
    client({ timeoutMs: 300 }).paymentIntents.retrieve("pi_1"),
    (error) => {
      assert.ok(error instanceof StripeTimeoutError);
      assert.ok(error instanceof StripeConnectionError, "a timeout is a connection error");
      assert.match(error.message, /300 ms/);
      return true;
    },
  );
  assert.equal(server.requests.length, 1, "no time is left to retry");
});

test("a wait that would outlast the timeout ends the call with the last error", async () => {
  server.reset([{ status: 503, headers: { "retry-after": "30" }, json: {} }, INTENT]);
  await assert.rejects(
    client({ timeoutMs: 5_000 }).customers.create({}),
    (error) => error instanceof StripeAPIError && error.statusCode === 503,
  );
  assert.equal(server.requests.length, 1);
  assert.deepEqual(waits, []);
});

test("a refused connection is a connection error after the retries", async () => {
  const port = await freePort();
  const stripe = client({ apiBase: `http://127.0.0.1:${port}` });
  await assert.rejects(stripe.customers.list(), (error) => {
    assert.ok(error instanceof StripeConnectionError);
    assert.ok(!(error instanceof StripeTimeoutError));
    assert.match(error.message, /ECONNREFUSED/);
    return true;
  });
  assert.deepEqual(waits, [500, 500]);
});

test("the real sleep waits at least the computed delay", async () => {
  server.reset([CONFLICT, INTENT]);
  const stripe = new StripeClient({
    secretKey: "sk_test_123",
    apiBase: server.url,
    random: () => 0,
  });
  const started = performance.now();
  await stripe.customers.create({});
  assert.ok(performance.now() - started >= 499);
  assert.equal(server.requests.length, 2);
});

test("the secret key never appears in errors, the client or its requests' logs", async () => {
  const secretKey = `sk_test_${"a1B2c3D4".repeat(4)}`;
  server.reset([
    {
      status: 401,
      json: {
        error: {
          type: "invalid_request_error",
          message: `Invalid API Key provided: ${secretKey}`,
        },
      },
    },
  ]);
  const stripe = client({ secretKey });
  const error = await stripe.customers.list().then(
    () => assert.fail("expected a rejection"),
    (caught) => caught,
  );
  assert.equal(error.type, "StripeAuthenticationError");
  assert.equal(server.requests[0].headers.authorization, `Bearer ${secretKey}`);
  for (const shown of [
    error.message,
    String(error),
    inspect(error),
    JSON.stringify(error),
    inspect(stripe),
    JSON.stringify(stripe),
    String(stripe),
  ]) {
    assert.ok(!shown.includes(secretKey), shown);
  }
});

test("bad options and publishable keys are refused when the client is made", () => {
  for (const options of [
    {},
    { secretKey: "pk_test_123" },
    { secretKey: "sk_test_your_key_here" },
    { secretKey: "sk_test_123", maxNetworkRetries: -1 },
    { secretKey: "sk_test_123", timeoutMs: 1.5 },
  ]) {
    assert.throws(() => new StripeClient(options), StripeInvalidArgumentError);
  }
});

test("ids are one path segment, and a client secret is never one", async () => {
  server.reset(() => INTENT);
  await client().customers.retrieve("cus_1/../../v1/balance");
  assert.equal(server.requests[0].url, "/v1/customers/cus_1%2F..%2F..%2Fv1%2Fbalance");
  await assert.rejects(
    client().paymentIntents.retrieve("pi_TEST123_secret_FAKEabc"),
    (error) =>
      error instanceof StripeInvalidArgumentError &&
      error.code === "client_secret_as_id" &&
      !error.message.includes("FAKEabc"),
  );
  assert.equal(server.requests.length, 1);
});

test("for await walks every page by starting_after; await gives the first", async () => {
  const pages = [
    { object: "list", data: [{ id: "cus_1" }, { id: "cus_2" }], has_more: true },
    { object: "list", data: [{ id: "cus_3" }, { id: "cus_4" }], has_more: true },
    { object: "list", data: [{ id: "cus_5" }], has_more: false },
  ];
  server.reset((_request, index) => ({ status: 200, json: pages[index] }));
  const seen = [];
  for await (const customer of client().customers.list({ limit: 2, email: "a@b.c" })) {
    seen.push(customer.id);
  }
  assert.deepEqual(seen, ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
  assert.deepEqual(
    server.requests.map((request) => request.url),
    [
      "/v1/customers?limit=2&email=a%40b.c",
      "/v1/customers?limit=2&email=a%40b.c&starting_after=cus_2",
      "/v1/customers?limit=2&email=a%40b.c&starting_after=cus_4",
    ],
  );

  server.reset((_request, index) => ({ status: 200, json: pages[index] }));
  const first = await client().customers.list({ limit: 2 });
  assert.deepEqual(
    first.data.map((customer) => customer.id),
    ["cus_1", "cus_2"],
  );
  assert.equal(server.requests.length, 1);
});

test("search pages follow next_page", async () => {
  const pages = [
    { object: "search_result", data: [{ id: "pi_1" }], has_more: true, next_page: "pg_2" },
    { object: "search_result", data: [{ id: "pi_2" }], has_more: false, next_page: null },
  ];
  server.reset((_request, index) => ({ status: 200, json: pages[index] }));
  const seen = [];
  for await (const intent of client().paymentIntents.search({ query: "status:'succeeded'" })) {
    seen.push(intent.id);
  }
  assert.deepEqual(seen, ["pi_1", "pi_2"]);
  assert.equal(
    server.requests[1].url,
    "/v1/payment_intents/search?query=status%3A%27succeeded%27&page=pg_2",
  );
});

test("headers: bearer key, pinned version, account, user agent, form type", async () => {
  server.reset(() => INTENT);
  await client({ stripeAccount: "acct_1" }).paymentIntents.create(
    { amount: 1 },
    { stripeVersion: "2024-06-20" },
  );
  const { headers } = server.requests[0];
  assert.equal(headers.authorization, "Bearer sk_test_123");
  assert.equal(headers["stripe-version"], "2024-06-20");
  assert.equal(headers["stripe-account"], "acct_1");
  assert.match(headers["user-agent"], /^stripe-edge\//);
  assert.equal(headers["content-type"], "application/x-www-form-urlencoded");

  await client().customers.list();
  const { STRIPE_API_VERSION } = await import("stripe-edge");
  assert.equal(server.requests[1].headers["stripe-version"], STRIPE_API_VERSION);
  assert.equal(server.requests[1].headers["stripe-account"], undefined);
});
