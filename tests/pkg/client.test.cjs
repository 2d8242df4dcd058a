// The API client through require(): the CommonJS build makes the same request and
// throws the same typed errors, through an injected fetch.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { StripeClient, StripeCardError, StripeError } = require("stripe-edge");

function fakeFetch(sent, status, json) {
  return async (url, init) => {
    sent.push({ url, ...init });
    return new Response(JSON.stringify(json), { status, headers: { "request-id": "req_cjs" } });
  };
}

test("CommonJS: a create sends the form body, headers and a UUIDv4 key", async () => {
  const sent = [];
  const client = new StripeClient({
    secretKey: "sk_test_123",
    fetch: fakeFetch(sent, 200, { id: "cus_1", object: "customer" }),
  });
  const customer = await client.customers.create({ name: "Zoë", metadata: { a: "1" } });
  assert.equal(customer.id, "cus_1");
  assert.equal(customer.lastResponse.requestId, "req_cjs");
  assert.equal(sent.length, 1);
  assert.equal(sent[0].url, "https://api.stripe.com/v1/customers");
  assert.equal(sent[0].body, "name=Zo%C3%AB&metadata[a]=1");
  assert.equal(sent[0].headers.Authorization, "Bearer sk_test_123");
  assert.match(sent[0].headers["Idempotency-Key"], /^[0-9a-f-]{36}$/);
});

test("CommonJS: a decline is a StripeCardError to both builds' classes", async () => {
  const client = new StripeClient({
    secretKey: "sk_test_123",
    fetch: fakeFetch([], 402, {
      error: { type: "card_error", code: "card_declined", decline_code: "insufficient_funds" },
    }),
  });
  const esm = await import("stripe-edge");
  await assert.rejects(client.paymentIntents.confirm("pi_1"), (error) => {
    assert.ok(error instanceof StripeCardError);
    assert.ok(error instanceof esm.StripeCardError);
    assert.ok(error instanceof StripeError);
    assert.equal(error.decline_code, "insufficient_funds");
    assert.equal(error.requestId, "req_cjs");
    return true;
  });
});

test("CommonJS: an API base that would send the key unencrypted is refused at once", async () => {
  const { StripeInvalidArgumentError } = require("stripe-edge");
  const sent = [];
  for (const apiBase of ["http://api.example.com", "https://api.example.com/v1"]) {
    assert.throws(
      () => new StripeClient({ secretKey: "sk_test_123", apiBase, fetch: fakeFetch(sent, 200, {}) }),
      (error) => {
        assert.ok(error instanceof StripeInvalidArgumentError);
        assert.equal(error.code, "invalid_api_base");
        assert.ok(!error.message.includes("sk_test_123"));
        return true;
      },
    );
  }
  const local = new StripeClient({
    secretKey: "sk_test_123",
    apiBase: "http://127.0.0.1:12111",
    fetch: fakeFetch(sent, 200, { id: "cus_1", object: "customer" }),
  });
  await local.customers.retrieve("cus_1");
  assert.deepEqual(
    sent.map((request) => request.url),
    ["http://127.0.0.1:12111/v1/customers/cus_1"],
  );
});

test("CommonJS: a misspelt option is a TypeError and nothing is sent", () => {
  const sent = [];
  const client = new StripeClient({ secretKey: "sk_test_123", fetch: fakeFetch(sent, 200, {}) });
  assert.throws(
    () => client.paymentIntents.create({ amount: 1 }, { idempotency_key: "k1" }),
    (error) => error instanceof TypeError && /unknown option "idempotency_key"/.test(error.message),
  );
  assert.throws(() => new StripeClient({ secretKey: "sk_test_123", apibase: "x" }), TypeError);
  assert.equal(sent.length, 0);
});
