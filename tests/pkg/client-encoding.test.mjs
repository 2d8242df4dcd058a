// The client's form bodies and query strings, byte for byte against stripe-node's
// for the same params: hand-picked cases, then many random ones. Both clients send
// through a fetch that records the request and answers with a fixed object.
import { test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { StripeClient, StripeInvalidArgumentError } from "stripe-edge";
import { seededRandom } from "../../scripts/seeded-random.mjs";

function recordingFetch(sent) {
  return async (url, init) => {
    sent.push({ url: String(url), method: init.method, body: init.body ?? "" });
    return new Response('{"id":"obj_1","object":"customer"}', {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
}

const ours = [];
const theirs = [];
const client = new StripeClient({
  secretKey: "sk_test_123",
  fetch: recordingFetch(ours),
  maxNetworkRetries: 0,
});
const stripeNode = new Stripe("sk_test_123", {
  httpClient: Stripe.createFetchHttpClient(recordingFetch(theirs)),
  maxNetworkRetries: 0,
});

/**
 * `params` with every `null` made `undefined`: the one place we differ from
 * stripe-node on purpose. It sends `null` as an empty value, which unsets the
 * field; we leave it out, as cases/C14 asks, and unset only with `""`.
 */
function nullsAsUndefined(value) {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(nullsAsUndefined);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, nullsAsUndefined(item)]),
    );
  }
  return value;
}

/** What each client sent for `params` to create and list customers. */
async function both(params) {
  ours.length = 0;
  theirs.length = 0;
  const reference = nullsAsUndefined(params);
  await client.customers.create(params);
  await stripeNode.customers.create(reference);
  await client.customers.list(params);
  await stripeNode.customers.list(reference);
  return { ours: [...ours], theirs: [...theirs] };
}

function assertSame(params, label) {
  return both(params).then(({ ours, theirs }) => {
    assert.equal(ours.length, 2, label);
    assert.equal(theirs.length, 2, label);
    assert.equal(ours[0].body, theirs[0].body, `POST body, ${label}`);
    const query = (url) => new URL(url).search;
    assert.equal(query(ours[1].url), query(theirs[1].url), `GET query, ${label}`);
  });
}

const CASES = {
  flat: { amount: 1000, currency: "usd", description: "Order #42" },
  nested: {
    payment_method_options: { card: { request_three_d_secure: "any" } },
    metadata: { order_id: "42", "key with spaces": "a&b=c" },
  },
  arrays: {
    expand: ["customer", "latest_charge"],
    line_items: [
      { price: "price_1", quantity: 2, adjustable_quantity: { enabled: true } },
      { price_data: { currency: "eur", unit_amount: 500, product_data: { name: "Zoë" } } },
    ],
  },
  "booleans and numbers": {
    capture: false,
    confirm: true,
    amount: 0,
    negative: -5,
    fraction: 12.5,
    tiny: 1e-7,
    large: 1e21,
    max_safe: Number.MAX_SAFE_INTEGER,
  },
  "unset with empty string, null sends nothing": {
    description: null,
    metadata: "",
    shipping: "",
  },
  "unset one metadata key": { metadata: { stale: "", also_stale: null, kept: "x" } },
  "undefined sends nothing": { description: undefined, metadata: { a: undefined, b: "1" } },
  "empty containers send nothing": { metadata: {}, expand: [], nested: { inner: {} } },
  dates: { created: new Date(1_700_000_000_123), range: { gte: new Date(0) } },
  "reserved and unicode characters": {
    "we!rd*key(s)'": "!*'()~-_. /?#[]@$&+,;=%",
    emoji: "🎉 naïve café — ñ",
    brackets: { "[inner]": "[value]" },
  },
  "nested arrays": { a: [[1, 2], [3]], b: [{ c: [{ d: "e" }] }] },
  "undefined array items keep the others' indices": { a: [undefined, 1, undefined, 2] },
  "bigint and odd objects": { big: 12345678901234567890n, map: new Map([["a", 1]]) },
  empty: {},
};

for (const [label, params] of Object.entries(CASES)) {
  test(`same encoding as stripe-node: ${label}`, () => assertSame(params, label));
}

