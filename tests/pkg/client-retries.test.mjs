// The client's retries, idempotency keys, timeouts and errors against a local
// server that fails on purpose (scripts/fault-server.mjs). Waits go through an
// injected sleep, so every test asserts the computed delays without waiting them.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inspect, promisify } from "node:util";
import {
  StripeAPIError,
  StripeCardError,
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

// A fetch that drops the AbortSignal, as some wrappers and polyfills do.
const signalIgnoringFetch = (url, init) =>
  fetch(url, { method: init.method, headers: init.headers, body: init.body });

for (const [label, fetchFn] of [
  ["the global fetch", undefined],
  ["a fetch that ignores the signal", signalIgnoringFetch],
]) {
  test(`${label}: a server that never answers ends at the timeout`, { timeout: 5_000 }, async () => {
    server.reset([{ hang: true }]);
    const started = performance.now();
    await assert.rejects(
      client({ timeoutMs: 300, fetch: fetchFn }).paymentIntents.retrieve("pi_1"),
      (error) => error instanceof StripeTimeoutError && /300 ms/.test(error.message),
    );
    const elapsedMs = performance.now() - started;
    assert.ok(elapsedMs >= 290 && elapsedMs < 1_500, `${elapsedMs} ms`);
    assert.equal(server.requests.length, 1);
  });

  test(`${label}: a body that stalls after its headers ends at the timeout`, { timeout: 5_000 }, async () => {
    server.reset([{ ...INTENT, stall: true }]);
    const started = performance.now();
    await assert.rejects(
      client({ timeoutMs: 300, fetch: fetchFn }).paymentIntents.retrieve("pi_1"),
      StripeTimeoutError,
    );
    const elapsedMs = performance.now() - started;
    assert.ok(elapsedMs >= 290 && elapsedMs < 1_500, `${elapsedMs} ms`);
  });
}

test("timeouts leave no timer running and no rejection unhandled", { timeout: 10_000 }, async () => {
  // Run apart, so that a leftover timer shows as a late exit and an unhandled
  // rejection as a failed one (--unhandled-rejections=strict).
  const script = `
    import { StripeClient, StripeTimeoutError } from "stripe-edge";
    const make = (timeoutMs, fetch) =>
      new StripeClient({ secretKey: "sk_test_123", maxNetworkRetries: 0, timeoutMs, fetch });
    const answer = () =>
      Promise.resolve(new Response('{"id":"cus_1","object":"customer"}'));
    const never = () => new Promise(() => {});
    const lateFailure = () =>
      new Promise((_, reject) => setTimeout(() => reject(new Error("late")), 400));
    const results = [(await make(60_000, answer).customers.retrieve("cus_1")).id];
    for (const fetch of [never, lateFailure]) {
      const started = Date.now();
      const error = await make(200, fetch).customers.retrieve("cus_1").catch((e) => e);
      results.push([error instanceof StripeTimeoutError, Date.now() - started < 350]);
    }
    console.log(JSON.stringify(results));
  `;
  const started = performance.now();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--unhandled-rejections=strict", "--input-type=module", "-e", script],
    { cwd: fileURLToPath(new URL(".", import.meta.url)), timeout: 8_000 },
  );
  assert.deepEqual(JSON.parse(stdout), ["cus_1", [true, true], [true, true]]);
  // The 60 s deadline of the first call was cleared when it was answered.
  assert.ok(performance.now() - started < 5_000);
});

test("misspelt option names are refused, naming the option and the valid ones", async () => {
  server.reset(() => INTENT);
  const stripe = client();
  const refused = (call, name, pattern) =>
    assert.throws(call, (error) => {
      assert.ok(error instanceof TypeError);
      assert.ok(error.message.includes(`unknown option "${name}"`), error.message);
      assert.match(error.message, pattern);
      return true;
    });
  const perCall = /idempotencyKey, stripeAccount, stripeVersion, maxNetworkRetries, timeoutMs/;
  refused(
    () => stripe.paymentIntents.create({ amount: 1 }, { idempotency_key: "k1" }),
    "idempotency_key",
    /^paymentIntents\.create: .*idempotencyKey/,
  );
  refused(() => stripe.customers.retrieve("cus_1", {}, { timeout: 5 }), "timeout", perCall);
  refused(() => stripe.customers.list({}, { stripe_account: "acct_1" }), "stripe_account", perCall);
  refused(() => stripe.checkout.sessions.create({}, { idempotencykey: "k1" }), "idempotencykey", /^checkout\.sessions\.create: /);
  refused(
    () => stripe.request("POST", "/v1/customers", [], {}, { idempotency_key: "k1" }),
    "idempotency_key",
    /^request: /,
  );
  assert.equal(server.requests.length, 0, "nothing was sent");

  const secretKey = `sk_test_${"a1B2c3D4".repeat(4)}`;
  for (const [name, value] of [
    ["apibase", server.url],
    ["timeoutMS", 5],
    ["maxRetries", 0],
    ["secret_key", secretKey],
  ]) {
    assert.throws(
      () => new StripeClient({ secretKey: "sk_test_123", [name]: value }),
      (error) => {
        assert.ok(error instanceof TypeError);
        assert.ok(error.message.startsWith(`StripeClient: unknown option "${name}"`));
        assert.match(error.message, /secretKey, apiBase, stripeVersion, .*fetch/);
        assert.ok(!error.message.includes(secretKey));
        return true;
      },
    );
  }

  // Every valid name is taken, and the caller's key is the one sent.
  await stripe.paymentIntents.create(
    { amount: 1 },
    {
      idempotencyKey: "k1",
      stripeAccount: "acct_1",
      stripeVersion: "2024-06-20",
      maxNetworkRetries: 0,
      timeoutMs: 5_000,
    },
  );
  await stripe.customers.list(undefined, null);
  assert.deepEqual(keys(), ["k1", undefined]);
});

