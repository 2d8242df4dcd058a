// The payment server end to end: the Worker under `wrangler dev` with a local
// D1, calling localstripe (port 8422) as its Stripe API. Shop routes with their
// bad inputs, CORS, admin routes, webhook processing (exactly once, order-proof,
// reviews), refunds, and recovery of events that were never delivered. Events
// the test makes up are signed by stripe-node.
//
//   node scripts/worker.mjs build && node --test tests/worker-api.test.mjs

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import Stripe from "stripe";

import { LOCALSTRIPE_KEY, startLocalstripe } from "../scripts/localstripe.mjs";
import { freePort } from "../scripts/service.mjs";
import { startWorker } from "../scripts/worker.mjs";

const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64url")}`;
const ADMIN_TOKEN = `admin-${randomBytes(24).toString("hex")}`;
const SHOP_ORIGIN = "http://shop.example";

describe("payment server on localstripe", () => {
  let localstripe;
  let worker;
  let scratch;
  let logFile;
  const clientSecrets = [];

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), "stripe-edge-worker-api-"));
    logFile = join(scratch, "wrangler.log");
    localstripe = await startLocalstripe({
      port: 8422,
      logFile: join(scratch, "localstripe.log"),
    });
    worker = await startWorker({
      port: await freePort(),
      webhookSecret: WEBHOOK_SECRET,
      stripeSecretKey: LOCALSTRIPE_KEY,
      adminToken: ADMIN_TOKEN,
      stripeApiBase: localstripe.url,
      frontendOrigins: `${SHOP_ORIGIN},http://other.example`,
      persistDir: join(scratch, "state"),
      logFile,
    });
  });

  after(async () => {
    await worker?.stop();
    await localstripe?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  const call = (method, path, body, headers = {}) =>
    fetch(`${worker.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function createOrder(items = [{ sku: "tshirt", quantity: 1 }], extra) {
    const response = await call("POST", "/payment-intents", {
      items,
      ...extra,
    });
    assert.equal(response.status, 201);
    const body = await response.json();
    clientSecrets.push(body.client_secret);
    return body;
  }

  const getOrder = async (id) =>
    (await fetch(`${worker.url}/orders/${id}`)).json();

  const deliver = (event, payload = JSON.stringify(event)) => {
    const header = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: WEBHOOK_SECRET,
    });
    return fetch(`${worker.url}/webhooks/stripe`, {
      method: "POST",
      headers: {
        "stripe-signature": header,
        "content-type": "application/json",
      },
      body: payload,
    });
  };

  test("GET /catalog lists the seeded products without Stripe ids", async () => {
    const response = await fetch(`${worker.url}/catalog`);
    assert.equal(response.status, 200);
    const { products } = await response.json();
    const tshirt = products.find((p) => p.sku === "tshirt");
    assert.deepEqual(tshirt, {
      sku: "tshirt",
      name: "Edge T-shirt",
      description: "Organic cotton, printed at the edge",
      unit_amount: 2500,
      currency: "usd",
      kind: "one_time",
    });
    const membership = products.find((p) => p.sku === "membership");
    assert.equal(membership.kind, "recurring");
    assert.equal(membership.interval, "month");
    assert.ok(products.every((p) => !("stripe_price" in p)));
  });

  test("POST /customers creates the customer at Stripe and in D1", async () => {
    const response = await call("POST", "/customers", {
      email: "buyer@example.com",
      name: "Buyer",
    });
    assert.equal(response.status, 201);
    const { customer_id } = await response.json();
    assert.match(customer_id, /^cus_\w+$/);
    const atStripe = await localstripe.api(
      "GET",
      `/v1/customers/${customer_id}`,
    );
    assert.equal(atStripe.email, "buyer@example.com");
    const rows = await worker.queryD1(
      `SELECT email FROM customers WHERE id = '${customer_id}'`,
    );
    assert.deepEqual(rows, [{ email: "buyer@example.com" }]);
  });

  test("POST /customers refuses bad input", async () => {
    for (const [body, code] of [
      [{ email: "not-an-email" }, "invalid_request"],
      [{ email: 5 }, "invalid_request"],
      [{ name: "no email" }, "invalid_request"],
      [{ email: "a@example.com", admin: true }, "invalid_request"],
      [["a@example.com"], "invalid_request"],
    ]) {
      await assertError(await call("POST", "/customers", body), 400, code);
    }
    const malformed = await fetch(`${worker.url}/customers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"email": "a@example.com"',
    });
    await assertError(malformed, 400, "invalid_json");
  });

  test("POST /payment-intents prices the cart from the catalog", async () => {
    const body = await createOrder([
      { sku: "tshirt", quantity: 2 },
      { sku: "mug", quantity: 1 },
    ]);

    assert.deepEqual(Object.keys(body), [
      "order_id",
      "payment_intent_id",
      "client_secret",
      "amount",
      "currency",
      "status",
    ]);
    assert.equal(body.amount, 2 * 2500 + 1200);
    assert.equal(body.currency, "usd");
    assert.equal(body.status, "pending");
    assert.ok(
      body.client_secret.startsWith(`${body.payment_intent_id}_secret_`),
    );
    const intent = await localstripe.api(
      "GET",
      `/v1/payment_intents/${body.payment_intent_id}`,
    );
    assert.equal(intent.amount, 6200);
    assert.equal(intent.metadata.order_id, body.order_id);

    const order = await getOrder(body.order_id);
    assert.equal(order.status, "pending");
    assert.equal(order.amount, 6200);
    assert.deepEqual(
      order.items.map(({ sku, quantity, unit_amount }) => [
        sku,
        quantity,
        unit_amount,
      ]),
      [
        ["tshirt", 2, 2500],
        ["mug", 1, 1200],
      ],
    );
  });

  test("POST /payment-intents refuses bad carts and never takes an amount", async () => {
    for (const [body, code] of [
      [
        { items: [{ sku: "tshirt", quantity: 1 }], amount: 1 },
        "invalid_request",
      ],
      [
        { items: [{ sku: "tshirt", quantity: 1, unit_amount: 1 }] },
        "invalid_request",
      ],
      [{ items: [{ sku: "no-such-thing", quantity: 1 }] }, "unknown_sku"],
      [{ items: [{ sku: "membership", quantity: 1 }] }, "not_one_time"],
      [{ items: [{ sku: "tshirt", quantity: "2" }] }, "invalid_request"],
      [{ items: [{ sku: "tshirt", quantity: 0 }] }, "invalid_request"],
      [{ items: [{ sku: "tshirt", quantity: 1.5 }] }, "invalid_request"],
      [{ items: [] }, "invalid_request"],
      [{ items: "tshirt" }, "invalid_request"],
      [
        { items: [{ sku: "tshirt", quantity: 1 }], customer_id: "x" },
        "invalid_request",
      ],
      [
        { items: [{ sku: "tshirt", quantity: 1 }], order_ref: "a b" },
        "invalid_request",
      ],
    ]) {
      const response = await call("POST", "/payment-intents", body);
      await assertError(response, 400, code);
    }
  });

  test("a 400 names the field but never echoes the value, nor logs it", async () => {
    const card = "4242424242424242 exp 12/30 cvc 123";
    for (const [body, message] of [
      [
        { items: [{ sku: "mug", quantity: card }] },
        "items[0].quantity: expected a whole number",
      ],
      [{ items: [{ sku: 4242424242424242, quantity: 1 }] }, "items[0].sku"],
      [{ items: card }, "items: expected a list"],
      [{ items: [{ sku: "mug", quantity: 1 }], [card]: 1 }, "unknown field"],
      [{ email: ["4242424242424242"] }, "email"],
    ]) {
      const path = "items" in body ? "/payment-intents" : "/customers";
      const response = await call("POST", path, body);
      assert.equal(response.status, 400);
      const text = await response.text();
      assert.ok(!text.includes("4242424242424242"), text);
      const { error } = JSON.parse(text);
      assert.equal(error.code, "invalid_request");
      assert.ok(error.message.includes(message), error.message);
    }
    await waitForLog(logFile, '"code":"invalid_request"');
    const log = await readFile(logFile, "utf8");
    assert.ok(!log.includes("4242424242424242"), "the log holds the value");
  });

  test("range errors name the field's path as type errors do", async () => {
    const mug = { sku: "mug", quantity: 1 };
    for (const [path, body, message] of [
      [
        "/payment-intents",
        { items: [{ sku: "mug", quantity: 0 }] },
        "items[0].quantity: must be from 1 to 100",
      ],
      [
        "/payment-intents",
        { items: [mug, { sku: "tshirt", quantity: 101 }] },
        "items[1].quantity: must be from 1 to 100",
      ],
      ["/payment-intents", { items: [] }, "items: must hold 1 to 50 lines"],
      [
        "/payment-intents",
        { items: [mug], order_ref: "a b" },
        "order_ref: must be",
      ],
      ["/customers", { email: "not-an-email" }, "email: not an email address"],
      ["/refunds", { payment_intent_id: "pi_123", amount: -5 }, "amount: must"],
      ["/refunds", { payment_intent_id: "ch_123" }, "payment_intent_id: must"],
    ]) {
      const response = await call("POST", path, body, {
        authorization: `Bearer ${ADMIN_TOKEN}`,
      });
      assert.equal(response.status, 400, path);
      const { error } = await response.json();
      assert.equal(error.code, "invalid_request");
      assert.ok(error.message.startsWith(message), error.message);
    }
    const unknown = await call("POST", "/payment-intents", {
      items: [{ sku: "no-such-thing", quantity: 1 }],
    });
    assert.match((await unknown.json()).error.message, /^items\[0\]\.sku: /);
  });

  test("a SKU on two lines is refused, so the quantity limit holds", async () => {
    const before = await worker.queryD1("SELECT COUNT(*) AS n FROM orders");
    for (const [items, message] of [
      [
        [
          { sku: "mug", quantity: 100 },
          { sku: "mug", quantity: 100 },
        ],
        "items[1].sku: repeats items[0].sku",
      ],
      [
        [
          { sku: "mug", quantity: 1 },
          { sku: "tshirt", quantity: 1 },
          { sku: "mug", quantity: 1 },
        ],
        "items[2].sku: repeats items[0].sku",
      ],
    ]) {
      const response = await call("POST", "/payment-intents", { items });
      assert.equal(response.status, 400);
      const { error } = await response.json();
      assert.equal(error.code, "invalid_request");
      assert.ok(error.message.startsWith(message), error.message);
    }
    assert.deepEqual(
      await worker.queryD1("SELECT COUNT(*) AS n FROM orders"),
      before,
    );
  });

  test("a body with a key twice is refused, not read as its last value", async () => {
    const send = (body) =>
      fetch(`${worker.url}/payment-intents`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    for (const [body, message] of [
      [
        '{"items":[{"sku":"mug","quantity":1}],' +
          '"items":[{"sku":"mug","quantity":100}]}',
        "the body: duplicate field `items`",
      ],
      [
        '{"items":[{"sku":"mug","quantity":1,"quantity":100}]}',
        "items[0]: duplicate field `quantity`",
      ],
    ]) {
      const response = await send(body);
      assert.equal(response.status, 400);
      const { error } = await response.json();
      assert.equal(error.code, "invalid_request");
      assert.equal(error.message, message);
    }
    // Syntax is checked before any field, whichever comes first.
    await assertError(
      await send('{"items": 5, "order_ref": '),
      400,
      "invalid_json",
    );
    await assertError(
      await send('[{"sku":"mug","quantity":1}]'),
      400,
      "invalid_request",
    );
  });

  test("a body over 1 MiB is refused with 413", async () => {
    const response = await fetch(`${worker.url}/payment-intents`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.alloc(1024 * 1024 + 1, "a"),
    });
    await assertError(response, 413, "payload_too_large");
  });

  test("a retried request with the same order_ref creates nothing twice", async () => {
    const orderRef = `cart-${randomBytes(6).toString("hex")}`;
    const items = [{ sku: "stickers", quantity: 3 }];

    const first = await createOrder(items, { order_ref: orderRef });
    const retry = await call("POST", "/payment-intents", {
      items,
      order_ref: orderRef,
    });

    assert.equal(retry.status, 200);
    const again = await retry.json();
    assert.equal(again.order_id, first.order_id);
    assert.equal(again.payment_intent_id, first.payment_intent_id);
    assert.equal(again.client_secret, first.client_secret);
    const rows = await worker.queryD1(
      `SELECT id FROM orders WHERE order_ref = '${orderRef}'`,
    );
    assert.equal(rows.length, 1);

    const changed = await call("POST", "/payment-intents", {
      items: [{ sku: "stickers", quantity: 4 }],
      order_ref: orderRef,
    });
    await assertError(changed, 409, "order_ref_conflict");
  });

  test("a retry listing the same cart in another order is the same order", async () => {
    const orderRef = `reorder-${randomBytes(6).toString("hex")}`;
    const first = await createOrder(
      [
        { sku: "tshirt", quantity: 2 },
        { sku: "mug", quantity: 1 },
        { sku: "stickers", quantity: 5 },
      ],
      { order_ref: orderRef },
    );

    const retry = await call("POST", "/payment-intents", {
      items: [
        { sku: "stickers", quantity: 5 },
        { sku: "tshirt", quantity: 2 },
        { sku: "mug", quantity: 1 },
      ],
      order_ref: orderRef,
    });

    assert.equal(retry.status, 200);
    const again = await retry.json();
    assert.equal(again.order_id, first.order_id);
    assert.equal(again.payment_intent_id, first.payment_intent_id);
    // Still a conflict when a quantity moves from one line to another.
    const moved = await call("POST", "/payment-intents", {
      items: [
        { sku: "stickers", quantity: 2 },
        { sku: "tshirt", quantity: 5 },
        { sku: "mug", quantity: 1 },
      ],
      order_ref: orderRef,
    });
    await assertError(moved, 409, "order_ref_conflict");
  });

  test("concurrent first requests with one order_ref and different carts: one order, the rest 409", async () => {
    const orderRef = `race-${randomBytes(6).toString("hex")}`;

    const responses = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((quantity) =>
        call("POST", "/payment-intents", {
          items: [{ sku: "stickers", quantity }],
          order_ref: orderRef,
        }),
      ),
    );

    const bodies = await Promise.all(responses.map((r) => r.json()));
    const statuses = responses.map((r) => r.status);
    assert.equal(
      statuses.filter((s) => s === 201).length,
      1,
      JSON.stringify(statuses),
    );
    assert.equal(
      statuses.filter((s) => s === 409).length,
      5,
      JSON.stringify(statuses),
    );
    for (const body of bodies.filter((b) => b.error)) {
      assert.equal(body.error.code, "order_ref_conflict");
    }
    const created = bodies.find((b) => b.client_secret);
    clientSecrets.push(created.client_secret);
    const [order] = await worker.queryD1(
      `SELECT amount, payment_intent_id FROM orders WHERE order_ref = '${orderRef}'`,
    );
    assert.equal(order.amount, created.amount);
    assert.equal(order.payment_intent_id, created.payment_intent_id);
  });

  test("order history and payments refuse bad queries", async () => {
    for (const query of [
      "",
      "?limit=5",
      "?customer_id=nope",
      "?customer_id=cus_abc&limit=0",
      "?customer_id=cus_abc&limit=101",
      "?customer_id=cus_abc&limit=ten",
      "?customer_id=cus_abc&limit=5&limit=6",
      "?customer_id=cus_abc&customer_id=cus_other",
    ]) {
      const response = await fetch(`${worker.url}/orders${query}`);
      await assertError(response, 400, "invalid_request");
    }
    const none = await fetch(`${worker.url}/orders?customer_id=cus_nobody`);
    assert.deepEqual(await none.json(), { orders: [] });
    const refund = await call(
      "POST",
      "/refunds",
      { payment_intent_id: "ch_123", amount: -5 },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    await assertError(refund, 400, "invalid_request");
  });

  test("POST /payments/:id/status answers only for the intent's whole client secret", async () => {
    const order = await createOrder([{ sku: "mug", quantity: 1 }]);
    const intentId = order.payment_intent_id;
    const status = (id, body) => call("POST", `/payments/${id}/status`, body);

    const before = await status(intentId, {
      client_secret: order.client_secret,
    });
    assert.equal(before.status, 200);
    assert.deepEqual(await before.json(), {
      id: intentId,
      status: "requires_payment_method",
      amount: 1200,
      currency: "usd",
      order_id: order.order_id,
    });

    // Read from Stripe at the time of asking, and recorded in D1 as seen.
    await payOnLocalstripe(localstripe, intentId);
    const after = await status(intentId, {
      client_secret: order.client_secret,
    });
    assert.equal((await after.json()).status, "succeeded");
    assert.deepEqual(
      await worker.queryD1(
        `SELECT status FROM payments WHERE id = '${intentId}'`,
      ),
      [{ status: "succeeded" }],
    );

    const other = await createOrder([{ sku: "mug", quantity: 1 }]);
    const random = order.client_secret.split("_secret_")[1];
    const flipped = `${random.slice(0, -1)}${random.endsWith("a") ? "b" : "a"}`;
    for (const [label, id, secret] of [
      ["random part changed", intentId, `${intentId}_secret_${flipped}`],
      ["another intent's secret", intentId, other.client_secret],
      ["not a client secret", intentId, intentId],
      ["empty", intentId, ""],
      ["no such intent", "pi_Missing1", `pi_Missing1_secret_${random}`],
      ["not an intent id", "ord_x", order.client_secret],
    ]) {
      const refused = await status(id, { client_secret: secret });
      assert.equal(refused.status, 404, label);
      const body = await refused.json();
      assert.equal(body.error.code, "not_found", label);
      assert.ok(!JSON.stringify(body).includes("succeeded"), label);
    }
    // A wrong secret writes nothing: an intent D1 never had stays unknown.
    const stranger = await localstripe.api("POST", "/v1/payment_intents", {
      amount: "777",
      currency: "usd",
    });
    const strangerRandom = stranger.client_secret.split("_secret_")[1];
    const guessed = await status(stranger.id, {
      client_secret: `${stranger.id}_secret_${strangerRandom.slice(1)}x`,
    });
    assert.equal(guessed.status, 404);
    await assertError(
      await fetch(`${worker.url}/payments/${stranger.id}`),
      404,
      "not_found",
    );
    const holder = await status(stranger.id, {
      client_secret: stranger.client_secret,
    });
    assert.equal((await holder.json()).order_id, null);
    assert.equal(
      (await (await fetch(`${worker.url}/payments/${stranger.id}`)).json())
        .amount,
      777,
    );

    await assertError(await status(intentId, {}), 400, "invalid_request");
    await assertError(
      await status(intentId, {
        client_secret: order.client_secret,
        subscription_id: "cus_x",
      }),
      400,
      "invalid_request",
    );
    await assertError(
      await status(intentId, { client_secret: order.client_secret, x: 1 }),
      400,
      "invalid_request",
    );
    const get = await fetch(`${worker.url}/payments/${intentId}/status`);
    assert.equal(get.headers.get("allow"), "POST");
    await assertError(get, 405, "method_not_allowed");
  });

  test("CORS answers configured origins only", async () => {
    const preflight = (origin) =>
      fetch(`${worker.url}/payment-intents`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });

    const allowed = await preflight(SHOP_ORIGIN);
    assert.equal(allowed.status, 204);
    assert.equal(
      allowed.headers.get("access-control-allow-origin"),
      SHOP_ORIGIN,
    );
    assert.match(allowed.headers.get("access-control-allow-methods"), /POST/);

    const refused = await preflight("http://evil.example");
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get("access-control-allow-origin"), null);

    const get = (origin) =>
      fetch(`${worker.url}/catalog`, { headers: { origin } });
    assert.equal(
      (await get(SHOP_ORIGIN)).headers.get("access-control-allow-origin"),
      SHOP_ORIGIN,
    );
    const foreign = await get("http://evil.example");
    await assertError(foreign, 403, "origin_not_allowed");
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  });

  test("a request from a foreign origin is refused before it runs", async () => {
    const before = await worker.queryD1("SELECT COUNT(*) AS n FROM orders");
    const body = JSON.stringify({ items: [{ sku: "mug", quantity: 1 }] });

    // What a page on another site can send without a preflight.
    const crossSite = await fetch(`${worker.url}/payment-intents`, {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "text/plain" },
      body,
    });
    await assertError(crossSite, 403, "origin_not_allowed");
    for (const [path, origin] of [
      ["/refunds", "http://evil.example"],
      ["/customers", "null"],
    ]) {
      const refused = await call("POST", path, {}, { origin });
      await assertError(refused, 403, "origin_not_allowed");
    }
    // Without Origin (server to server) the JSON type is still required.
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const plain = await fetch(`${worker.url}/payment-intents`, {
        method: "POST",
        headers: { "content-type": type },
        body,
      });
      await assertError(plain, 415, "unsupported_media_type");
    }
    const noType = await fetch(`${worker.url}/customers`, {
      method: "POST",
      body: JSON.stringify({ email: "a@example.com" }),
    });
    await assertError(noType, 415, "unsupported_media_type");
    assert.deepEqual(
      await worker.queryD1("SELECT COUNT(*) AS n FROM orders"),
      before,
    );

    // The shop's own origin, with JSON, goes through.
    const allowed = await call("POST", "/payment-intents", JSON.parse(body), {
      origin: SHOP_ORIGIN,
    });
    assert.equal(allowed.status, 201);
    assert.equal(
      allowed.headers.get("access-control-allow-origin"),
      SHOP_ORIGIN,
    );
    clientSecrets.push((await allowed.json()).client_secret);
  });

  test("a client secret in a request path is redacted in the log", async () => {
    // Not through createOrder: wrangler's own access line (not the Worker's)
    // does show this path, so the secret stays out of the whole-log check.
    const response = await call("POST", "/payment-intents", {
      items: [{ sku: "mug", quantity: 1 }],
    });
    const { client_secret: clientSecret } = await response.json();
    const encoded = clientSecret.replaceAll("_", "%5F");
    for (const path of [
      `/payments/${clientSecret}`,
      `/orders/${encoded}`,
      `/orders?customer_id=${clientSecret}`,
    ]) {
      const answer = await fetch(`${worker.url}${path}`);
      assert.ok([400, 404].includes(answer.status), path);
    }
    await waitForLog(logFile, '"path":"/orders/[redacted]"');
    const workerLines = (await readFile(logFile, "utf8"))
      .split("\n")
      .filter((line) => line.startsWith("{"));
    const secretPart = clientSecret.split("_secret_")[1];
    const leaks = workerLines.filter((line) => line.includes(secretPart));
    assert.deepEqual(leaks, [], "the Worker logged a client secret");
    assert.ok(
      workerLines.some((l) => l.includes('"path":"/payments/[redacted]"')),
    );
  });

  test("unknown routes are 404, wrong methods 405", async () => {
    await assertError(await fetch(`${worker.url}/nope`), 404, "not_found");
    await assertError(
      await fetch(`${worker.url}/orders/ord_missing`),
      404,
      "not_found",
    );
    await assertError(
      await fetch(`${worker.url}/payments/pi_missing`),
      404,
      "not_found",
    );
    const wrong = await fetch(`${worker.url}/payment-intents`);
    assert.equal(wrong.headers.get("allow"), "POST");
    await assertError(wrong, 405, "method_not_allowed");
  });

  test("admin routes need the bearer token", async () => {
    for (const path of [
      "/refunds",
      "/admin/reconcile",
      "/billing-portal-sessions",
    ]) {
      for (const headers of [
        {},
        { authorization: "Bearer wrong" },
        { authorization: ADMIN_TOKEN },
        { authorization: `Bearer ${ADMIN_TOKEN}x` },
      ]) {
        const response = await call("POST", path, {}, headers);
        await assertError(response, 401, "unauthorized");
      }
    }
  });

  test("the bearer scheme is matched in any case, the token exactly", async () => {
    // An empty body gets past the token check to the body's own 400.
    for (const scheme of ["bearer", "BEARER", "bEaReR"]) {
      const response = await call(
        "POST",
        "/refunds",
        {},
        { authorization: `${scheme} ${ADMIN_TOKEN}` },
      );
      await assertError(response, 400, "invalid_request");
    }
    for (const authorization of [
      `bearer ${ADMIN_TOKEN.toUpperCase()}`,
      `Bearer${ADMIN_TOKEN}`,
      `Basic ${ADMIN_TOKEN}`,
    ]) {
      const response = await call("POST", "/refunds", {}, { authorization });
      await assertError(response, 401, "unauthorized");
    }
  });

  // Runs before any webhook endpoint is registered with localstripe, so its
  // events exist only in localstripe's /v1/events.
  test("events that were never delivered are recovered by the reconcile run", async () => {
    const customer = await (
      await call("POST", "/customers", { email: "missed@example.com" })
    ).json();
    const order = await createOrder([{ sku: "mug", quantity: 2 }], {
      customer_id: customer.customer_id,
    });
    await payOnLocalstripe(localstripe, order.payment_intent_id);
    assert.equal((await getOrder(order.order_id)).status, "pending");

    const response = await call("POST", "/admin/reconcile", undefined, {
      authorization: `Bearer ${ADMIN_TOKEN}`,
    });

    assert.equal(response.status, 200);
    const report = await response.json();
    assert.ok(report.events_recovered >= 2, JSON.stringify(report));
    assert.equal(report.failures, 0);
    const paid = await getOrder(order.order_id);
    assert.equal(paid.status, "paid");
    assert.equal(paid.fulfilled, true);
    const rows = await worker.queryD1(
      "SELECT type, deliveries, recovered, processed_at IS NOT NULL AS done " +
        `FROM webhook_events WHERE object_id = '${order.payment_intent_id}' ` +
        "AND type = 'payment_intent.succeeded'",
    );
    assert.deepEqual(rows, [
      {
        type: "payment_intent.succeeded",
        deliveries: 0,
        recovered: 1,
        done: 1,
      },
    ]);

    // The same run again, now from the Cron Trigger: nothing new to apply.
    const cron = await fetch(`${worker.url}/cdn-cgi/handler/scheduled`);
    assert.equal(cron.status, 200);
    const again = await call("POST", "/admin/reconcile", undefined, {
      authorization: `Bearer ${ADMIN_TOKEN}`,
    });
    assert.equal((await again.json()).events_recovered, 0);
    const log = await waitForLog(logFile, "(cron) reconcile");
    assert.ok(log.includes('"outcome":"reconciled"'));
  });

  test("a stale pending order is re-checked with Stripe", async () => {
    const order = await createOrder([{ sku: "stickers", quantity: 1 }]);
    await payOnLocalstripe(localstripe, order.payment_intent_id);
    // Its events are already listed, so only the re-check can tell: take them
    // out of the picture by recording them as processed without effect.
    await waitForEventAt(localstripe, order.payment_intent_id);
    const events = await localstripe.api(
      "GET",
      `/v1/events?limit=100&type=payment_intent.succeeded`,
    );
    const mine = events.data.find(
      (e) => e.data.object.id === order.payment_intent_id,
    );
    await worker.queryD1(
      "INSERT INTO webhook_events (id, type, object_id, created, livemode, received_at, " +
        `deliveries, processed_at) VALUES ('${mine.id}', '${mine.type}', ` +
        `'${order.payment_intent_id}', ${mine.created}, 0, ${mine.created}, 1, ${mine.created})`,
    );

    const response = await call(
      "POST",
      "/admin/reconcile",
      { pending_older_than_secs: 0 },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );

    const report = await response.json();
    assert.ok(report.orders_rechecked >= 1, JSON.stringify(report));
    assert.equal((await getOrder(order.order_id)).status, "paid");
  });

  test("the same event delivered 20 times concurrently has one effect", async () => {
    const order = await createOrder([{ sku: "tshirt", quantity: 1 }]);
    const event = makeEvent("payment_intent.succeeded", {
      ...intentObject(order, "succeeded"),
    });

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => deliver(event)),
    );

    const bodies = await Promise.all(
      responses.map(async (r) => {
        assert.equal(r.status, 200);
        return r.json();
      }),
    );
    assert.equal(bodies.filter((b) => !b.duplicate).length, 1);
    const [row] = await worker.queryD1(
      `SELECT deliveries, attempts, processed_at FROM webhook_events WHERE id = '${event.id}'`,
    );
    assert.equal(row.deliveries, 20);
    assert.equal(row.attempts, 1);
    assert.ok(row.processed_at > 0);
    const orders = await worker.queryD1(
      `SELECT status, fulfilled_at FROM orders WHERE id = '${order.order_id}'`,
    );
    assert.equal(orders.length, 1);
    assert.equal(orders[0].status, "paid");
    assert.ok(orders[0].fulfilled_at > 0);
  });

  test("a decline in the second the PaymentIntent was created fails the order", async () => {
    const order = await createOrder([{ sku: "mug", quantity: 1 }]);
    const { created } = await localstripe.api(
      "GET",
      `/v1/payment_intents/${order.payment_intent_id}`,
    );
    const declined = {
      ...intentObject(order, "requires_payment_method"),
      last_payment_error: {
        type: "card_error",
        code: "card_declined",
        decline_code: "generic_decline",
      },
    };
    const failed = makeEvent(
      "payment_intent.payment_failed",
      declined,
      created,
    );
    assert.equal((await deliver(failed)).status, 200);
    const payment = await (
      await fetch(`${worker.url}/payments/${order.payment_intent_id}`)
    ).json();
    assert.equal(payment.last_error, "generic_decline");
    assert.equal((await getOrder(order.order_id)).status, "failed");

    // Its creation event, delivered late with the same time, undoes nothing.
    const createdEvent = makeEvent(
      "payment_intent.created",
      intentObject(order, "requires_payment_method"),
      created,
    );
    assert.equal((await deliver(createdEvent)).status, 200);
    assert.equal((await getOrder(order.order_id)).status, "failed");
  });

  test("events out of order end in the right state, never backwards", async () => {
    const order = await createOrder([{ sku: "tshirt", quantity: 2 }]);
    // Events come after the PaymentIntent's creation, as Stripe's do.
    const t = nowSecs() + 1;
    const events = [
      makeEvent(
        "payment_intent.created",
        intentObject(order, "requires_payment_method"),
        t,
      ),
      makeEvent(
        "payment_intent.processing",
        intentObject(order, "processing"),
        t + 1,
      ),
      makeEvent(
        "payment_intent.succeeded",
        intentObject(order, "succeeded"),
        t + 2,
      ),
      makeEvent("charge.refunded", chargeObject(order, 1000), t + 3),
      makeEvent("review.opened", reviewObject(order, true), t + 4),
      makeEvent("review.closed", reviewObject(order, false), t + 5),
    ];

    for (const event of [...events].reverse()) {
      assert.equal((await deliver(event)).status, 200);
    }
    // A late `processing` and a late smaller refund total change nothing.
    const late = [
      makeEvent(
        "payment_intent.processing",
        intentObject(order, "processing"),
        t + 6,
      ),
      makeEvent("charge.refunded", chargeObject(order, 500), t + 7),
    ];
    for (const event of late) {
      assert.equal((await deliver(event)).status, 200);
    }

    const final = await getOrder(order.order_id);
    assert.equal(final.status, "partially_refunded");
    assert.equal(final.review, undefined);
    assert.equal(final.fulfilled, true);
    const payment = await (
      await fetch(`${worker.url}/payments/${order.payment_intent_id}`)
    ).json();
    assert.equal(payment.status, "succeeded");
    assert.equal(payment.amount_refunded, 1000);
  });

  test("a fraud warning holds a paid order in review, unfulfilled", async () => {
    const order = await createOrder([{ sku: "mug", quantity: 1 }]);
    const t = nowSecs() + 1;
    await deliver(
      makeEvent(
        "radar.early_fraud_warning.created",
        {
          id: `issfr_${randomBytes(6).toString("hex")}`,
          object: "radar.early_fraud_warning",
          charge: `ch_${randomBytes(6).toString("hex")}`,
          payment_intent: order.payment_intent_id,
          fraud_type: "card_never_received",
        },
        t,
      ),
    );
    await deliver(
      makeEvent(
        "payment_intent.succeeded",
        intentObject(order, "succeeded"),
        t + 1,
      ),
    );

    const held = await getOrder(order.order_id);
    assert.equal(held.status, "review");
    assert.equal(held.review.reason, "early_fraud_warning");
    assert.equal(held.review.opened_at, t);
    assert.equal(held.fulfilled, false);

    // A dispute opened and then closed releases it.
    const dispute = (status) => ({
      id: "dp_test",
      object: "dispute",
      payment_intent: order.payment_intent_id,
      status,
    });
    await deliver(
      makeEvent("charge.dispute.created", dispute("needs_response"), t + 2),
    );
    assert.equal((await getOrder(order.order_id)).review.reason, "dispute");
    await deliver(makeEvent("charge.dispute.closed", dispute("won"), t + 3));
    const released = await getOrder(order.order_id);
    assert.equal(released.status, "paid");
    assert.equal(released.fulfilled, true);
  });

  test("localstripe's own deliveries pay the order; refunds go through the admin route", async () => {
    await localstripe.registerWebhook(
      "worker",
      `${worker.url}/webhooks/stripe`,
      WEBHOOK_SECRET,
    );
    const customer = await (
      await call("POST", "/customers", { email: "live@example.com" })
    ).json();
    const order = await createOrder([{ sku: "tshirt", quantity: 1 }], {
      customer_id: customer.customer_id,
    });
    await payOnLocalstripe(localstripe, order.payment_intent_id);

    const paid = await until(async () => {
      const current = await getOrder(order.order_id);
      return current.status === "paid" && current;
    });
    assert.equal(paid.fulfilled, true);

    const history = await (
      await fetch(
        `${worker.url}/orders?customer_id=${customer.customer_id}&limit=5`,
      )
    ).json();
    assert.deepEqual(
      history.orders.map((o) => o.order_id),
      [order.order_id],
    );

    const refund = (amount) =>
      call(
        "POST",
        "/refunds",
        {
          payment_intent_id: order.payment_intent_id,
          ...(amount ? { amount } : {}),
        },
        { authorization: `Bearer ${ADMIN_TOKEN}` },
      );
    const partial = await refund(1000);
    assert.equal(partial.status, 201);
    assert.equal((await partial.json()).amount, 1000);
    assert.equal((await getOrder(order.order_id)).status, "partially_refunded");
    // 1,500 is left: more is refused before Stripe is asked.
    // (localstripe would refuse it too, but with its own message.)
    const over = await refund(1501);
    assert.equal(over.status, 400);
    const { error } = await over.json();
    assert.equal(error.code, "invalid_request");
    assert.match(error.message, /more than the 1500 left to refund/);
    assert.equal((await refund()).status, 201);
    assert.equal((await getOrder(order.order_id)).status, "refunded");
  });

  test("failed processing is recorded, answered 500 for Stripe to retry, and released", async () => {
    // i64::MAX parses, but reaches D1 as a double no INTEGER column can hold
    // exactly, so the write is refused.
    const event = makeEvent("payment_intent.succeeded", {
      id: `pi_unstorable_${randomBytes(4).toString("hex")}`,
      object: "payment_intent",
      amount: "AMOUNT",
      currency: "usd",
      status: "succeeded",
    });
    const payload = JSON.stringify(event).replace(
      '"AMOUNT"',
      "9223372036854775807",
    );

    const first = await deliver(event, payload);
    await assertError(first, 500, "processing_failed");
    const retried = await deliver(event, payload);
    await assertError(retried, 500, "processing_failed");

    const [row] = await worker.queryD1(
      "SELECT deliveries, attempts, processed_at, claimed_at, last_error IS NOT NULL AS failed " +
        `FROM webhook_events WHERE id = '${event.id}'`,
    );
    assert.deepEqual(row, {
      deliveries: 2,
      attempts: 2,
      processed_at: null,
      claimed_at: null,
      failed: 1,
    });
  });

  test("a bad signature is refused and records nothing", async () => {
    const event = makeEvent("payment_intent.succeeded", { id: "pi_forged" });
    const response = await fetch(`${worker.url}/webhooks/stripe`, {
      method: "POST",
      headers: { "stripe-signature": `t=${nowSecs()},v1=${"0".repeat(64)}` },
      body: JSON.stringify(event),
    });
    await assertError(response, 400, "signature_mismatch");
    assert.deepEqual(
      await worker.queryD1(
        `SELECT id FROM webhook_events WHERE id = '${event.id}'`,
      ),
      [],
    );
  });

  test("logs hold no secret, client secret or body", async () => {
    const text = await readFile(logFile, "utf8");
    const forbidden = [
      WEBHOOK_SECRET,
      ADMIN_TOKEN,
      LOCALSTRIPE_KEY,
      ...clientSecrets,
    ];
    assert.ok(clientSecrets.length > 3);
    for (const value of forbidden) {
      assert.ok(!text.includes(value), "the log leaks a secret");
    }
    const lines = text
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
    assert.ok(lines.some((l) => l.event_id && l.effect === "applied"));
    assert.ok(lines.some((l) => l.source === "reconcile" && l.event_id));
  });
});

