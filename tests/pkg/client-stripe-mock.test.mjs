// Every method of the client, sent to stripe-mock (which checks each request
// against Stripe's OpenAPI spec): accepted, and its answer is the object the
// method promises. Also the same calls through require(), the CommonJS build, and
// from inside workerd (wrangler dev), with the runtime's own fetch, timers and
// crypto. One stripe-mock serves them all: its ports are fixed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esm from "stripe-edge";
import { freePort, startService } from "../../scripts/service.mjs";
import { STRIPE_MOCK_KEY, startStripeMock } from "../../scripts/stripe-mock.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cjs = createRequire(import.meta.url)("stripe-edge");
let mock;
let worker;
let workerUrl;

before(async () => {
  mock = await startStripeMock();
  const port = await freePort();
  workerUrl = `http://127.0.0.1:${port}`;
  worker = await startService({
    name: "wrangler dev (client test worker)",
    command: join(root, "node_modules/.bin/wrangler"),
    args: [
      "dev",
      "-c",
      join(root, "tests/pkg/client-worker/wrangler.toml"),
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
    ],
    cwd: root,
    env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    readyUrl: workerUrl,
  });
});

after(async () => {
  await Promise.all([worker?.stop(), mock?.stop()]);
});

/** Each call: [resource path, method, args, the `object` of the answer]. */
const CALLS = [
  ["paymentIntents", "create", [{ amount: 1000, currency: "usd", metadata: { order: "42" } }], "payment_intent"],
  ["paymentIntents", "retrieve", ["pi_1", { expand: ["customer"] }], "payment_intent"],
  ["paymentIntents", "update", ["pi_1", { description: "", metadata: { order: null } }], "payment_intent"],
  ["paymentIntents", "confirm", ["pi_1", { payment_method: "pm_card_visa" }], "payment_intent"],
  ["paymentIntents", "capture", ["pi_1", { amount_to_capture: 500 }], "payment_intent"],
  ["paymentIntents", "cancel", ["pi_1"], "payment_intent"],
  ["paymentIntents", "list", [{ limit: 3, created: { gte: new Date(1_700_000_000_000) } }], "list"],
  ["paymentIntents", "search", [{ query: "status:'succeeded'" }], "search_result"],
  ["setupIntents", "create", [{ usage: "off_session", automatic_payment_methods: { enabled: true } }], "setup_intent"],
  ["setupIntents", "retrieve", ["seti_1"], "setup_intent"],
  ["setupIntents", "update", ["seti_1", { metadata: { a: "b" } }], "setup_intent"],
  ["setupIntents", "confirm", ["seti_1", { payment_method: "pm_card_visa" }], "setup_intent"],
  ["setupIntents", "cancel", ["seti_1"], "setup_intent"],
  ["setupIntents", "list", [], "list"],
  ["customers", "create", [{ email: "jenny@example.com", name: "Zoë", address: { country: "FR" } }], "customer"],
  ["customers", "retrieve", ["cus_1"], "customer"],
  ["customers", "update", ["cus_1", { invoice_settings: { default_payment_method: "pm_1" } }], "customer"],
  ["customers", "del", ["cus_1"], "customer"],
  ["customers", "list", [{ email: "jenny@example.com" }], "list"],
  ["customers", "search", [{ query: "email:'jenny@example.com'" }], "search_result"],
  ["customers", "listPaymentMethods", ["cus_1", { type: "card" }], "list"],
  ["paymentMethods", "create", [{ type: "card", card: { token: "tok_visa" } }], "payment_method"],
  ["paymentMethods", "retrieve", ["pm_1"], "payment_method"],
  ["paymentMethods", "attach", ["pm_1", { customer: "cus_1" }], "payment_method"],
  ["paymentMethods", "detach", ["pm_1"], "payment_method"],
  ["paymentMethods", "list", [{ customer: "cus_1", type: "card" }], "list"],
  [
    "checkout.sessions",
    "create",
    [
      {
        mode: "payment",
        ui_mode: "hosted_page",
        line_items: [{ price: "price_1", quantity: 2 }],
        success_url: "https://example.com/success?session_id={CHECKOUT_SESSION_ID}",
      },
    ],
    "checkout.session",
  ],
  [
    "checkout.sessions",
    "create",
    [
      {
        mode: "subscription",
        ui_mode: "embedded_page",
        line_items: [{ price: "price_1", quantity: 1 }],
        return_url: "https://example.com/return?session_id={CHECKOUT_SESSION_ID}",
      },
    ],
    "checkout.session",
  ],
  ["checkout.sessions", "retrieve", ["cs_test_1"], "checkout.session"],
  ["checkout.sessions", "expire", ["cs_test_1"], "checkout.session"],
  ["checkout.sessions", "list", [{ limit: 5 }], "list"],
  ["checkout.sessions", "listLineItems", ["cs_test_1"], "list"],
  ["subscriptions", "create", [{ customer: "cus_1", items: [{ price: "price_1" }] }], "subscription"],
  ["subscriptions", "retrieve", ["sub_1"], "subscription"],
  ["subscriptions", "update", ["sub_1", { cancel_at_period_end: true }], "subscription"],
  ["subscriptions", "cancel", ["sub_1"], "subscription"],
  ["subscriptions", "list", [{ status: "all" }], "list"],
  ["prices", "create", [{ currency: "usd", unit_amount: 1500, product: "prod_1", recurring: { interval: "month" } }], "price"],
  ["prices", "retrieve", ["price_1"], "price"],
  ["prices", "update", ["price_1", { nickname: "monthly" }], "price"],
  ["prices", "list", [{ active: true }], "list"],
  ["products", "create", [{ name: "T-shirt" }], "product"],
  ["products", "retrieve", ["prod_1"], "product"],
  ["products", "update", ["prod_1", { active: false }], "product"],
  ["products", "del", ["prod_1"], "product"],
  ["products", "list", [], "list"],
  ["refunds", "create", [{ payment_intent: "pi_1", amount: 500 }], "refund"],
  ["refunds", "retrieve", ["re_1"], "refund"],
  ["refunds", "update", ["re_1", { metadata: { reason: "test" } }], "refund"],
  ["refunds", "cancel", ["re_1"], "refund"],
  ["refunds", "list", [], "list"],
  ["invoices", "retrieve", ["in_1"], "invoice"],
  ["invoices", "list", [{ customer: "cus_1" }], "list"],
  ["invoices", "pay", ["in_1", { off_session: true }], "invoice"],
  ["billingPortal.sessions", "create", [{ customer: "cus_1", return_url: "https://example.com" }], "billing_portal.session"],
  [
    "customerSessions",
    "create",
    [{ customer: "cus_1", components: { payment_element: { enabled: true } } }],
    "customer_session",
  ],
  ["events", "retrieve", ["evt_1"], "event"],
  ["events", "list", [{ type: "payment_intent.succeeded" }], "list"],
];

