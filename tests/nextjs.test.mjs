// End-to-end test of examples/nextjs over HTTP: the built app is started with
// `next start`; real deliveries, signed by stripe-node, are posted to its Node
// and edge webhook routes; the start-up configuration check and the shop's
// payment routes (cart checks, Stripe unreachable, cross-site requests, a
// customer cookie the backend no longer knows) are exercised, against small
// stand-ins for Stripe and the Worker that record what they were asked. The
// browser flows are in tests/e2e/shop.test.mjs.
//
// Needs the app built first (the Makefile runs `next build`). Run from the
// repository root: node --test tests/nextjs.test.mjs

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
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

    test("is not held to the shop routes' Origin and JSON rule", async () => {
      // Stripe's deliveries are authenticated by their signature; the
      // cross-site check of the shop's routes must not reach them.
      const event = makeEvent();
      const body = JSON.stringify(event);
      const header = stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret,
      });

      const { status, json } = await deliver(path, body, header, {
        "content-type": "text/plain",
        origin: "https://evil.example",
      });

      assert.equal(status, 200);
      assert.equal(json.event.id, event.id);
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

// The shop's routes that change something, with a body each would accept.
const shopRoutes = [
  {
    path: "/api/payment-intents",
    body: { items: [{ sku: "mug", quantity: 1 }], email: "a@b.example" },
  },
  {
    path: "/api/subscriptions",
    body: { sku: "membership", email: "a@b.example" },
  },
  {
    path: "/api/checkout-sessions",
    body: { items: [{ sku: "mug", quantity: 1 }] },
  },
  {
    path: "/api/payment-intents/pi_123/confirm",
    body: { token: "tok_1", client_secret: "pi_123_secret_abc" },
  },
];

