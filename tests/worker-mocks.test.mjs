// The payment server's routes that localstripe cannot serve, and Stripe being
// down. Checkout Sessions, subscriptions and the billing portal go to
// stripe-mock (ports 12113/12114), which checks every parameter against
// Stripe's OpenAPI spec; embedded Checkout and outages go to a fixture server
// of this test, which records what the Worker sent.
//
//   node scripts/worker.mjs build && node --test tests/worker-mocks.test.mjs

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import Stripe from "stripe";

import { LOCALSTRIPE_KEY } from "../scripts/localstripe.mjs";
import { freePort } from "../scripts/service.mjs";
import { startStripeMock } from "../scripts/stripe-mock.mjs";
import { startWorker } from "../scripts/worker.mjs";

const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64url")}`;
const ADMIN_TOKEN = `admin-${randomBytes(24).toString("hex")}`;
const SHOP_ORIGIN = "https://shop.example";

describe("payment server on stripe-mock", () => {
  let stripeMock;
  let worker;
  let scratch;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), "stripe-edge-worker-mock-"));
    // Its own ports, so the API client's tests can hold the default ones.
    stripeMock = await startStripeMock({ httpPort: 12113, httpsPort: 12114 });
    worker = await startWorker({
      port: await freePort(),
      webhookSecret: WEBHOOK_SECRET,
      stripeSecretKey: LOCALSTRIPE_KEY,
      adminToken: ADMIN_TOKEN,
      stripeApiBase: stripeMock.url,
      frontendOrigins: `${SHOP_ORIGIN},http://localhost:3000`,
      persistDir: join(scratch, "state"),
    });
  });

  after(async () => {
    await worker?.stop();
    await stripeMock?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  const post = (path, body, headers = {}) =>
    fetch(`${worker.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  test("a hosted Checkout Session: the URL, and the order paid by its event", async () => {
    const response = await post("/checkout-sessions", {
      items: [
        { sku: "tshirt", quantity: 1 },
        { sku: "stickers", quantity: 2 },
      ],
      ui_mode: "hosted",
      success_url:
        "https://shop.example/return?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "https://shop.example/cart",
    });

    assert.equal(response.status, 201, await response.clone().text());
    const body = await response.json();
    assert.deepEqual(Object.keys(body), [
      "order_id",
      "checkout_session_id",
      "url",
    ]);
    assert.match(body.url, /^https:\/\//);
    const [order] = await worker.queryD1(
      `SELECT amount, status, checkout_session_id FROM orders WHERE id = '${body.order_id}'`,
    );
    assert.deepEqual(order, {
      amount: 2500 + 2 * 300,
      status: "pending",
      checkout_session_id: body.checkout_session_id,
    });

    const paymentIntent = `pi_test_${randomBytes(6).toString("hex")}`;
    const event = signedEvent("checkout.session.completed", {
      id: body.checkout_session_id,
      object: "checkout.session",
      payment_intent: paymentIntent,
      payment_status: "paid",
      status: "complete",
      amount_total: 3100,
      currency: "usd",
      client_reference_id: body.order_id,
      metadata: { order_id: body.order_id },
    });
    const delivered = await fetch(`${worker.url}/webhooks/stripe`, event);
    assert.equal(delivered.status, 200);

    const paid = await (
      await fetch(`${worker.url}/orders/${body.order_id}`)
    ).json();
    assert.equal(paid.status, "paid");
    assert.equal(paid.payment_intent_id, paymentIntent);
    assert.equal(paid.fulfilled, true);
  });

  test("Checkout Session inputs are checked before Stripe is called", async () => {
    const items = [{ sku: "mug", quantity: 1 }];
    for (const body of [
      { items, ui_mode: "hosted" },
      { items, ui_mode: "popup", success_url: "https://shop.example/ok" },
      { items, ui_mode: "embedded", success_url: "https://shop.example/ok" },
      { items, ui_mode: "embedded", return_url: "javascript:alert(1)" },
      {
        items: [{ sku: "nope", quantity: 1 }],
        ui_mode: "hosted",
        success_url: "https://shop.example/ok",
      },
    ]) {
      const response = await post("/checkout-sessions", body);
      assert.equal(response.status, 400, JSON.stringify(body));
    }
  });

  test("Checkout redirects only to FRONTEND_ORIGINS", async () => {
    const items = [{ sku: "mug", quantity: 1 }];
    const ok = "https://shop.example/ok";
    for (const [field, url] of [
      ["success_url", "https://evil.example/ok"],
      ["success_url", "https://shop.example.evil.example/ok"],
      ["success_url", "https://shop.example@evil.example/ok"],
      ["success_url", "http://shop.example/ok"],
      ["success_url", "https://shop.example:8443/ok"],
      ["cancel_url", "https://evil.example/cart"],
      ["return_url", "https://evil.example/return"],
    ]) {
      const body =
        field === "return_url"
          ? { items, ui_mode: "embedded", return_url: url }
          : { items, ui_mode: "hosted", success_url: ok, [field]: url };
      const response = await post("/checkout-sessions", body);
      assert.equal(response.status, 400, url);
      const { error } = await response.json();
      assert.equal(error.code, "invalid_request");
      assert.match(error.message, new RegExp(`^${field}: must be`));
    }
    // Another configured origin, with its own port, is accepted.
    const other = await post("/checkout-sessions", {
      items,
      ui_mode: "hosted",
      success_url: "http://localhost:3000/ok",
    });
    assert.equal(other.status, 201, await other.clone().text());
  });

  test("POST /subscriptions subscribes a customer to a recurring product", async () => {
    const response = await post("/subscriptions", {
      customer_id: "cus_test123",
      sku: "membership",
    });

    assert.equal(response.status, 201, await response.clone().text());
    const body = await response.json();
    assert.match(body.subscription_id, /^sub_/);
    assert.equal(typeof body.status, "string");
    const rows = await worker.queryD1(
      `SELECT sku FROM subscriptions WHERE id = '${body.subscription_id}'`,
    );
    assert.deepEqual(rows, [{ sku: "membership" }]);

    for (const [input, code] of [
      [{ customer_id: "cus_test123", sku: "tshirt" }, "not_recurring"],
      [{ customer_id: "cus_test123", sku: "nope" }, "unknown_sku"],
      [{ sku: "membership" }, "invalid_request"],
      [{ customer_id: "sub_1", sku: "membership" }, "invalid_request"],
    ]) {
      const refused = await post("/subscriptions", input);
      assert.equal(refused.status, 400);
      assert.equal((await refused.json()).error.code, code);
    }
  });

  test("a subscription's return reads the subscription as Stripe's spec allows", async () => {
    // stripe-mock answers a fixture whose invoice secret is not this one, so
    // the answer is 404; a request against the spec would be a 400 instead.
    const response = await post("/payments/pi_test123/status", {
      client_secret: `pi_test123_secret_${randomBytes(8).toString("hex")}`,
      subscription_id: "sub_test123",
    });
    assert.equal(response.status, 404, await response.clone().text());
    assert.equal((await response.json()).error.code, "not_found");
  });

  test("POST /billing-portal-sessions answers the portal URL to the shop's server only", async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const input = {
      customer_id: "cus_test123",
      return_url: "https://shop.example/account",
    };

    const response = await post("/billing-portal-sessions", input, admin);

    assert.equal(response.status, 201, await response.clone().text());
    assert.match((await response.json()).url, /^https:\/\//);
    for (const headers of [
      {},
      { authorization: "Bearer wrong" },
      { origin: SHOP_ORIGIN },
    ]) {
      const refused = await post("/billing-portal-sessions", input, headers);
      assert.equal(refused.status, 401);
      assert.equal((await refused.json()).error.code, "unauthorized");
      assert.equal(refused.headers.get("access-control-allow-origin"), null);
    }
    for (const returnUrl of [
      "ftp://shop.example",
      "https://evil.example/account",
    ]) {
      const refused = await post(
        "/billing-portal-sessions",
        { ...input, return_url: returnUrl },
        admin,
      );
      assert.equal(refused.status, 400);
      assert.match((await refused.json()).error.message, /^return_url/);
    }
  });
});

describe("payment server with a fixture Stripe that can fail", () => {
  let fixture;
  let worker;
  let scratch;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), "stripe-edge-worker-fault-"));
    fixture = await startFixtureStripe();
    worker = await startWorker({
      port: await freePort(),
      webhookSecret: WEBHOOK_SECRET,
      stripeSecretKey: LOCALSTRIPE_KEY,
      adminToken: ADMIN_TOKEN,
      stripeApiBase: fixture.url,
      frontendOrigins: SHOP_ORIGIN,
      persistDir: join(scratch, "state"),
    });
  });

  after(async () => {
    await worker?.stop();
    await fixture?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  const post = (path, body, headers = {}) =>
    fetch(`${worker.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  test("an embedded Checkout Session answers its client secret", async () => {
    fixture.mode = "ok";
    const response = await post("/checkout-sessions", {
      items: [{ sku: "tshirt", quantity: 2 }],
      ui_mode: "embedded",
      return_url: "https://shop.example/return",
    });

    assert.equal(response.status, 201);
    const body = await response.json();
    assert.match(body.client_secret, /^cs_test_\w+_secret_\w+$/);
    const sent = fixture.requests.at(-1);
    assert.equal(sent.path, "/v1/checkout/sessions");
    assert.equal(sent.form.get("ui_mode"), "embedded_page");
    assert.equal(
      sent.form.get("line_items[0][price_data][unit_amount]"),
      "2500",
    );
    assert.equal(sent.form.get("line_items[0][quantity]"), "2");
    assert.equal(sent.form.get("return_url"), "https://shop.example/return");
    assert.equal(sent.form.get("metadata[order_id]"), body.order_id);
    assert.equal(
      sent.idempotencyKey,
      `order-${body.order_id}-checkout-session`,
    );
    assert.equal(sent.authorization, `Bearer ${LOCALSTRIPE_KEY}`);
  });

  for (const mode of ["down", "reset", "garbage"]) {
    test(`Stripe ${mode}: a clear 502 and nothing half-written`, async () => {
      fixture.mode = mode;
      const before = await counts(worker);

      const attempts = [
        post("/payment-intents", { items: [{ sku: "mug", quantity: 1 }] }),
        post("/payment-intents", {
          items: [{ sku: "mug", quantity: 1 }],
          order_ref: `retry-${mode}`,
        }),
        post("/customers", { email: "down@example.com" }),
        post("/checkout-sessions", {
          items: [{ sku: "mug", quantity: 1 }],
          ui_mode: "hosted",
          success_url: "https://shop.example/ok",
        }),
        post("/subscriptions", {
          customer_id: "cus_test123",
          sku: "membership",
        }),
        post(
          "/admin/reconcile",
          {},
          { authorization: `Bearer ${ADMIN_TOKEN}` },
        ),
        post(
          "/refunds",
          { payment_intent_id: "pi_test123" },
          { authorization: `Bearer ${ADMIN_TOKEN}` },
        ),
      ];
      for (const response of await Promise.all(attempts)) {
        assert.equal(response.status, 502);
        const body = await response.json();
        assert.equal(body.error.code, "stripe_unavailable");
        assert.match(body.error.message, /Stripe could not be reached/);
      }
      assert.deepEqual(await counts(worker), before);
    });
  }

  test("a subscription's return: the secret must be its latest invoice's", async () => {
    fixture.mode = "billing";
    const intentId = "pi_FirstInvoice1";
    const secret = `${intentId}_secret_${randomBytes(12).toString("hex")}`;
    const otherIntent = "pi_OtherInvoice1";
    const otherSecret = `${otherIntent}_secret_${randomBytes(12).toString("hex")}`;
    fixture.billing.set("sub_Mine1", secret).set(intentId, secret);
    fixture.billing
      .set("sub_Other1", otherSecret)
      .set(otherIntent, otherSecret);
    const status = (id, body) => post(`/payments/${id}/status`, body);

    const paid = await status(intentId, {
      client_secret: secret,
      subscription_id: "sub_Mine1",
    });
    assert.equal(paid.status, 200);
    assert.deepEqual(await paid.json(), {
      id: intentId,
      status: "succeeded",
      amount: 900,
      currency: "usd",
      order_id: null,
    });
    const [subscriptionRead, intentRead] = fixture.requests
      .slice(-2)
      .map(({ path }) => new URL(path, "http://fixture"));
    assert.equal(subscriptionRead.pathname, "/v1/subscriptions/sub_Mine1");
    assert.equal(
      subscriptionRead.searchParams.get("expand[0]"),
      "latest_invoice.confirmation_secret",
    );
    assert.equal(intentRead.pathname, `/v1/payment_intents/${intentId}`);

    // A genuine secret with another subscription's id, or an unknown one.
    for (const subscription_id of ["sub_Other1", "sub_Unknown1"]) {
      const refused = await status(intentId, {
        client_secret: secret,
        subscription_id,
      });
      assert.equal(refused.status, 404, subscription_id);
      assert.equal((await refused.json()).error.code, "not_found");
    }
  });

  test("a declined payment is a 402 and writes nothing", async () => {
    fixture.mode = "decline";
    const before = await counts(worker);
    const response = await post("/payment-intents", {
      items: [{ sku: "mug", quantity: 1 }],
    });
    assert.equal(response.status, 402);
    assert.equal((await response.json()).error.code, "payment_failed");
    assert.deepEqual(await counts(worker), before);
  });

  test("Stripe's 400s: an id it does not have is 404, the rest 400", async () => {
    fixture.mode = "missing";
    const before = await counts(worker);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const response of [
      await post("/payment-intents", {
        items: [{ sku: "mug", quantity: 1 }],
        customer_id: "cus_gone",
      }),
      await post("/refunds", { payment_intent_id: "pi_gone" }, admin),
    ]) {
      assert.equal(response.status, 404);
      const { error } = await response.json();
      assert.equal(error.code, "stripe_resource_missing");
    }
    fixture.mode = "refused";
    const refused = await post(
      "/refunds",
      { payment_intent_id: "pi_failed" },
      admin,
    );
    assert.equal(refused.status, 400);
    const { error } = await refused.json();
    assert.equal(error.code, "stripe_invalid_request");
    assert.deepEqual(await counts(worker), before);
  });

  test("webhooks are still recorded while Stripe is down", async () => {
    fixture.mode = "down";
    const event = signedEvent("customer.created", {
      id: "cus_while_down",
      object: "customer",
      email: "a@example.com",
      created: nowSecs(),
    });
    const response = await fetch(`${worker.url}/webhooks/stripe`, event);
    assert.equal(response.status, 200);
    const rows = await worker.queryD1(
      "SELECT email FROM customers WHERE id = 'cus_while_down'",
    );
    assert.deepEqual(rows, [{ email: "a@example.com" }]);
  });
});

// A placeholder or short ADMIN_TOKEN, and an empty FRONTEND_ORIGINS: the
// deployment's mistakes, which keep the admin routes and redirects closed.
for (const [label, adminToken] of [
  ["the example's placeholder", "replace_with_a_long_random_token"],
  ["a short", "0123456789abcdef0123456789abcde"],
]) {
  describe(`payment server with ${label} ADMIN_TOKEN and no FRONTEND_ORIGINS`, () => {
    let worker;
    let scratch;

    before(async () => {
      scratch = await mkdtemp(join(tmpdir(), "stripe-edge-worker-conf-"));
      worker = await startWorker({
        port: await freePort(),
        webhookSecret: WEBHOOK_SECRET,
        adminToken,
        frontendOrigins: "",
        persistDir: join(scratch, "state"),
      });
    });

    after(async () => {
      await worker?.stop();
      await rm(scratch, { recursive: true, force: true });
    });

    test("admin routes answer 500 not_configured, even to that token", async () => {
      for (const path of [
        "/refunds",
        "/admin/reconcile",
        "/billing-portal-sessions",
      ]) {
        const response = await fetch(`${worker.url}${path}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${adminToken}`,
          },
          body: JSON.stringify({ payment_intent_id: "pi_test123" }),
        });
        assert.equal(response.status, 500, path);
        const { error } = await response.json();
        assert.equal(error.code, "not_configured");
        assert.match(error.message, /ADMIN_TOKEN/);
      }
    });

    test("every redirect URL is refused", async () => {
      const response = await fetch(`${worker.url}/checkout-sessions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          items: [{ sku: "mug", quantity: 1 }],
          ui_mode: "hosted",
          success_url: "http://localhost:3000/ok",
        }),
      });
      assert.equal(response.status, 400);
      assert.match((await response.json()).error.message, /^success_url/);
    });
  });
}

async function counts(worker) {
  const [row] = await worker.queryD1(
    "SELECT (SELECT COUNT(*) FROM orders) AS orders, " +
      "(SELECT COUNT(*) FROM payments) AS payments, " +
      "(SELECT COUNT(*) FROM customers) AS customers, " +
      "(SELECT COUNT(*) FROM checkout_sessions) AS sessions, " +
      "(SELECT COUNT(*) FROM subscriptions) AS subscriptions",
  );
  return row;
}

/** A `fetch` init delivering `object` as a signed event of `type`. */
function signedEvent(type, object) {
  const payload = JSON.stringify({
    id: `evt_test_${randomBytes(8).toString("hex")}`,
    object: "event",
    api_version: "2026-11-18",
    created: nowSecs() + 1,
    livemode: false,
    type,
    data: { object },
  });
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: WEBHOOK_SECRET,
  });
  return {
    method: "POST",
    headers: { "stripe-signature": header },
    body: payload,
  };
}

/**
 * A stand-in Stripe API: in mode `ok` it answers Checkout Session creates with
 * a fixture; `down` answers 503, `reset` drops the connection, `garbage`
 * answers HTML with 200, `decline` answers a card error, `missing` Stripe's
 * 400 for an id it does not have, `refused` another 400.
 */
async function startFixtureStripe() {
  const requests = [];
  // `billing`: subscription or PaymentIntent id → the first invoice's secret.
  const state = { mode: "ok", billing: new Map() };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      requests.push({
        path: request.url,
        form,
        authorization: request.headers.authorization,
        idempotencyKey: request.headers["idempotency-key"],
      });
      const json = (status, body) =>
        response
          .writeHead(status, { "content-type": "application/json" })
          .end(JSON.stringify(body));
      switch (state.mode) {
        case "down":
          return json(503, { error: { type: "api_error", message: "down" } });
        case "reset":
          return request.socket.destroy();
        case "garbage":
          return response.writeHead(200).end("<html>gateway</html>");
        case "decline":
          return json(402, {
            error: {
              type: "card_error",
              code: "card_declined",
              message: "declined",
            },
          });
        case "missing":
          return json(400, {
            error: {
              type: "invalid_request_error",
              code: "resource_missing",
              param: "customer",
              message: "No such customer",
            },
          });
        case "billing": {
          // A subscription whose first invoice's PaymentIntent was paid.
          const [, kind, id] = /^\/v1\/(\w+)\/(\w+)/.exec(request.url) ?? [];
          const secret = state.billing.get(id);
          if (secret === undefined) {
            return json(404, {
              error: {
                type: "invalid_request_error",
                code: "resource_missing",
                message: "No such object",
              },
            });
          }
          if (kind === "subscriptions") {
            return json(200, {
              id,
              object: "subscription",
              status: "active",
              latest_invoice: {
                id: "in_fixture",
                object: "invoice",
                confirmation_secret: {
                  client_secret: secret,
                  type: "payment_intent",
                },
              },
            });
          }
          return json(200, {
            id,
            object: "payment_intent",
            amount: 900,
            amount_received: 900,
            currency: "usd",
            status: "succeeded",
            client_secret: secret,
            created: Math.floor(Date.now() / 1000),
            metadata: {},
          });
        }
        case "refused":
          return json(400, {
            error: {
              type: "invalid_request_error",
              message: "This PaymentIntent has no successful charge",
            },
          });
        default: {
          const id = `cs_test_${randomBytes(8).toString("hex")}`;
          return json(200, {
            id,
            object: "checkout.session",
            client_secret: `${id}_secret_${randomBytes(8).toString("hex")}`,
            url: null,
          });
        }
      }
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    billing: state.billing,
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise((done) => server.close(done));
    },
  };
}

function nowSecs() {
  return Math.floor(Date.now() / 1000);
}