function method(client, resource, name) {
  const target = resource.split(".").reduce((object, part) => object[part], client);
  return target[name];
}

for (const [label, api] of [
  ["ESM", esm],
  ["CommonJS", cjs],
]) {
  test(`stripe-mock (${label}): every method is accepted and answers its object`, async () => {
    const client = new api.StripeClient({ secretKey: STRIPE_MOCK_KEY, apiBase: mock.url });
    for (const [resource, name, args, object] of CALLS) {
      const label = `${resource}.${name}`;
      const result = await method(client, resource, name)(...args).catch((error) => {
        assert.fail(`${label}: ${error.name} ${error.message}`);
      });
      assert.equal(result.object, object, label);
      assert.equal(result.lastResponse.statusCode, 200, label);
    }
  });
}

test("stripe-mock: every covered endpoint is called here", () => {
  const covered = new Set(CALLS.map(([resource, name]) => `${resource}.${name}`));
  const client = new esm.StripeClient({ secretKey: STRIPE_MOCK_KEY, apiBase: mock.url });
  const methods = [];
  const walk = (object, prefix) => {
    for (const [name, value] of Object.entries(object)) {
      if (typeof value === "function") methods.push(`${prefix}${name}`);
      else walk(value, `${prefix}${name}.`);
    }
  };
  walk(client, "");
  assert.deepEqual(methods.filter((name) => !covered.has(name)), []);
});

test("stripe-mock: the spec's refusal is a typed error, from either build", async () => {
  for (const api of [esm, cjs]) {
    const client = new api.StripeClient({ secretKey: STRIPE_MOCK_KEY, apiBase: mock.url });
    await assert.rejects(client.paymentIntents.create({ amount: 1000 }), (error) => {
      // Classes from both builds accept the error.
      assert.ok(error instanceof esm.StripeInvalidRequestError);
      assert.ok(error instanceof cjs.StripeInvalidRequestError);
      assert.ok(error instanceof cjs.StripeError);
      assert.ok(!(error instanceof esm.StripeCardError));
      assert.equal(error.statusCode, 400);
      assert.match(error.message, /currency/);
      return true;
    });
  }
});

test("workerd: the client creates, pages and throws typed errors", async () => {
  const response = await fetch(`${workerUrl}/?api=${encodeURIComponent(mock.url)}`);
  const answer = await response.json();
  assert.equal(response.status, 200, JSON.stringify(answer));
  assert.equal(answer.customer, "customer");
  assert.equal(answer.intent, "payment_intent");
  assert.ok(answer.listed.length >= 1);
  assert.ok(answer.listed.every((object) => object === "payment_intent"));
  assert.deepEqual(answer.refusal, {
    name: "StripeInvalidRequestError",
    typed: true,
    base: true,
    statusCode: 400,
  });
});

test("edge-light: the client's entry pulls in no Node built-in", async () => {
  const { build } = await import("esbuild");
  const result = await build({
    stdin: {
      contents: 'export { StripeClient } from "stripe-edge";',
      resolveDir: fileURLToPath(new URL(".", import.meta.url)),
    },
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    conditions: ["edge-light"],
    external: ["*.wasm?module"],
    metafile: true,
    logLevel: "silent",
  });
  const imports = Object.values(result.metafile.inputs).flatMap((input) =>
    input.imports.map((imported) => imported.path),
  );
  assert.ok(imports.some((path) => path.endsWith("dist/edge.mjs")));
  assert.deepEqual(
    imports.filter((path) => path.startsWith("node:")),
    [],
  );
});