describe("shop routes, direct mode, refuse cross-site requests", () => {
  let stripeApi;
  let shop;
  before(async () => {
    stripeApi = await startFakeStripe();
    shop = await startNext({
      env: {
        PAYMENTS_BACKEND: "direct",
        STRIPE_SECRET_KEY: "sk_test_localstripe",
        NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: "pk_test_localstripe",
        STRIPE_API_BASE: stripeApi.url,
        SHOP_ORIGINS: undefined,
      },
    });
  });
  after(async () => {
    await shop?.stop();
    await stripeApi?.stop();
  });

  for (const { path, body } of shopRoutes) {
    test(`${path}: another site's Origin gets 403, and nothing is created`, async () => {
      stripeApi.requests.length = 0;
      for (const origin of [
        "https://evil.example",
        // Another port or scheme of the shop's host is another origin's page.
        new URL(shop.url).origin.replace(/:\d+$/, ":1"),
        "null",
      ]) {
        for (const contentType of ["application/json", "text/plain"]) {
          const response = await post(shop.url, path, JSON.stringify(body), {
            "content-type": contentType,
            origin,
          });
          assert.equal(response.status, 403, `${origin} ${contentType}`);
          assert.equal((await response.json()).error.code, "foreign_origin");
          assert.deepEqual(response.headers.getSetCookie(), []);
        }
      }
      assert.deepEqual(stripeApi.requests, [], "Stripe was called");
      assert.match(shop.logs(), /shop refused \S+ reason=foreign_origin/);
    });

    test(`${path}: a body not declared JSON gets 415, and nothing is created`, async () => {
      stripeApi.requests.length = 0;
      for (const contentType of [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        undefined,
      ]) {
        // Without an Origin, as curl sends it, and from the shop's own page.
        for (const origin of [undefined, shop.url]) {
          const headers = {};
          if (contentType !== undefined) headers["content-type"] = contentType;
          if (origin !== undefined) headers.origin = origin;
          const response = await post(
            shop.url,
            path,
            JSON.stringify(body),
            headers,
          );
          assert.equal(response.status, 415, `${contentType} ${origin}`);
          assert.equal(
            (await response.json()).error.code,
            "unsupported_media_type",
          );
        }
      }
      assert.deepEqual(stripeApi.requests, [], "Stripe was called");
    });

    test(`${path}: a body over 64 KiB gets 413, with or without its length`, async () => {
      stripeApi.requests.length = 0;
      // A valid body, padded past the limit with a field no route reads.
      const big = JSON.stringify({ ...body, pad: "x".repeat(65 * 1024) });
      const headers = { "content-type": "application/json" };
      for (const sent of [big, streamOf(big)]) {
        const response = await fetch(shop.url + path, {
          method: "POST",
          headers,
          body: sent,
          duplex: "half",
        });
        assert.equal(response.status, 413, typeof sent);
        assert.equal((await response.json()).error.code, "body_too_large");
      }
      assert.deepEqual(stripeApi.requests, [], "Stripe was called");
    });

    test(`${path}: a body that is not JSON gets 400 invalid_json`, async () => {
      stripeApi.requests.length = 0;
      for (const sent of ["{", "", '{"items": [}']) {
        const response = await post(shop.url, path, sent, {
          "content-type": "application/json",
        });
        assert.equal(response.status, 400, JSON.stringify(sent));
        assert.equal((await response.json()).error.code, "invalid_json");
      }
      assert.deepEqual(stripeApi.requests, [], "Stripe was called");
    });
  }

  test("the edge payment-status route cuts off a long body as it streams", async () => {
    stripeApi.requests.length = 0;
    const big = JSON.stringify({
      return_url: `https://x/?${"a".repeat(8192)}`,
    });
    const response = await fetch(`${shop.url}/api/payment-status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: streamOf(big),
      duplex: "half",
    });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error.code, "invalid_body");
    assert.deepEqual(stripeApi.requests, [], "Stripe was called");
  });

  test("the shop's own page, or a client without Origin, still gets 201", async () => {
    const { body } = shopRoutes[0];
    for (const headers of [
      { "content-type": "application/json", origin: shop.url },
      { "content-type": "Application/JSON; charset=utf-8", origin: shop.url },
      { "content-type": "application/json" },
    ]) {
      stripeApi.requests.length = 0;
      const response = await post(
        shop.url,
        "/api/payment-intents",
        JSON.stringify(body),
        headers,
      );
      assert.equal(response.status, 201, JSON.stringify(headers));
      const started = await response.json();
      assert.match(started.client_secret, /^pi_\w+_secret_\w+$/);
      assert.deepEqual(
        stripeApi.requests.map((request) => request.path),
        ["/v1/customers", "/v1/payment_intents"],
      );
      assert.match(customerCookie(response), /^cus_/);
    }
  });

  test("behind a proxy, the host the browser used is the shop's (X-Forwarded-Host)", async () => {
    const { body } = shopRoutes[0];
    const proxied = (origin, forwardedHost) =>
      post(shop.url, "/api/payment-intents", JSON.stringify(body), {
        "content-type": "application/json",
        origin,
        "x-forwarded-host": forwardedHost,
      });

    assert.equal(
      (await proxied("https://shop.example", "shop.example")).status,
      201,
    );
    assert.equal(
      (await proxied("https://Shop.Example", "shop.example:443, 10.0.0.1"))
        .status,
      201,
    );
    assert.equal(
      (await proxied("https://evil.example", "shop.example")).status,
      403,
    );
    // The forwarded host wins over Host, as in Next's check of Server Actions.
    assert.equal((await proxied(shop.url, "shop.example")).status, 403);
  });
});

describe("shop routes, direct mode, with a customer cookie Stripe no longer knows", () => {
  let stripeApi;
  let shop;
  before(async () => {
    stripeApi = await startFakeStripe();
    shop = await startNext({
      env: {
        PAYMENTS_BACKEND: "direct",
        STRIPE_SECRET_KEY: "sk_test_localstripe",
        NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: "pk_test_localstripe",
        STRIPE_API_BASE: stripeApi.url,
      },
    });
  });
  after(async () => {
    await shop?.stop();
    await stripeApi?.stop();
  });

  // How each server says so: Stripe names the parameter, localstripe answers
  // a bare 404.
  for (const missing of ["stripe", "localstripe"]) {
    test(`pays as a new customer with the email given (${missing})`, async () => {
      stripeApi.missingCustomer = missing;
      stripeApi.requests.length = 0;

      const response = await postAs(
        "cus_gone",
        shop.url,
        "/api/payment-intents",
        {
          items: [{ sku: "mug", quantity: 1 }],
          email: "back@example.com",
        },
      );

      assert.equal(response.status, 201, await peek(response));
      const customerId = customerCookie(response);
      assert.match(customerId, /^cus_fake/);
      assert.deepEqual(
        stripeApi.requests.map(({ path, params }) => [
          path,
          params.customer ?? params.email,
        ]),
        [
          ["/v1/payment_intents", "cus_gone"],
          ["/v1/customers", "back@example.com"],
          ["/v1/payment_intents", customerId],
        ],
      );
      assert.match(
        shop.logs(),
        /shop forgot a customer the backend no longer has/,
      );
    });

    test(`pays without a customer when no email is given, and forgets the cookie (${missing})`, async () => {
      stripeApi.missingCustomer = missing;
      stripeApi.requests.length = 0;

      const response = await postAs(
        "cus_gone",
        shop.url,
        "/api/payment-intents",
        {
          items: [{ sku: "mug", quantity: 1 }],
        },
      );

      assert.equal(response.status, 201, await peek(response));
      assert.equal(customerCookie(response), "");
      assert.deepEqual(
        stripeApi.requests.map(({ path, params }) => [path, params.customer]),
        [
          ["/v1/payment_intents", "cus_gone"],
          ["/v1/payment_intents", undefined],
        ],
      );
    });

    test(`subscribes as a new customer with the email given (${missing})`, async () => {
      stripeApi.missingCustomer = missing;
      stripeApi.requests.length = 0;

      const response = await postAs(
        "cus_gone",
        shop.url,
        "/api/subscriptions",
        {
          sku: "membership",
          email: "back@example.com",
        },
      );

      assert.equal(response.status, 201, await peek(response));
      const customerId = customerCookie(response);
      assert.match(customerId, /^cus_fake/);
      const subscriptions = stripeApi.requests.filter(
        ({ path }) => path === "/v1/subscriptions",
      );
      assert.deepEqual(
        subscriptions.map(({ params }) => params.customer),
        ["cus_gone", customerId],
      );
    });
  }

  test("asks for the email to subscribe when the remembered customer is gone", async () => {
    stripeApi.missingCustomer = "stripe";
    const response = await postAs("cus_gone", shop.url, "/api/subscriptions", {
      sku: "membership",
    });
    assert.equal(response.status, 400);
    assert.match((await response.json()).error.message, /valid email/);
    assert.equal(customerCookie(response), "");
  });

  test("keeps a customer that exists when the payment fails for another reason", async () => {
    const known = stripeApi.addCustomer();
    stripeApi.failNextPaymentIntent = {
      status: 400,
      error: {
        type: "invalid_request_error",
        code: "resource_missing",
        param: "payment_method",
        message: "No such PaymentMethod: 'pm_gone'",
      },
    };
    stripeApi.requests.length = 0;

    const response = await postAs(known, shop.url, "/api/payment-intents", {
      items: [{ sku: "mug", quantity: 1 }],
      email: "known@example.com",
    });

    assert.equal(response.status, 400);
    // Stripe refused what the shop sent: the buyer's card is not to blame.
    const { error } = await response.json();
    assert.equal(error.problem, "shop_error");
    assert.doesNotMatch(error.message, /another card/);
    assert.equal(customerCookie(response), undefined, "the cookie changed");
    assert.equal(stripeApi.requests.length, 1, "the payment was retried");
  });

  test("a failed 3-D Secure check Stripe answers as a 400 keeps its message", async () => {
    stripeApi.failNextPaymentIntent = {
      status: 400,
      error: {
        type: "invalid_request_error",
        code: "payment_intent_authentication_failure",
        message: "We are unable to authenticate your payment method.",
      },
    };
    const response = await postJson(shop.url, "/api/payment-intents", {
      items: [{ sku: "mug", quantity: 1 }],
    });
    assert.equal(response.status, 400);
    const { error } = await response.json();
    assert.equal(error.problem, "authentication_failed");
    assert.equal(error.code, "payment_intent_authentication_failure");
    assert.doesNotMatch(error.message, /our side/);
  });
});

describe("shop routes, worker mode, with a customer cookie the Worker no longer knows", () => {
  let workerApi;
  let shop;
  before(async () => {
    workerApi = await startFakeWorker();
    const port = await freePort();
    shop = await startNext({
      port,
      env: {
        PAYMENTS_BACKEND: "worker",
        WORKER_URL: workerApi.url,
        STRIPE_SECRET_KEY: undefined,
        STRIPE_API_BASE: undefined,
        NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: "pk_test_localstripe",
        // The shop's origins pinned, as behind a proxy that rewrites Host.
        SHOP_ORIGINS: `http://127.0.0.1:${port}, https://shop.example/`,
      },
    });
  });
  after(async () => {
    await shop?.stop();
    await workerApi?.stop();
  });

  test("pays as a new customer with the email given", async () => {
    workerApi.requests.length = 0;
    const response = await postAs(
      "cus_gone",
      shop.url,
      "/api/payment-intents",
      {
        items: [{ sku: "mug", quantity: 1 }],
        email: "back@example.com",
      },
    );

    assert.equal(response.status, 201, await peek(response));
    const customerId = customerCookie(response);
    assert.match(customerId, /^cus_fake/);
    assert.deepEqual(
      workerApi.requests.map(({ path, body }) => [
        path,
        body.customer_id ?? body.email,
      ]),
      [
        ["/payment-intents", "cus_gone"],
        ["/customers", "back@example.com"],
        ["/payment-intents", customerId],
      ],
    );
  });

  test("pays without a customer when no email is given, and forgets the cookie", async () => {
    workerApi.requests.length = 0;
    const response = await postAs(
      "cus_gone",
      shop.url,
      "/api/payment-intents",
      {
        items: [{ sku: "mug", quantity: 1 }],
      },
    );

    assert.equal(response.status, 201, await peek(response));
    assert.equal(customerCookie(response), "");
    assert.deepEqual(
      workerApi.requests.map(({ body }) => body.customer_id),
      ["cus_gone", undefined],
    );
  });

  test("subscribes as a new customer with the email given", async () => {
    workerApi.requests.length = 0;
    const response = await postAs("cus_gone", shop.url, "/api/subscriptions", {
      sku: "membership",
      email: "back@example.com",
    });

    assert.equal(response.status, 201, await peek(response));
    const customerId = customerCookie(response);
    assert.deepEqual(
      workerApi.requests
        .filter(({ path }) => path === "/subscriptions")
        .map(({ body }) => body.customer_id),
      ["cus_gone", customerId],
    );
  });

  test("/subscribe offers only a subscription product", async () => {
    const page = async (query) =>
      (await fetch(new URL(`/subscribe${query}`, shop.url))).text();
    assert.match(await page(""), /Subscribe: /);
    assert.match(await page("?sku=membership"), /Subscribe: /);
    for (const query of ["?sku=mug", "?sku=nope"]) {
      const html = await page(query);
      assert.match(html, /No such subscription is on sale/, query);
      assert.doesNotMatch(html, /Subscribe: /, query);
    }
  });

  test("a subscription Stripe refuses says the shop failed, not the card", async () => {
    workerApi.refuseSubscriptions = true;
    try {
      const response = await postAs(
        "cus_gone",
        shop.url,
        "/api/subscriptions",
        { sku: "membership", email: "refused@example.com" },
      );
      assert.equal(response.status, 400);
      const { error } = await response.json();
      assert.equal(error.problem, "shop_error");
      assert.match(error.message, /not with your card/);
    } finally {
      workerApi.refuseSubscriptions = false;
    }
  });

  test("the return page shows a subscription's payment only for its whole client secret", async () => {
    const started = await postAs("cus_gone", shop.url, "/api/subscriptions", {
      sku: "membership",
      email: "return@example.com",
    });
    assert.equal(started.status, 201, await peek(started));
    const { subscription_id, client_secret } = await started.json();
    const [intentId, random] = client_secret.split("_secret_");
    const returnPage = async (secret, subscription = subscription_id) => {
      const url = new URL("/return", shop.url);
      url.search = new URLSearchParams({
        subscription,
        payment_intent: intentId,
        payment_intent_client_secret: secret,
        redirect_status: "succeeded",
      }).toString();
      const response = await fetch(url);
      assert.equal(response.status, 200);
      return response.text();
    };

    workerApi.requests.length = 0;
    assert.match(await returnPage(client_secret), /subscription is active/);
    // The Worker was asked with the secret in the body, not in a URL.
    assert.deepEqual(workerApi.requests, [
      {
        path: `/payments/${intentId}/status`,
        body: { client_secret, subscription_id },
      },
    ]);

    const flipped = random.endsWith("0") ? "1" : "0";
    const tampered = `${intentId}_secret_${random.slice(0, -1)}${flipped}`;
    const refused = await returnPage(tampered);
    assert.match(refused, /This payment link is not valid/);
    assert.doesNotMatch(refused, /subscription is active/);
    // The genuine secret under another subscription's id.
    const otherSubscription = await returnPage(client_secret, "sub_fake999999");
    assert.match(otherSubscription, /This payment link is not valid/);
  });

  test("SHOP_ORIGINS decides which origins are the shop's", async () => {
    const attempt = (origin, forwardedHost) => {
      const headers = { "content-type": "application/json", origin };
      if (forwardedHost) headers["x-forwarded-host"] = forwardedHost;
      return post(
        shop.url,
        "/api/payment-intents",
        JSON.stringify({ items: [{ sku: "mug", quantity: 1 }] }),
        headers,
      );
    };
    assert.equal((await attempt("https://shop.example")).status, 201);
    assert.equal((await attempt(shop.url)).status, 201);
    // The list is the whole truth: a host header naming the page's own host
    // does not make it the shop's.
    assert.equal(
      (await attempt("https://evil.example", "evil.example")).status,
      403,
    );
  });
});

