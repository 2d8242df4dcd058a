// Load benchmark of the payment server's webhook path (part of `make bench`, not
// a test): thousands of signed payment_intent.* events, with duplicates and
// reorderings mixed in, sent at a fixed concurrency to the Rust Worker under
// `wrangler dev`, then the same to a minimal JavaScript Worker
// (bench/worker-js/: stripe-node's constructEventAsync and the same D1 work).
// Afterwards D1 is read back to show every event recorded exactly once and no
// payment moved backwards, beside p50/p99 latency and throughput.
//
//   node scripts/worker.mjs build && node scripts/bench-worker.mjs
//   BENCH_INTENTS=1700 BENCH_CONCURRENCY=50 node scripts/bench-worker.mjs
//
// Numbers are from one machine under local workerd and local (SQLite) D1, so
// they compare the two Workers; they do not predict Cloudflare's network.

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import Stripe from "stripe";

import { freePort } from "./service.mjs";
import { startWorker } from "./worker.mjs";
import { seededRandom } from "./seeded-random.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// Three events per PaymentIntent, plus 10% duplicates: 1,700 give 5,610 deliveries.
const INTENTS = Number(process.env.BENCH_INTENTS ?? 1700);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const DUPLICATE_SHARE = 0.1;
const SEED = Number(process.env.BENCH_SEED ?? 20261203);
const REQUEST_TIMEOUT_MS = 60_000;

const STATUSES = ["requires_payment_method", "processing", "succeeded"];
const TYPES = [
  "payment_intent.created",
  "payment_intent.processing",
  "payment_intent.succeeded",
];

async function main() {
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  const plan = makeDeliveries(INTENTS, DUPLICATE_SHARE, seededRandom(SEED));
  console.log(
    `Worker webhook load: ${plan.deliveries.length} deliveries of ${plan.events.length} ` +
      `events (${plan.duplicates} duplicates, ${plan.reordered} events arriving before ` +
      `an earlier one of their PaymentIntent) at concurrency ${CONCURRENCY}`,
  );

  const results = [];
  for (const [name, config] of [
    ["Rust Worker (stripe-edge)", undefined],
    ["JS Worker (stripe-node)", join(ROOT, "bench/worker-js/wrangler.toml")],
  ]) {
    results.push({ name, ...(await runAgainst(config, secret, plan)) });
  }

  console.log("");
  console.log(
    "worker                        p50 ms   p99 ms   req/s   non-200   exactly once   regressed",
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(28)}  ${r.p50.toFixed(2).padStart(6)}   ${r.p99.toFixed(2).padStart(6)}` +
        `   ${r.throughput.toFixed(0).padStart(5)}   ${String(r.failures).padStart(7)}` +
        `   ${(r.exactlyOnce ? "yes" : "NO").padStart(12)}   ${String(r.regressed).padStart(9)}`,
    );
  }
  const [rust, js] = results;
  console.log(
    `\nRust/JS: p50 ${(rust.p50 / js.p50).toFixed(2)}x, p99 ${(rust.p99 / js.p99).toFixed(2)}x, ` +
      `throughput ${(rust.throughput / js.throughput).toFixed(2)}x`,
  );
  if (
    results.some((r) => !r.exactlyOnce || r.regressed > 0 || r.failures > 0)
  ) {
    process.exitCode = 1;
  }
}

async function runAgainst(config, secret, plan) {
  const scratch = await mkdtemp(join(tmpdir(), "stripe-edge-bench-worker-"));
  const worker = await startWorker({
    port: await freePort(),
    webhookSecret: secret,
    persistDir: join(scratch, "state"),
    config,
  });
  try {
    // The first requests instantiate the module; keep them out of the timing.
    await Promise.all(
      Array.from({ length: CONCURRENCY }, () => fetch(`${worker.url}/health`)),
    );

    const latencies = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < plan.deliveries.length) {
          const payload = plan.deliveries[next++];
          // Signed at send time, as Stripe signs each attempt.
          const header = Stripe.webhooks.generateTestHeaderString({
            payload,
            secret,
          });
          const t0 = performance.now();
          try {
            const response = await fetch(`${worker.url}/webhooks/stripe`, {
              method: "POST",
              headers: {
                "stripe-signature": header,
                "content-type": "application/json",
              },
              body: payload,
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            });
            await response.arrayBuffer();
            if (response.status !== 200) {
              failures++;
            }
          } catch {
            // Timed out or refused: counted, and the check below shows its effect.
            failures++;
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const elapsedMs = performance.now() - started;

    const check = await checkRecords(worker, plan);
    latencies.sort((a, b) => a - b);
    return {
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      throughput: (plan.deliveries.length / elapsedMs) * 1000,
      failures,
      ...check,
    };
  } finally {
    await worker.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Reads D1 back: one row per event with the deliveries sent, each processed
 * once, and every PaymentIntent at its last status (succeeded). */
async function checkRecords(worker, plan) {
  const rows = await worker.queryD1(
    "SELECT id, deliveries, attempts, processed_at FROM webhook_events",
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  let exactlyOnce = rows.length === plan.events.length;
  for (const event of plan.events) {
    const row = byId.get(event.id);
    if (
      !row ||
      row.deliveries !== plan.sent.get(event.id) ||
      row.processed_at === null ||
      row.attempts !== 1
    ) {
      exactlyOnce = false;
    }
  }
  const payments = await worker.queryD1("SELECT id, status FROM payments");
  const regressed =
    payments.filter((p) => p.status !== "succeeded").length +
    (INTENTS - payments.length);
  return { exactlyOnce, regressed };
}

/** Three events per PaymentIntent, shuffled, with some sent twice. */
function makeDeliveries(intents, duplicateShare, random) {
  const base = Math.floor(Date.now() / 1000) - 600;
  const events = [];
  for (let i = 0; i < intents; i++) {
    const id = `pi_bench_${i.toString(36).padStart(6, "0")}`;
    STATUSES.forEach((status, step) => {
      events.push({
        id: `evt_bench_${i.toString(36)}_${step}`,
        object: "event",
        api_version: "2026-11-18",
        created: base + i + step,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: TYPES[step],
        data: {
          object: {
            id,
            object: "payment_intent",
            amount: 2000 + i,
            amount_received: status === "succeeded" ? 2000 + i : 0,
            currency: "usd",
            status,
            metadata: {},
            last_payment_error: null,
          },
        },
      });
    });
  }
  const payloads = events.map((event) => JSON.stringify(event));
  const order = events.map((_, index) => index);
  shuffle(order, random);
  const deliveries = order.map((index) => payloads[index]);
  const sent = new Map(events.map((event) => [event.id, 1]));
  const duplicates = Math.round(events.length * duplicateShare);
  for (let d = 0; d < duplicates; d++) {
    const index = Math.floor(random() * events.length);
    const at = Math.floor(random() * (deliveries.length + 1));
    deliveries.splice(at, 0, payloads[index]);
    sent.set(events[index].id, sent.get(events[index].id) + 1);
  }
  // How many events come after a later event of the same intent.
  const seenStep = new Map();
  let reordered = 0;
  for (const index of order) {
    const intent = Math.floor(index / 3);
    const step = index % 3;
    if ((seenStep.get(intent) ?? -1) > step) {
      reordered++;
    }
    seenStep.set(intent, Math.max(seenStep.get(intent) ?? -1, step));
  }
  return { events, deliveries, sent, duplicates, reordered };
}

function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

await main();
