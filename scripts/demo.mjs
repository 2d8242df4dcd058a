// The main job on the local stack: localstripe as Stripe, the Worker under wrangler
// dev with local D1, and the Next.js shop under next start. An order placed through
// the Worker (priced from its catalog) and paid with a test card makes localstripe
// sign and deliver real webhooks to all three endpoints; the report says what each
// verified, what D1 holds, that the order is paid, and how a tampered copy of a real
// delivery was refused.
//
//   node scripts/demo.mjs          run once, print the report, stop everything
//   node scripts/demo.mjs --keep   leave the stack running until Ctrl-C (make dev)
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { LOCALSTRIPE_KEY, startLocalstripe } from "./localstripe.mjs";
import { startNext } from "./nextjs.mjs";
import { freePort, nextStopSignal } from "./service.mjs";
import { startWorker } from "./worker.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const EXPECTED_EVENTS = ["customer.created", "payment_intent.succeeded"];
const DELIVERY_TIMEOUT_MS = 30_000;
/** What the demo buys: a catalog row seeded by worker/migrations/. */
const CART = [{ sku: "mug", quantity: 2 }];

/** Runs the demo and returns what it saw; `keep` leaves the stack up. */
export async function runDemo({ keep = false, log = console.log } = {}) {
  // A run beside another (make dev still up) takes other ports; its logs and D1
  // state are named after its Worker's port, so it leaves the other run's alone.
  const workerPort = await portOr(8787);
  const run = workerPort === 8787 ? "demo" : `demo-${workerPort}`;
  const logs = join(root, "artifacts", run);
  rmSync(logs, { recursive: true, force: true });
  mkdirSync(logs, { recursive: true });
  const persistDir = join(root, ".wrangler", `${run}-state`);
  rmSync(persistDir, { recursive: true, force: true });

  // A fresh secret per run, known only to localstripe and the three endpoints.
  const webhookSecret = `whsec_${randomBytes(24).toString("hex")}`;
  const adminToken = randomBytes(24).toString("hex");
  const stack = [];
  try {
    const localstripe = await startLocalstripe({
      port: await portOr(8420),
      logFile: join(logs, "localstripe.log"),
    });
    stack.push(localstripe);
    const nextPort = await portOr(3000);
    const worker = await startWorker({
      port: workerPort,
      webhookSecret,
      stripeSecretKey: LOCALSTRIPE_KEY,
      stripeApiBase: localstripe.url,
      adminToken,
      frontendOrigins: `http://127.0.0.1:${nextPort},http://localhost:${nextPort}`,
      persistDir,
      logFile: join(logs, "worker.log"),
    });
    stack.push(worker);
    const next = await startNext({
      port: nextPort,
      env: {
        PAYMENTS_BACKEND: "worker",
        WORKER_URL: worker.url,
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        STRIPE_API_BASE: localstripe.url,
        // localstripe's keys: not real ones; the shop's card form then uses its
        // Stripe.js mock.
        STRIPE_SECRET_KEY: LOCALSTRIPE_KEY,
        NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: "pk_test_localstripe",
      },
      logFile: join(logs, "nextjs.log"),
    });
    stack.push(next);
    const capture = await startCapture();
    stack.push(capture);

    const endpoints = [
      {
        name: "Worker  /webhooks/stripe",
        url: `${worker.url}/webhooks/stripe`,
      },
      {
        name: "Next.js /api/webhooks/stripe (node)",
        url: `${next.url}/api/webhooks/stripe`,
      },
      {
        name: "Next.js /api/webhooks/stripe-edge (edge)",
        url: `${next.url}/api/webhooks/stripe-edge`,
      },
    ];
    for (const [index, endpoint] of endpoints.entries()) {
      await localstripe.registerWebhook(
        `endpoint${index}`,
        endpoint.url,
        webhookSecret,
      );
    }
    // A fourth target records localstripe's exact bytes, to replay and to tamper with.
    await localstripe.registerWebhook("capture", capture.url, webhookSecret);

    log("stripe-edge demo on the local stack");
    log(
      `  localstripe  ${localstripe.url}   Stripe API stand-in; signs and sends webhooks`,
    );
    log(
      `  Worker       ${worker.url}   wrangler dev, local D1: payment routes and webhooks`,
    );
    log(
      `  Next.js      ${next.url}   next start: the shop, webhook routes on Node and edge`,
    );
    log("");

    const customer = await workerCall(worker, "POST", "/customers", {
      email: "buyer@example.com",
      name: "Demo Buyer",
    });
    const order = await workerCall(worker, "POST", "/payment-intents", {
      items: CART,
      customer_id: customer.customer_id,
    });
    // What Stripe.js does in the browser: localstripe refuses a payment method
    // given to confirm itself, so it is attached first.
    await localstripe.api(
      "POST",
      `/v1/payment_intents/${order.payment_intent_id}`,
      { payment_method: "pm_card_visa" },
    );
    const confirmed = await localstripe.api(
      "POST",
      `/v1/payment_intents/${order.payment_intent_id}/confirm`,
    );
    log("An order through the Worker, paid with a test card on localstripe");
    log(`  customer        ${customer.customer_id}`);
    log(
      `  order           ${order.order_id}  ${CART.map((item) => `${item.quantity} x ${item.sku}`).join(", ")}: ${order.amount} ${order.currency} from the catalog`,
    );
    log(
      `  payment intent  ${order.payment_intent_id}  confirmed with pm_card_visa: ${confirmed.status}`,
    );
    log("");

    const events = await waitForEvents(localstripe);
    const seen = await waitForDeliveries({
      events,
      workerLog: join(logs, "worker.log"),
      next,
      capture,
    });

    log("Events signed by localstripe, verified by each endpoint");
    for (const event of events) {
      log(`  ${event.id}  ${event.type}`);
      for (const [name, verified] of Object.entries(seen.byEndpoint)) {
        log(
          `      ${verified.has(event.id) ? "verified" : "MISSING "}  ${name}`,
        );
      }
    }
    log("");

    const paidOrder = await waitForOrder(worker, order.order_id);
    const rows = await worker.queryD1(
      `SELECT id, type, deliveries FROM webhook_events WHERE type IN (${EXPECTED_EVENTS.map((type) => `'${type}'`).join(", ")}) ORDER BY created, id`,
    );
    log("D1 webhook_events (the Worker's store)");
    for (const row of rows)
      log(`  ${row.id}  ${row.type.padEnd(26)} deliveries ${row.deliveries}`);
    log(
      `  order ${paidOrder.order_id} is ${paidOrder.status} (GET /orders/:id)`,
    );
    log("");

    const replays = await replayAndTamper({
      capture,
      endpoints,
      amount: order.amount,
    });
    log("A real delivery replayed, and a tampered copy of it");
    log(
      `  replayed as is to the Worker: ${replays.replay.status}, duplicate=${replays.replay.duplicate}`,
    );
    for (const result of replays.tampered) {
      log(
        `  tampered (amount ${order.amount} -> 1), ${result.name}: ${result.status} ${result.code}`,
      );
    }
    const rowsAfter = await worker.queryD1(
      `SELECT id, deliveries FROM webhook_events WHERE type IN (${EXPECTED_EVENTS.map((type) => `'${type}'`).join(", ")}) ORDER BY created, id`,
    );
    log(
      `  D1 still holds ${rowsAfter.length} events; ${replays.replayedId} has deliveries ${
        rowsAfter.find((row) => row.id === replays.replayedId)?.deliveries
      }`,
    );
    log("");

    const report = {
      customer,
      order,
      paidOrder,
      catalogAmount: await catalogAmount(worker, CART),
      paymentIntent: confirmed,
      events,
      byEndpoint: seen.byEndpoint,
      rows,
      rowsAfter,
      replays,
    };
    if (keep) {
      // This run's random secrets, for trying the admin routes or signing events by
      // hand; in a private file, never on the terminal.
      const credentials = join(persistDir, "dev-credentials.env");
      writeFileSync(
        credentials,
        `ADMIN_TOKEN=${adminToken}\nSTRIPE_WEBHOOK_SECRET=${webhookSecret}\nWORKER_URL=${worker.url}\n`,
        { mode: 0o600 },
      );
      log(
        `The stack is up; the shop is at ${next.url}. Logs are in ${logs}; this run's admin token and webhook secret are in ${credentials}. Press Ctrl-C (or send SIGTERM) to stop it.`,
      );
      await nextStopSignal();
    }
    return report;
  } finally {
    for (const service of stack.reverse()) await service.stop();
  }
}