/** A POST with the browser's cookie naming `customerId`. */
function postAs(customerId, base, path, body) {
  return post(base, path, JSON.stringify(body), {
    "content-type": "application/json",
    cookie: `shop_customer=${customerId}`,
  });
}

function post(base, path, body, headers) {
  return fetch(base + path, { method: "POST", headers, body });
}

/** `text` as a stream in 16 KiB pieces: fetch sends it chunked, with no length. */
function streamOf(text) {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 16 * 1024));
      offset += 16 * 1024;
    },
  });
}

/**
 * The `shop_customer` value the response sets: `""` when it deletes the
 * cookie, `undefined` when it leaves it alone.
 */
function customerCookie(response) {
  let value;
  for (const line of response.headers.getSetCookie()) {
    const match = /^shop_customer=([^;]*)/.exec(line);
    if (!match) continue;
    const expired =
      /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line);
    value = expired ? "" : match[1];
  }
  return value;
}

async function peek(response) {
  return response.clone().text();
}

/**
 * A stand-in for Stripe's API with what the shop's direct mode calls:
 * customers, payment intents, products and subscriptions. Customers it did
 * not create are missing, answered the way `missingCustomer` says: `stripe`
 * (400 `resource_missing` on `customer`, as api.stripe.com) or `localstripe`
 * (a bare 404). `requests` records every call with its form params.
 */
