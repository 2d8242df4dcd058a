// End-to-end test of examples/nextjs over HTTP: the built app is started with
// `next start`; real deliveries, signed by stripe-node, are posted to its Node
// and edge webhook routes; the start-up configuration check and the shop's
// payment routes (cart checks, Stripe unreachable) are exercised. The browser
// flows are in tests/e2e/shop.test.mjs.
//
// Needs the app built first (the Makefile runs `next build`). Run from the
// repository root: node --test tests/nextjs.test.mjs

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import Stripe from "stripe";

import { startNext } from "../scripts/nextjs.mjs";
import { freePort } from "../scripts/service.mjs";

// Only the webhook helpers are used; no request reaches Stripe.
const stripe = new Stripe("sk_test_placeholder_not_used");

// Fresh for every run, so no real secret is ever involved. Two of them, as
// during a rotation: the routes must accept either.
const secret = randomSecret();
const previousSecret = randomSecret();

const routes = [
  { runtime: "node", path: "/api/webhooks/stripe" },
  { runtime: "edge", path: "/api/webhooks/stripe-edge" },
];

let server;
let deliveries = 0;

before(async () => {
  server = await startNext({
    env: {
      STRIPE_WEBHOOK_SECRET: `${previousSecret},${secret}`,
      // Makes the routes answer with the verified event, so the test can see
      // what verification returned.
      WEBHOOK_ECHO_EVENT: "1",
    },
  });
});

after(async () => {
  await server?.stop();
});

for (const { runtime, path } of routes) {
  describe(`${path} (runtime=${runtime})`, () => {
    test("accepts an event signed by stripe-node and logs its id", async () => {
      const event = makeEvent();
      const body = JSON.stringify(event, null, 2);
      const header = stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret,
      });

      const { status, json } = await deliver(path, body, header);

      assert.equal(status, 200);
      assert.equal(json.received, true);
      assert.equal(json.event.id, event.id);
      await waitForLog(
        `webhook verified runtime=${runtime} id=${event.id} type=${event.type}`,
      );
    });

    test("refuses a body over 1 MiB with 413 before verifying it", async () => {
      const event = makeEvent();
      event.data.object.metadata = { padding: "x".repeat(1024 * 1024) };
      const body = JSON.stringify(event);
      const header = stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret,
      });

      const { status, json } = await deliver(path, body, header);

      assert.equal(status, 413);
      assert.equal(json.error.code, "payload_too_large");
      await waitForLog(
        `webhook refused runtime=${runtime} code=payload_too_large`,
      );
    });

    test("accepts a delivery signed with the previous secret", async () => {
      const event = makeEvent();
      const body = JSON.stringify(event);
      const header = stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: previousSecret,
      });

      const { status } = await deliver(path, body, header);

      assert.equal(status, 200);
      await waitForLog(`webhook verified runtime=${runtime} id=${event.id} `);
    });

    test("refuses a tampered body with signature_mismatch", async () => {
      const event = makeEvent();
      const body = JSON.stringify(event, null, 2);
      const header = stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret,
      });
      const tampered = body.replace('"amount": 2000', '"amount": 1');
      assert.notEqual(tampered, body);

      const { status, json } = await deliver(path, tampered, header);

      assert.equal(status, 400);
      assert.equal(json.error.code, "signature_mismatch");
      assert.equal(typeof json.error.message, "string");
      await waitForLog(
        `webhook refused runtime=${runtime} code=signature_mismatch`,
      );
    });

    test("refuses a delivery without a header with missing_header", async () => {
      const body = JSON.stringify(makeEvent());

      const { status, json } = await deliver(path, body, undefined);

      assert.equal(status, 400);
      assert.equal(json.error.code, "missing_header");
      await waitForLog(
        `webhook refused runtime=${runtime} code=missing_header`,
      );
    });

    test("returns unicode and emoji metadata unchanged", async () => {
      const metadata = {
        order_id: "ord_TEST_1",
        note: "Grüße aus Köln: naïve café, crème brûlée",
        city: "東京都渋谷区",
        greeting: "مرحبا",
        emoji: "🎉🧾💳 👩🏽‍💻 🇯🇵",
      };
      // Raw UTF-8 as Stripe sends it, and with every non-ASCII character
      // escaped as \uXXXX (surrogate pairs for emoji) as some senders do: the
      // signature covers the bytes, the parsed values must be the same.
      const raw = JSON.stringify(makeEvent(metadata), null, 2);
      const escaped = escapeNonAscii(JSON.stringify(makeEvent(metadata)));

      for (const body of [raw, escaped]) {
        const header = stripe.webhooks.generateTestHeaderString({
          payload: body,
          secret,
        });

        const { status, json } = await deliver(path, body, header);

        assert.equal(status, 200);
        // Compared as parsed JSON: a JS Map would have arrived as `{}`.
        assert.deepEqual(json.event.data.object.metadata, metadata);
        assert.deepEqual(json.event, JSON.parse(body));
      }
    });
  });
}