/** What the report must show for the demo to count as a success. */
export function demoProblems(report) {
  const problems = [];
  if (report.events.length !== EXPECTED_EVENTS.length) {
    problems.push(
      `expected ${EXPECTED_EVENTS.join(" and ")}, localstripe has ${report.events.length} events`,
    );
  }
  for (const [endpoint, verified] of Object.entries(report.byEndpoint)) {
    for (const event of report.events) {
      if (!verified.has(event.id))
        problems.push(`${endpoint} did not verify ${event.id}`);
    }
  }
  if (
    report.rows.length !== report.events.length ||
    report.rows.some((row) => row.deliveries !== 1)
  ) {
    problems.push("D1 does not hold each event exactly once");
  }
  if (report.order.amount !== report.catalogAmount) {
    problems.push(
      `the order was priced ${report.order.amount}, the catalog says ${report.catalogAmount}`,
    );
  }
  if (report.paidOrder.status !== "paid") {
    problems.push(`the order is ${report.paidOrder.status}, not paid`);
  }
  if (
    report.replays.replay.status !== 200 ||
    report.replays.replay.duplicate !== true
  ) {
    problems.push("the replayed delivery was not recognised as a duplicate");
  }
  for (const result of report.replays.tampered) {
    if (result.status !== 400 || result.code !== "signature_mismatch") {
      problems.push(
        `${result.name} answered the tampered delivery with ${result.status} ${result.code}`,
      );
    }
  }
  return problems;
}