async function startFakeStripe() {
  const customers = new Set();
  let serial = 0;
  const nextId = (prefix) =>
    `${prefix}_fake${(serial += 1).toString().padStart(6, "0")}`;
  const fake = {
    requests: [],
    missingCustomer: "stripe",
    failNextPaymentIntent: null,
    addCustomer() {
      const id = nextId("cus");
      customers.add(id);
      return id;
    },
  };

  function missing(id) {
    return fake.missingCustomer === "stripe"
      ? {
          status: 400,
          error: {
            type: "invalid_request_error",
            code: "resource_missing",
            param: "customer",
            message: `No such customer: '${id}'`,
          },
        }
      : {
          status: 404,
          error: { type: "invalid_request_error", message: "Not Found" },
        };
  }

  const server = createServer(async (request, response) => {
    let text = "";
    for await (const chunk of request) text += chunk;
    const params = Object.fromEntries(new URLSearchParams(text));
    const path = new URL(request.url, "http://fake").pathname;
    fake.requests.push({ method: request.method, path, params });
    const answer = (status, body) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };

    if (request.method === "POST" && path === "/v1/customers") {
      const id = fake.addCustomer();
      return answer(200, { id, object: "customer", email: params.email });
    }
    if (request.method === "POST" && path === "/v1/payment_intents") {
      if (fake.failNextPaymentIntent) {
        const { status, error } = fake.failNextPaymentIntent;
        fake.failNextPaymentIntent = null;
        return answer(status, { error });
      }
      if (params.customer && !customers.has(params.customer)) {
        const { status, error } = missing(params.customer);
        return answer(status, { error });
      }
      const id = nextId("pi");
      return answer(200, {
        id,
        object: "payment_intent",
        amount: Number(params.amount),
        currency: params.currency,
        customer: params.customer ?? null,
        status: "requires_payment_method",
        client_secret: `${id}_secret_${randomBytes(12).toString("hex")}`,
        metadata: { order_id: params["metadata[order_id]"] },
      });
    }
    if (request.method === "GET" && path.startsWith("/v1/products/")) {
      return answer(404, {
        error: {
          type: "invalid_request_error",
          code: "resource_missing",
          message: "No such product",
        },
      });
    }
    if (request.method === "POST" && path === "/v1/products") {
      return answer(200, {
        id: params.id,
        object: "product",
        name: params.name,
      });
    }
    if (request.method === "POST" && path === "/v1/subscriptions") {
      if (!customers.has(params.customer)) {
        const { status, error } = missing(params.customer);
        return answer(status, { error });
      }
      return answer(200, {
        id: nextId("sub"),
        object: "subscription",
        customer: params.customer,
        status: "incomplete",
        latest_invoice: null,
      });
    }
    return answer(404, {
      error: { type: "invalid_request_error", message: "Not Found" },
    });
  });
  return Object.assign(fake, await listen(server));
}