const ALPHABET = ["a", "z", "0", "_", "-", ".", "~", " ", "&", "=", "+", "%", "[", "]", "é", "🎉", "'", "!", "*", "(", ")", "/", "?", "#"];

function randomParams(random) {
  const pick = (items) => items[Math.floor(random() * items.length)];
  const text = (max) =>
    Array.from({ length: Math.floor(random() * max) }, () => pick(ALPHABET)).join("");
  const key = () => `k${text(6)}`;
  const leaf = () =>
    pick([
      () => text(10),
      () => "",
      () => null,
      () => random() < 0.5,
      () => Math.floor(random() * 1e6) - 5e5,
      () => Math.round(random() * 1e4) / 100,
      () => new Date(Math.floor(random() * 2e12)),
      () => undefined,
    ])();
  const value = (depth) => {
    if (depth > 2 || random() < 0.5) return leaf();
    if (random() < 0.5) {
      return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    }
    return object(depth + 1);
  };
  const object = (depth) =>
    Object.fromEntries(
      Array.from({ length: Math.floor(random() * 5) }, () => [key(), value(depth)]),
    );
  return object(0);
}

test("same encoding as stripe-node: 400 random params", async () => {
  const random = seededRandom(20261203);
  for (let i = 0; i < 400; i += 1) {
    const params = randomParams(random);
    await assertSame(params, `random params #${i}: ${JSON.stringify(params)}`);
  }
});

test("null, undefined and a missing key send the same body (cases/C14)", async () => {
  const bodies = [];
  for (const params of [
    { amount: 1000, currency: "usd", customer: null },
    { amount: 1000, currency: "usd" },
    { amount: 1000, currency: "usd", customer: undefined },
  ]) {
    ours.length = 0;
    await client.paymentIntents.create(params);
    bodies.push(ours[0].body);
  }
  assert.deepEqual(bodies, Array(3).fill("amount=1000&currency=usd"));
});

test("cyclic, very deep and non-finite params are refused, naming the param", async () => {
  const cyclic = { metadata: { a: "1" } };
  cyclic.metadata.self = cyclic;
  const cyclicArray = { items: [] };
  cyclicArray.items.push({ again: cyclicArray.items });
  const deep = {};
  let level = deep;
  for (let i = 0; i < 20_000; i += 1) {
    level.a = {};
    level = level.a;
  }
  const cases = [
    [cyclic, "metadata[self]", /refers back to an object that contains it/],
    [cyclicArray, "items[0][again]", /refers back/],
    [{ nested: deep }, `nested${"[a]".repeat(19)}`, /nests deeper than 20 levels/],
    [{ amount: NaN, currency: "usd" }, "amount", /amount is NaN/],
    [{ amount: Infinity }, "amount", /Infinity/],
    [{ items: [{ quantity: -Infinity }] }, "items[0][quantity]", /-Infinity/],
    [{ created: new Date(NaN) }, "created", /invalid Date/],
    [{ created: { gte: new Date("not a date") } }, "created[gte]", /invalid Date/],
  ];
  for (const [params, param, message] of cases) {
    ours.length = 0;
    for (const call of [() => client.customers.create(params), () => client.customers.list(params)]) {
      await assert.rejects(call(), (error) => {
        assert.ok(error instanceof StripeInvalidArgumentError, `${param}: ${error}`);
        assert.equal(error.code, "invalid_params");
        assert.equal(error.param, param);
        assert.match(error.message, message);
        return true;
      });
    }
    assert.equal(ours.length, 0, `${param}: nothing was sent`);
  }

  // One object used twice is no cycle, and 20 levels are allowed.
  ours.length = 0;
  const shared = { a: "1" };
  const twenty = {};
  level = twenty;
  for (let i = 0; i < 18; i += 1) {
    level.a = {};
    level = level.a;
  }
  level.a = "x";
  await client.customers.create({ x: shared, y: [shared], z: twenty });
  assert.equal(
    ours[0].body,
    `x[a]=1&y[0][a]=1&z${"[a]".repeat(19)}=x`,
  );
});