test("an API key or webhook secret is never sent as an id", async () => {
  server.reset(() => INTENT);
  const secretKey = `sk_test_${"a1B2c3D4".repeat(4)}`;
  const others = ["sk_live_", "rk_test_", "rk_live_", "pk_test_", "pk_live_", "whsec_"].map(
    (prefix) => `${prefix}${"e5F6".repeat(6)}`,
  );
  for (const id of [secretKey, ...others]) {
    const check = (error) => {
      assert.ok(error instanceof StripeInvalidArgumentError);
      assert.equal(error.code, "key_as_id");
      for (const shown of [error.message, inspect(error), JSON.stringify(error)]) {
        assert.ok(!shown.includes(id.slice(-8)), shown);
      }
      return true;
    };
    await assert.rejects(client().paymentIntents.retrieve(id), check);
    await assert.rejects(client().request("GET", "/v1/customers/{}", [id]), check);
  }
  assert.equal(server.requests.length, 0);
});

test("a list result chains as a Promise and sends nothing until used", async () => {
  const page = { object: "list", data: [{ id: "cus_1" }], has_more: false };
  server.reset(() => ({ status: 200, json: page }));
  let settled = false;
  const ids = await client()
    .customers.list()
    .then((first) => first.data.map((customer) => customer.id))
    .catch(() => [])
    .finally(() => {
      settled = true;
    });
  assert.deepEqual(ids, ["cus_1"]);
  assert.ok(settled);

  const unused = client().customers.list();
  assert.equal(Object.prototype.toString.call(unused), "[object StripeListResult]");
  assert.equal(server.requests.length, 1, "an unused list sends nothing");
  assert.equal((await Promise.resolve(unused)).data[0].id, "cus_1");

  server.reset([{ status: 400, json: { error: { type: "invalid_request_error" } } }]);
  const caught = await client().customers.list().catch((error) => error);
  assert.equal(caught.type, "StripeInvalidRequestError");
});

test("a 2xx whose JSON is not an object is an API error, not the resource", async () => {
  for (const body of ["null", "[1,2]", '"pi_1"', "42", "true"]) {
    server.reset([{ status: 200, body }]);
    await assert.rejects(client().paymentIntents.retrieve("pi_1"), (error) => {
      assert.ok(error instanceof StripeAPIError, body);
      assert.equal(error.statusCode, 200);
      assert.equal(error.code, "unexpected_response");
      assert.match(error.message, /not a JSON object/);
      assert.match(error.requestId, /^req_fault_/);
      return true;
    });
    assert.equal(server.requests.length, 1, "a 2xx is never retried");
  }
});

test("a card error carries raw and the objects Stripe sent, redacted", async () => {
  const secretKey = `sk_test_${"a1B2c3D4".repeat(4)}`;
  const clientSecret = `pi_1_secret_${"g7H8".repeat(4)}`;
  server.reset([
    {
      status: 402,
      json: {
        error: {
          type: "card_error",
          code: "card_declined",
          decline_code: "insufficient_funds",
          message: `Your card has insufficient funds. (${secretKey})`,
          payment_intent: {
            id: "pi_1",
            object: "payment_intent",
            amount: 2000,
            client_secret: clientSecret,
            metadata: { pasted: secretKey },
            last_payment_error: { code: "card_declined" },
          },
          payment_method: { id: "pm_1", object: "payment_method", card: { last4: "0002" } },
          setup_intent: { id: "seti_1", object: "setup_intent" },
        },
      },
    },
  ]);
  const error = await client({ secretKey })
    .paymentIntents.confirm("pi_1")
    .then(() => assert.fail("expected a rejection"), (caught) => caught);
  assert.ok(error instanceof StripeCardError);
  assert.equal(error.decline_code, "insufficient_funds");
  assert.equal(error.payment_intent.id, "pi_1");
  assert.equal(error.payment_intent.amount, 2000);
  assert.equal(error.payment_intent.last_payment_error.code, "card_declined");
  assert.equal(error.payment_intent.client_secret, "pi_1_secret_…");
  assert.equal(error.payment_method.card.last4, "0002");
  assert.equal(error.setup_intent.id, "seti_1");
  assert.equal(error.raw.type, "card_error");
  assert.equal(error.raw.decline_code, "insufficient_funds");
  assert.equal(error.raw.payment_intent.id, "pi_1");
  for (const shown of [error.message, inspect(error, { depth: 10 }), JSON.stringify(error)]) {
    assert.ok(!shown.includes(secretKey), shown);
    assert.ok(!shown.includes(clientSecret), shown);
  }

  // The client's own errors have none of them.
  server.reset([{ status: 502, body: "<html>bad gateway</html>" }]);
  const own = await client({ maxNetworkRetries: 0 })
    .paymentIntents.retrieve("pi_1")
    .catch((caught) => caught);
  assert.ok(own instanceof StripeAPIError);
  assert.equal(own.raw, undefined);
  assert.equal(own.payment_intent, undefined);
});
