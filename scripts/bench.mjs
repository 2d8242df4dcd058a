// Verify-and-parse cost per event in Node, stripe-edge beside stripe-node's
// constructEvent (sync, Node's native HMAC), measured in the same run. Prints
// microseconds per event and the ratio; a ratio above 1 means stripe-edge is faster.
// This is a benchmark, not a test: it asserts nothing about time.
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import Stripe from "stripe";

const require = createRequire(new URL("../tests/pkg/", import.meta.url));
const { verifyWebhook } = await import(require.resolve("stripe-edge"));
const stripe = new Stripe("sk_test_your_key_here");
const secret = "whsec_bench_secret";

function eventOfSize(bytes) {
  const event = {
    id: "evt_bench",
    object: "event",
    api_version: "2026-11-18",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: "payment_intent.succeeded",
    data: {
      object: {
        id: "pi_bench",
        object: "payment_intent",
        amount: 2000,
        metadata: {},
      },
    },
  };
  const base = JSON.stringify(event).length;
  event.data.object.description = "é☕x".repeat(Math.max(0, bytes - base) / 6);
  return JSON.stringify(event);
}

function perCallMicros(fn, minMillis = 400) {
  for (let i = 0; i < 200; i++) fn();
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < BigInt(minMillis) * 1_000_000n) {
    for (let i = 0; i < 100; i++) fn();
    calls += 100;
    elapsed = process.hrtime.bigint() - start;
  }
  return Number(elapsed) / 1000 / calls;
}

console.log(
  `Node ${process.version}, stripe-node ${Stripe.PACKAGE_VERSION ?? "23.2.0"}`,
);
console.log(
  "size    stripe-node  stripe-edge  (string)  ratio   stripe-edge (Buffer)  ratio",
);
for (const kib of [1, 3, 16, 64]) {
  const body = eventOfSize(kib * 1024);
  const bytes = Buffer.from(body);
  const header = stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
  });
  const reference = perCallMicros(() =>
    stripe.webhooks.constructEvent(body, header, secret),
  );
  const ours = perCallMicros(() => verifyWebhook(body, header, secret));
  const oursBytes = perCallMicros(() => verifyWebhook(bytes, header, secret));
  console.log(
    `${String(kib).padStart(2)} KiB  ${reference.toFixed(1).padStart(9)} µs` +
      `  ${ours.toFixed(1).padStart(9)} µs  ${"".padEnd(8)}  ${(reference / ours).toFixed(2).padStart(5)}×` +
      `  ${oursBytes.toFixed(1).padStart(9)} µs ${"".padEnd(10)}  ${(reference / oursBytes).toFixed(2).padStart(5)}×`,
  );
}

const pkgDir = new URL("../pkg/", import.meta.url);
const shipped = [
  "stripe_edge_bg.wasm",
  "stripe_edge_bg.js",
  "dist/edge.mjs",
  "dist/api.mjs",
  "dist/loader.mjs",
].map((file) => readFileSync(new URL(file, pkgDir)));
console.log(
  `edge/workerd import, wasm + glue: ${(gzipSync(Buffer.concat(shipped)).length / 1024).toFixed(1)} KiB gzipped`,
);