/**
 * A stand-in for the stripe-edge Worker's shop routes, answering as the
 * Worker does (`worker/src/routes.rs`): a customer it did not create is
 * missing at Stripe, 404 `stripe_resource_missing`.
 */
async function startFakeWorker() {
  const customers = new Set();
  const intents = new Map();
  let serial = 0;
  const nextId = (prefix) =>
    `${prefix}_fake${(serial += 1).toString().padStart(6, "0")}`;
  const fake = { requests: [] };

  const server = createServer(async (request, response) => {
    let text = "";
    for await (const chunk of request) text += chunk;
    const body = text ? JSON.parse(text) : {};
    const path = new URL(request.url, "http://fake").pathname;
    if (request.method === "POST") fake.requests.push({ path, body });
    const answer = (status, json) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(json));
    };
    const stripeMissing = () =>
      answer(404, {
        error: {
          code: "stripe_resource_missing",
          message: "Stripe has no such object",
        },
      });

    if (request.method === "POST" && path === "/customers") {
      const id = nextId("cus");
      customers.add(id);
      return answer(201, { customer_id: id });
    }
    if (request.method === "POST" && path === "/payment-intents") {
      if (body.customer_id && !customers.has(body.customer_id))
        return stripeMissing();
      const id = nextId("pi");
      return answer(201, {
        order_id: nextId("ord"),
        payment_intent_id: id,
        client_secret: `${id}_secret_${randomBytes(12).toString("hex")}`,
        amount: 1200,
        currency: "eur",
        status: "requires_payment_method",
      });
    }
    if (request.method === "POST" && path === "/subscriptions") {
      if (!customers.has(body.customer_id)) return stripeMissing();
      if (fake.refuseSubscriptions) {
        // As the Worker passes on Stripe's 400 for a price it lacks.
        return answer(400, {
          error: {
            code: "stripe_invalid_request",
            message: "Stripe refused the request",
          },
        });
      }
      // The first invoice's PaymentIntent, as if the buyer then paid it.
      const intentId = nextId("pi");
      const clientSecret = `${intentId}_secret_${randomBytes(12).toString("hex")}`;
      const subscriptionId = nextId("sub");
      intents.set(intentId, {
        clientSecret,
        status: "succeeded",
        subscriptionId,
      });
      return answer(201, {
        subscription_id: subscriptionId,
        status: "incomplete",
        client_secret: clientSecret,
      });
    }
    const statusPath = /^\/payments\/([^/]+)\/status$/.exec(path);
    if (request.method === "POST" && statusPath) {
      // The Worker answers only for the whole secret, and the subscription's
      // latest invoice when one is named; 404 alike otherwise.
      const intent = intents.get(statusPath[1]);
      if (
        !intent ||
        intent.clientSecret !== body.client_secret ||
        (body.subscription_id !== undefined &&
          body.subscription_id !== intent.subscriptionId)
      ) {
        return answer(404, {
          error: {
            code: "not_found",
            message: "no such payment for this client secret",
          },
        });
      }
      return answer(200, {
        id: statusPath[1],
        status: intent.status,
        amount: 900,
        currency: "eur",
        order_id: null,
      });
    }
    return answer(404, {
      error: { code: "not_found", message: "no such route" },
    });
  });
  return Object.assign(fake, await listen(server));
}

function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        stop: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

function postJson(base, path, body) {
  return fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/**
 * Posts a delivery the way Stripe does; `header` undefined sends none.
 * `extraHeaders` replace or add to Stripe's.
 */
async function deliver(path, body, header, extraHeaders = {}) {
  const headers = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    ...extraHeaders,
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