/** Localstripe's own record of the events this payment caused. */
async function waitForEvents(localstripe) {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  for (;;) {
    const list = await localstripe.api("GET", "/v1/events?limit=100");
    const events = list.data
      .filter((event) => EXPECTED_EVENTS.includes(event.type))
      .map(({ id, type, created }) => ({ id, type, created }));
    if (events.length >= EXPECTED_EVENTS.length || Date.now() > deadline) {
      return events.sort(
        (a, b) => a.created - b.created || a.id.localeCompare(b.id),
      );
    }
    await sleep(250);
  }
}

/** Waits until every endpoint has verified every event, or the time is up. */
// The Worker is watched through its log, not by querying D1: `wrangler d1 execute`
// opens the same SQLite file from another process, and a delivery arriving while it
// holds the file fails with SQLITE_BUSY (which Stripe would retry, localstripe not).
async function waitForDeliveries({ events, workerLog, next, capture }) {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  for (;;) {
    const nextLog = next.logs();
    const byEndpoint = {
      "Worker  /webhooks/stripe": storedIn(readFileSync(workerLog, "utf8")),
      "Next.js /api/webhooks/stripe (node)": verifiedIn(nextLog, "node"),
      "Next.js /api/webhooks/stripe-edge (edge)": verifiedIn(nextLog, "edge"),
    };
    const complete = Object.values(byEndpoint).every((ids) =>
      events.every((event) => ids.has(event.id)),
    );
    const captured = events.every((event) => capture.deliveries.has(event.id));
    if ((complete && captured) || Date.now() > deadline) return { byEndpoint };
    await sleep(500);
  }
}

/** Event ids the Worker logged as stored, one JSON line per request. */
function storedIn(logText) {
  const ids = new Set();
  for (const line of logText.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.outcome === "stored") ids.add(entry.event_id);
    } catch {
      // wrangler's own output, not a request line
    }
  }
  return ids;
}

/** Event ids the example's routes logged as verified on one runtime. */
function verifiedIn(logText, runtime) {
  const pattern = new RegExp(
    `webhook verified runtime=${runtime} id=(evt_\\w+)`,
    "g",
  );
  return new Set([...logText.matchAll(pattern)].map((match) => match[1]));
}

