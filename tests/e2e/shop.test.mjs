// The example shop end to end in headless Chromium, on the local stack:
// localstripe (port 8423) as Stripe, signing real webhooks, and the built
// Next.js app under `next start`, once per backend: `direct` (the app calls
// Stripe and keeps the orders) and `worker` (the Worker under wrangler dev
// does, with orders in D1). The browser pays with localstripe's Stripe.js
// mock, clicking through as a buyer would.
//
// Needs the app and the Worker built (make nextjs worker) and Debian's
// chromium (scripts/setup.sh).
// Run from the repository root: node --test tests/e2e/shop.test.mjs
// Each test saves a screenshot under artifacts/e2e/.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  LOCALSTRIPE_KEY,
  startLocalstripe,
} from "../../scripts/localstripe.mjs";
import { appDir, startNext } from "../../scripts/nextjs.mjs";
import { freePort } from "../../scripts/service.mjs";
import { startWorker } from "../../scripts/worker.mjs";

// playwright-core is the example's dev dependency; it drives Debian's
// chromium and never downloads a browser.
const { chromium } = createRequire(join(appDir, "package.json"))(
  "playwright-core",
);

const root = fileURLToPath(new URL("../../", import.meta.url));
const artifacts = join(root, "artifacts", "e2e");
const LOCALSTRIPE_PORT = 8423;
const WEBHOOK_TIMEOUT_MS = 20_000;
const workerLog = join(artifacts, "worker.log");

const cards = {
  visa: "4242424242424242",
  // localstripe declines the charge of this card ("Your card was declined.").
  declined: "4000000000000341",
  threeDSecure: "4000002500003155",
};

let localstripe;
let browser;

before(async () => {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  localstripe = await startLocalstripe({
    port: LOCALSTRIPE_PORT,
    logFile: join(artifacts, "localstripe.log"),
  });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
    ],
  });
});

after(async () => {
  await browser?.close();
  await localstripe?.stop();
});