test("logs one line per delivery and never a secret, signature or body", async () => {
  const lines = server
    .logs()
    .split("\n")
    .filter((line) => /^webhook (verified|refused) /.test(line));
  assert.equal(lines.length, deliveries);
  for (const line of lines) {
    assert.match(
      line,
      /^webhook (verified runtime=(node|edge) id=evt_\w+ type=[\w.]+|refused runtime=(node|edge) code=\w+)$/,
    );
  }

  const logs = server.logs();
  for (const leak of [secret, previousSecret, "v1=", "ord_TEST_1", "東京"]) {
    assert.ok(!logs.includes(leak), `the server log contains ${leak}`);
  }
});

for (const [label, configured] of [
  ["without STRIPE_WEBHOOK_SECRET", undefined],
  ["with a padded STRIPE_WEBHOOK_SECRET", `${secret}\n`],
]) {
  test(`answers 500 not_configured ${label}`, async () => {
    // The secret is read per request, so this also shows the edge bundle did
    // not capture a value at build time. A padded secret is refused, never
    // trimmed: the same rule as loadStripeConfig.
    const bare = await startNext({
      env: { STRIPE_WEBHOOK_SECRET: configured },
    });
    try {
      for (const { runtime, path } of routes) {
        const body = JSON.stringify(makeEvent());
        const header = stripe.webhooks.generateTestHeaderString({
          payload: body,
          secret,
        });

        const response = await fetch(bare.url + path, {
          method: "POST",
          headers: { "stripe-signature": header },
          body,
        });

        assert.equal(response.status, 500, runtime);
        const json = await response.json();
        assert.equal(json.error.code, "not_configured", runtime);
      }
    } finally {
      await bare.stop();
    }
  });
}

describe("shop configuration, checked at start-up with loadStripeConfig", () => {
  test("a secret key in NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY stops the shop from serving", async () => {
    const leaked = `sk_test_${randomBytes(18).toString("hex")}`;
    const refused = await startNext({
      env: {
        NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: leaked,
        STRIPE_SECRET_KEY: undefined,
      },
    });
    try {
      for (const path of ["/", "/checkout", "/api/orders/ord_x"]) {
        const response = await fetch(refused.url + path);
        await response.arrayBuffer();
        assert.equal(response.status, 500, path);
      }
      assert.match(refused.logs(), /secret_in_public_variable/);
      assert.match(refused.logs(), /NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY/);
      assert.ok(!refused.logs().includes(leaked), "the log shows the key");
    } finally {
      await refused.stop();
    }
  });

  test("without keys, the shop says payments are unavailable", async () => {
    const bare = await startNext({
      env: {
        STRIPE_SECRET_KEY: undefined,
        NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: undefined,
        STRIPE_PUBLISHABLE_KEY: undefined,
      },
    });
    try {
      const response = await postJson(bare.url, "/api/payment-intents", {
        items: [{ sku: "mug", quantity: 1 }],
      });
      assert.equal(response.status, 503);
      assert.equal((await response.json()).error.problem, "unavailable");
      const page = await fetch(`${bare.url}/checkout`);
      assert.match(await page.text(), /Payments are unavailable/);
      assert.match(
        bare.logs(),
        /shop config refused code=missing_value variable=STRIPE_SECRET_KEY/,
      );
    } finally {
      await bare.stop();
    }
  });
});