async function replayAndTamper({ capture, endpoints, amount }) {
  const succeeded = [...capture.deliveries.values()].find((delivery) =>
    delivery.body.includes('"payment_intent.succeeded"'),
  );
  if (!succeeded)
    throw new Error("localstripe never delivered payment_intent.succeeded");
  const replay = await post(
    endpoints[0].url,
    succeeded.body,
    succeeded.signature,
  );

  const tamperedBody = succeeded.body.replace(
    `"amount": ${amount}`,
    '"amount": 1',
  );
  if (tamperedBody === succeeded.body)
    throw new Error("no amount to tamper with");
  const tampered = [];
  for (const endpoint of endpoints) {
    const result = await post(endpoint.url, tamperedBody, succeeded.signature);
    tampered.push({
      name: endpoint.name,
      status: result.status,
      code: result.error?.code,
    });
  }
  return {
    replay: { status: replay.status, duplicate: replay.duplicate },
    replayedId: succeeded.id,
    tampered,
  };
}

/** A call to one of the Worker's JSON routes; throws on an error answer. */
async function workerCall(worker, method, path, body) {
  const response = await fetch(`${worker.url}${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  if (!response.ok) {
    throw new Error(
      `Worker ${method} ${path}: ${response.status} ${json.error?.code}`,
    );
  }
  return json;
}

/** The order once the Worker has seen its payment succeed, or as it is at the deadline. */
async function waitForOrder(worker, orderId) {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  for (;;) {
    const order = await workerCall(worker, "GET", `/orders/${orderId}`);
    if (order.status === "paid" || Date.now() > deadline) return order;
    await sleep(250);
  }
}

/** What the cart costs by the Worker's own catalog. */
async function catalogAmount(worker, cart) {
  const { products } = await workerCall(worker, "GET", "/catalog");
  return cart.reduce((sum, item) => {
    const product = products.find((row) => row.sku === item.sku);
    return sum + product.unit_amount * item.quantity;
  }, 0);
}

async function post(url, body, signature) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "stripe-signature": signature,
    },
    body,
  });
  return { status: response.status, ...(await response.json()) };
}

/** A local HTTP target that keeps each delivery's exact bytes and header. */
function startCapture() {
  const deliveries = new Map();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const id = /"id": "(evt_\w+)"/.exec(body)?.[1];
      if (id)
        deliveries.set(id, {
          id,
          body,
          signature: request.headers["stripe-signature"],
        });
      response.writeHead(200).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        deliveries,
        stop: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

async function portOr(preferred) {
  const probe = createServer();
  const free = await new Promise((resolve) => {
    probe.once("error", () => resolve(false));
    probe.listen(preferred, "127.0.0.1", () =>
      probe.close(() => resolve(true)),
    );
  });
  return free ? preferred : freePort();
}

/** With real test-mode keys in .env, Stripe itself sends the events. */
function realKeysConfigured() {
  const file = join(root, ".env");
  if (!existsSync(file)) return false;
  const env = parseEnv(readFileSync(file, "utf8"));
  const key = env.STRIPE_SECRET_KEY ?? "";
  return (
    key.startsWith("sk_test_") &&
    !key.includes("your_key_here") &&
    !env.STRIPE_API_BASE
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (realKeysConfigured()) {
    console.log(`Real test-mode keys found in .env: Stripe itself will send the events.
The local demo does not run against real Stripe. Run the Worker and the example yourself
with the secret that \`stripe listen\` prints (\`stripe listen --print-secret\`):
  node scripts/worker.mjs build
  cd worker && npx wrangler d1 migrations apply DB --local
  npx wrangler dev --port 8787                     (secrets in worker/.dev.vars)
  cd examples/nextjs && npm run build && npm start (secret in STRIPE_WEBHOOK_SECRET)
then forward Stripe's events to both:
  stripe listen --forward-to http://127.0.0.1:8787/webhooks/stripe
  stripe listen --forward-to http://127.0.0.1:3000/api/webhooks/stripe`);
  } else {
    const report = await runDemo({ keep: process.argv.includes("--keep") });
    const problems = demoProblems(report);
    for (const problem of problems) console.error(`demo: ${problem}`);
    process.exitCode = problems.length === 0 ? 0 : 1;
  }
}