for (const backend of ["direct", "worker"]) {
  describe(`the shop on localstripe, ${backend} backend, in Chromium`, () => {
    let shop;
    let worker;
    let paidReturnUrl;
    const intents = new Set();
    const shot = (name) => join(artifacts, `${backend}-${name}.png`);

    before(async () => {
      const webhookSecret = `whsec_${randomBytes(24).toString("hex")}`;
      const shopPort = await freePort();
      if (backend === "worker") {
        const persistDir = join(root, ".wrangler", "e2e-state");
        rmSync(persistDir, { recursive: true, force: true });
        worker = await startWorker({
          port: await freePort(),
          webhookSecret,
          stripeSecretKey: LOCALSTRIPE_KEY,
          stripeApiBase: localstripe.url,
          frontendOrigins: `http://127.0.0.1:${shopPort}`,
          adminToken: `admin_${randomBytes(16).toString("hex")}`,
          persistDir,
          logFile: workerLog,
        });
        // The Worker marks its orders paid; the app's routes only verify.
        await localstripe.registerWebhook(
          "worker",
          `${worker.url}/webhooks/stripe`,
          webhookSecret,
        );
      }
      shop = await startNext({
        port: shopPort,
        env: {
          PAYMENTS_BACKEND: backend,
          WORKER_URL: worker?.url,
          // In worker mode only for the stand-in's confirm step.
          STRIPE_SECRET_KEY: LOCALSTRIPE_KEY,
          NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: "pk_test_localstripe",
          STRIPE_API_BASE: localstripe.url,
          STRIPE_WEBHOOK_SECRET: webhookSecret,
        },
        logFile: join(artifacts, `${backend}-nextjs.log`),
      });
      // Both routes get every event (the names replace the previous run's).
      await localstripe.registerWebhook(
        "shop-node",
        `${shop.url}/api/webhooks/stripe`,
        webhookSecret,
      );
      await localstripe.registerWebhook(
        "shop-edge",
        `${shop.url}/api/webhooks/stripe-edge`,
        webhookSecret,
      );
    });

    after(async () => {
      await shop?.stop();
      await worker?.stop();
    });

    test("buys a mug with 4242…, and the order is paid once the webhook lands", async (t) => {
      const page = await newPage(t);
      const started = await checkout(page, "mug");
      intents.add(started.payment_intent_id);
      assert.equal(started.amount, 1200, "the server priced the cart");

      await payWithCard(page, cards.visa);
      await page.waitForURL(/\/return\?/);
      paidReturnUrl = page.url();

      // The page turns to "paid" only when the order is, i.e. after the
      // verified payment_intent.succeeded was recorded by the backend.
      await page.locator('[data-state="succeeded"]').waitFor({
        timeout: WEBHOOK_TIMEOUT_MS,
      });
      await page.screenshot({ path: shot("paid") });
      assert.match(
        await page.locator("[data-state=succeeded]").innerText(),
        new RegExp(`Order ${started.order_id} is paid`),
      );
      if (backend === "direct") {
        assert.match(
          shop.logs(),
          new RegExp(`order ${started.order_id} paid event=evt_`),
        );
      }
      assert.equal((await order(started.order_id)).status, "paid");

      await page.goto(`${shop.url}/orders`);
      assert.equal(
        await page
          .locator(`[data-order="${started.order_id}"] [data-status]`)
          .innerText(),
        "paid",
      );

      // The paid cart was emptied: the next checkout does not charge for the
      // mug again.
      await page.goto(`${shop.url}/checkout`);
      await page.getByText("Your cart is empty").waitFor();
      await page.goto(shop.url);
      await page.locator('[data-sku="tshirt"] button').click();
      await page.goto(`${shop.url}/checkout`);
      assert.deepEqual(await cartLines(page), ["Edge T-shirt"]);
    });

    test("a declined card shows its message and leaves no paid order", async (t) => {
      const page = await newPage(t);
      const started = await checkout(page, "tshirt");
      intents.add(started.payment_intent_id);

      await payWithCard(page, cards.declined);
      const alert = page.locator("form[aria-label=Payment] [role=alert]");
      await alert.waitFor();
      await page.screenshot({ path: shot("declined") });
      assert.match(await alert.innerText(), /^Your card was declined\./);
      assert.equal(await alert.getAttribute("data-problem"), "declined");
      assert.match(page.url(), /\/checkout$/);
      // Nothing was bought: the cart still holds the T-shirt.
      await page.reload();
      assert.deepEqual(await cartLines(page), ["Edge T-shirt"]);

      // localstripe reports the failure with a signed payment_failed event;
      // once the backend has it, the order is failed, in both modes, and its
      // PaymentIntent stays open for another card.
      const event = await waitForEvent(
        "payment_intent.payment_failed",
        started.payment_intent_id,
      );
      await waitForDelivery(event);
      const after = await order(started.order_id);
      assert.equal(after.status, "failed");
      const intent = await localstripe.api(
        "GET",
        `/v1/payment_intents/${started.payment_intent_id}`,
      );
      assert.equal(intent.status, "requires_payment_method");
    });

    test("a card that asks for 3-D Secure is paid after the buyer authenticates", async (t) => {
      const page = await newPage(t);
      const started = await checkout(page, "stickers");
      intents.add(started.payment_intent_id);

      await payWithCard(page, cards.threeDSecure);
      // localstripe's mock shows its own authentication dialog.
      const authenticate = page.getByRole("button", {
        name: "Complete authentication",
      });
      await authenticate.waitFor();
      await page.screenshot({ path: shot("3ds-dialog") });
      await authenticate.click();

      await page.waitForURL(/\/return\?/);
      await page.locator('[data-state="succeeded"]').waitFor({
        timeout: WEBHOOK_TIMEOUT_MS,
      });
      await page.screenshot({ path: shot("3ds-paid") });
      assert.equal((await order(started.order_id)).status, "paid");
    });

    test("a customer cookie the backend no longer knows does not stop a purchase", async (t) => {
      // As after `make dev` restarted localstripe empty: the browser still
      // names a customer from before.
      const page = await newPage(t);
      const gone = "cus_GoneSinceRestart";
      await page
        .context()
        .addCookies([{ name: "shop_customer", value: gone, url: shop.url }]);
      const started = await checkout(page, "mug");
      intents.add(started.payment_intent_id);

      const intent = await localstripe.api(
        "GET",
        `/v1/payment_intents/${started.payment_intent_id}`,
      );
      const cookie = (await page.context().cookies(shop.url)).find(
        (entry) => entry.name === "shop_customer",
      );
      // A new customer for the email given at checkout replaced the cookie.
      assert.match(cookie?.value ?? "", /^cus_/);
      assert.notEqual(cookie.value, gone);
      assert.equal(intent.customer, cookie.value);
      await page.getByTestId("card-element").waitFor();
    });

    test("both webhook routes verified every event localstripe signed", async () => {
      const { data } = await localstripe.api("GET", "/v1/events?limit=100");
      const sent = data.filter((event) => intents.has(event.data.object.id));
      assert.ok(sent.length >= 3, "the purchases above caused events");
      for (const event of sent) {
        for (const runtime of ["node", "edge"]) {
          await waitForLog(
            `webhook verified runtime=${runtime} id=${event.id} type=${event.type}`,
          );
        }
      }
      assert.doesNotMatch(shop.logs(), /webhook refused/);
    });

    test("the return page refuses a tampered client secret", async (t) => {
      assert.ok(paidReturnUrl, "needs the paid order of the first test");
      const page = await newPage(t);
      const genuine = new URL(paidReturnUrl);
      const secret = genuine.searchParams.get("payment_intent_client_secret");
      const [id, random] = secret.split("_secret_");

      const otherIntent = await localstripe.api("POST", "/v1/payment_intents", {
        amount: "100",
        currency: "usd",
      });
      // The random part is compared by whoever holds the secret key: the shop
      // itself in direct mode, the Worker's POST /payments/:id/status else.
      const tampered = [
        ["another PaymentIntent's secret", otherIntent.client_secret],
        ["not a client secret", id],
        ["no client secret", ""],
        ["random part changed", `${id}_secret_${flipLast(random)}`],
      ];
      for (const [label, value] of tampered) {
        const url = new URL(genuine);
        url.searchParams.set("payment_intent_client_secret", value);
        await page.goto(url.href);
        const refused = page.locator('[data-state="error"]');
        await refused.waitFor();
        assert.match(
          await refused.innerText(),
          /This payment link is not valid/,
          label,
        );
        assert.equal(await page.locator("[data-state=succeeded]").count(), 0);
      }
      await page.screenshot({ path: shot("tampered") });

      // The genuine link still shows the paid order.
      await page.goto(genuine.href);
      await page.locator('[data-state="succeeded"]').waitFor();
      assert.ok(!shop.logs().includes(secret), "the log shows a secret");
    });

    test("the edge route reads the payment's status with the package's client", async () => {
      assert.ok(paidReturnUrl, "needs the paid order of the first test");
      const genuine = new URL(paidReturnUrl);
      const secret = genuine.searchParams.get("payment_intent_client_secret");
      const [id, random] = secret.split("_secret_");
      const status = (returnUrl) =>
        fetch(`${shop.url}/api/payment-status`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ return_url: returnUrl }),
        }).then(async (r) => ({
          status: r.status,
          body: await r.json(),
        }));

      const paid = await status(genuine.href);
      assert.equal(paid.status, 200);
      assert.deepEqual(Object.keys(paid.body).sort(), [
        "amount",
        "client_secret",
        "currency",
        "id",
        "status",
      ]);
      assert.equal(paid.body.id, id);
      assert.equal(paid.body.status, "succeeded");

      for (const forged of [`${id}_secret_${flipLast(random)}`, id, ""]) {
        const url = new URL(genuine);
        url.searchParams.set("payment_intent_client_secret", forged);
        const refused = await status(url.href);
        assert.equal(refused.status, 400, forged);
        assert.equal(refused.body.error.code, "invalid_return_url");
        assert.ok(!JSON.stringify(refused.body).includes(random));
      }
      for (const body of [
        "{}",
        '{"return_url":1}',
        "not json",
        "/return?x=1",
      ]) {
        const response = await fetch(`${shop.url}/api/payment-status`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body:
            body === "/return?x=1"
              ? JSON.stringify({ return_url: body })
              : body,
        });
        assert.equal(response.status, 400, body);
        assert.match(
          (await response.json()).error.code,
          /^invalid_(body|return_url)$/,
        );
      }
      // The secret travels in the body only: the query-string form is gone.
      const asQuery = await fetch(
        `${shop.url}/api/payment-status${genuine.search}`,
      );
      assert.equal(asQuery.status, 405);
      assert.ok(!shop.logs().includes(random), "the log shows a secret");
    });

    test("the stand-in's confirm route refuses a forged client secret", async () => {
      const response = await fetch(`${shop.url}/api/payment-intents`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ items: [{ sku: "mug", quantity: 1 }] }),
      });
      assert.equal(response.status, 201);
      const started = await response.json();
      // A card token made with the publishable key, as the mock's form does.
      const tokenResponse = await fetch(`${localstripe.url}/v1/tokens`, {
        method: "POST",
        body: new URLSearchParams({
          key: "pk_test_localstripe",
          "card[number]": cards.visa,
          "card[exp_month]": "12",
          "card[exp_year]": "2034",
          "card[cvc]": "123",
        }),
      });
      const token = await tokenResponse.json();
      assert.match(token.id, /^tok_/);

      const [id, random] = started.client_secret.split("_secret_");
      const confirm = (clientSecret) =>
        fetch(`${shop.url}/api/payment-intents/${id}/confirm`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            token: token.id,
            client_secret: clientSecret,
          }),
        });

      const forged = await confirm(`${id}_secret_${flipLast(random)}`);
      assert.equal(forged.status, 400);
      const intent = await localstripe.api("GET", `/v1/payment_intents/${id}`);
      assert.equal(intent.status, "requires_payment_method");

      const genuine = await confirm(started.client_secret);
      assert.equal(genuine.status, 200);
      assert.equal((await genuine.json()).status, "succeeded");
    });

    /**
     * Adds one product to the cart on the catalog page and starts paying at
     * the checkout. Resolves to what the shop's server answered.
     */
    async function checkout(page, sku) {
      await page.goto(shop.url);
      await page.locator(`[data-sku="${sku}"] button`).click();
      await page.goto(`${shop.url}/checkout`);
      await page.getByLabel("Email for the receipt").fill("buyer@example.com");
      const answer = page.waitForResponse(
        (response) =>
          response.url().endsWith("/api/payment-intents") &&
          response.request().method() === "POST",
      );
      await page.getByRole("button", { name: "Continue to payment" }).click();
      const response = await answer;
      assert.equal(response.status(), 201, await response.text());
      const started = await response.json();
      for (const field of [
        "order_id",
        "payment_intent_id",
        "client_secret",
        "amount",
        "currency",
      ]) {
        assert.ok(field in started, field);
      }
      return started;
    }

    /** The product names in the checkout's cart table. */
    async function cartLines(page) {
      await page.locator("table.cart").waitFor();
      return page.locator("table.cart tbody td:first-child").allInnerTexts();
    }

    async function order(orderId) {
      const response = await fetch(`${shop.url}/api/orders/${orderId}`);
      assert.equal(response.status, 200);
      return response.json();
    }

    /** localstripe's event of `type` about `intentId`, once it exists. */
    async function waitForEvent(type, intentId) {
      const deadline = Date.now() + WEBHOOK_TIMEOUT_MS;
      for (;;) {
        const { data } = await localstripe.api(
          "GET",
          `/v1/events?type=${type}&limit=100`,
        );
        const event = data.find((item) => item.data.object.id === intentId);
        if (event) return event;
        assert.ok(Date.now() < deadline, `localstripe sent no ${type}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }

    /** Waits until the backend that keeps the orders has processed `event`. */
    async function waitForDelivery(event) {
      if (backend === "direct") {
        await waitForLog(`webhook verified runtime=node id=${event.id} `);
        return;
      }
      const deadline = Date.now() + WEBHOOK_TIMEOUT_MS;
      // The Worker logs one JSON line per request, with the event's id.
      while (!readFileSync(workerLog, "utf8").includes(`"${event.id}"`)) {
        assert.ok(Date.now() < deadline, `the Worker never got ${event.id}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }

    async function waitForLog(expected) {
      const deadline = Date.now() + WEBHOOK_TIMEOUT_MS;
      while (!shop.logs().includes(expected)) {
        assert.ok(Date.now() < deadline, `the shop never logged "${expected}"`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  });
}

/** A fresh browser context per test, closed when the test ends. */
async function newPage(t) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Types a card into the mock's card Element and presses Pay. */
async function payWithCard(page, number) {
  const card = page.getByTestId("card-element");
  await card.locator("input[placeholder=number]").fill(number);
  await card.locator("input[placeholder=exp_month]").fill("12");
  await card.locator("input[placeholder=exp_year]").fill("34");
  await card.locator("input[placeholder=cvc]").fill("123");
  await card.locator("input[placeholder=postal_code]").fill("10115");
  await page.getByRole("button", { name: /^Pay / }).click();
}

function flipLast(text) {
  const last = text.at(-1);
  return text.slice(0, -1) + (last === "a" ? "b" : "a");
}