/** Pays a PaymentIntent on localstripe with its test card, as Stripe.js would. */
async function payOnLocalstripe(localstripe, id) {
  // localstripe answers 500 to confirm with payment_method, so set it first.
  await localstripe.api("POST", `/v1/payment_intents/${id}`, {
    payment_method: "pm_card_visa",
  });
  const confirmed = await localstripe.api(
    "POST",
    `/v1/payment_intents/${id}/confirm`,
  );
  assert.equal(confirmed.status, "succeeded");
}

async function waitForEventAt(localstripe, objectId) {
  await until(async () => {
    const list = await localstripe.api("GET", "/v1/events?limit=100");
    return list.data.some((e) => e.data.object.id === objectId);
  });
}

function makeEvent(type, object, created = nowSecs()) {
  return {
    id: `evt_test_${randomBytes(8).toString("hex")}`,
    object: "event",
    api_version: "2026-11-18",
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

function intentObject(order, status) {
  return {
    id: order.payment_intent_id,
    object: "payment_intent",
    amount: order.amount,
    amount_received: status === "succeeded" ? order.amount : 0,
    currency: order.currency,
    status,
    client_secret: null,
    metadata: { order_id: order.order_id },
    last_payment_error: null,
  };
}

function chargeObject(order, amountRefunded) {
  return {
    id: `ch_${order.payment_intent_id.slice(3)}`,
    object: "charge",
    payment_intent: order.payment_intent_id,
    amount: order.amount,
    amount_captured: order.amount,
    amount_refunded: amountRefunded,
    currency: order.currency,
    refunded: amountRefunded >= order.amount,
  };
}

function reviewObject(order, open) {
  return {
    id: `prv_${order.payment_intent_id.slice(3)}`,
    object: "review",
    payment_intent: order.payment_intent_id,
    open,
    reason: open ? "rule" : "approved",
  };
}

async function assertError(response, status, code) {
  assert.equal(response.status, status);
  const body = await response.json();
  assert.equal(body.error.code, code, JSON.stringify(body));
  assert.equal(typeof body.error.message, "string");
}

function nowSecs() {
  return Math.floor(Date.now() / 1000);
}

/** Polls `check` until it returns something truthy (localstripe sends ~1 s late). */
async function until(check, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      assert.fail("condition not reached in time");
    }
    await sleep(200);
  }
}

async function waitForLog(path, needle) {
  return until(async () => {
    const text = await readFile(path, "utf8");
    return text.includes(needle) && text;
  }, 10_000);
}