describe("shop routes, direct mode, with the Stripe API unreachable", () => {
  let shop;
  before(async () => {
    // Nothing listens on this port: every Stripe call fails to connect.
    const closed = await freePort();
    shop = await startNext({
      env: {
        PAYMENTS_BACKEND: "direct",
        STRIPE_SECRET_KEY: "sk_test_localstripe",
        NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: "pk_test_localstripe",
        STRIPE_API_BASE: `http://127.0.0.1:${closed}`,
      },
    });
  });
  after(async () => {
    await shop?.stop();
  });

  for (const [label, items, message] of [
    [
      "an unknown product",
      [{ sku: "free-gold", quantity: 1 }],
      /no longer sold/,
    ],
    ["a negative quantity", [{ sku: "mug", quantity: -1 }], /between 1/],
    ["a fractional quantity", [{ sku: "mug", quantity: 0.5 }], /between 1/],
    [
      "a subscription in the cart",
      [{ sku: "membership", quantity: 1 }],
      /no longer sold/,
    ],
    ["an empty cart", [], /empty/],
    ["no cart at all", undefined, /empty/],
  ]) {
    test(`refuses ${label} before calling Stripe`, async () => {
      const response = await postJson(shop.url, "/api/payment-intents", {
        items,
      });
      assert.equal(response.status, 400);
      assert.match((await response.json()).error.message, message);
    });
  }

  test("says the network is down, and that the buyer was not charged", async () => {
    const response = await postJson(shop.url, "/api/payment-intents", {
      items: [{ sku: "mug", quantity: 2 }],
    });
    assert.equal(response.status, 503);
    const { error } = await response.json();
    assert.equal(error.problem, "network");
    assert.match(error.message, /not been charged/);
    assert.match(
      shop.logs(),
      /shop start payment failed status=0 code=network/,
    );
  });

  test("the confirm route refuses a client secret of another intent", async () => {
    const response = await postJson(
      shop.url,
      "/api/payment-intents/pi_123/confirm",
      { token: "tok_1", client_secret: "pi_456_secret_abc" },
    );
    assert.equal(response.status, 400);
    assert.match((await response.json()).error.message, /not valid/);
  });
});

function postJson(base, path, body) {
  return fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Posts a delivery the way Stripe does; `header` undefined sends none. */
async function deliver(path, body, header) {
  const headers = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
  };
  if (header !== undefined) headers["stripe-signature"] = header;

  deliveries += 1;
  const response = await fetch(server.url + path, {
    method: "POST",
    headers,
    body,
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    assert.fail(`${path} answered ${response.status} with non-JSON: ${text}`);
  }
  return { status: response.status, json };
}

/** The server's stdout reaches us through a pipe, a moment after the answer. */
async function waitForLog(expected, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!server.logs().includes(expected)) {
    if (Date.now() > deadline) {
      assert.fail(
        `the server did not log "${expected}"; it printed:\n${server.logs()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function makeEvent(metadata = { order_id: "ord_TEST_1" }) {
  const suffix = randomBytes(8).toString("hex");
  return {
    id: `evt_test_${suffix}`,
    object: "event",
    api_version: "2026-11-18",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "payment_intent.succeeded",
    data: {
      object: {
        id: `pi_test_${suffix}`,
        object: "payment_intent",
        amount: 2000,
        currency: "eur",
        status: "succeeded",
        metadata,
      },
    },
  };
}

function escapeNonAscii(json) {
  return json.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function randomSecret() {
  return `whsec_${randomBytes(24).toString("base64url")}`;
}
