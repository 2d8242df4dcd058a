// `make bench` (client part): the API client's own cost per request beside
// stripe-node's fetch client, with no network (both send through the same in-memory
// fetch, so building the request and reading the answer is all that is timed), and
// the gzipped size each ships to an edge runtime.
//
// A benchmark, not a test: it asserts nothing about time. The two clients are timed
// in alternating rounds and the median is printed, so a busy machine slows both.
//
// Usage: node scripts/bench-client.mjs [--quick]   (needs `make pkg` first)
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import Stripe from "stripe";
import { kib } from "./package-size.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = join(root, "pkg");
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 7;
const CALLS_PER_ROUND = quick ? 300 : 2000;

const { StripeClient } = await import(
  pathToFileURL(join(pkg, "dist", "node.mjs")).href
);

// A PaymentIntent about the size Stripe answers with (2-3 KB).
const ANSWER = JSON.stringify({
  id: "pi_3Nbench",
  object: "payment_intent",
  amount: 2000,
  amount_capturable: 0,
  amount_details: { tip: {} },
  amount_received: 2000,
  automatic_payment_methods: { allow_redirects: "always", enabled: true },
  capture_method: "automatic_async",
  client_secret: "pi_3Nbench_secret_benchbench",
  confirmation_method: "automatic",
  created: 1_700_000_000,
  currency: "usd",
  customer: "cus_bench",
  description: "Order #42",
  latest_charge: "ch_3Nbench",
  livemode: false,
  metadata: { order_id: "42", cart: "a,b,c", channel: "web" },
  payment_method: "pm_bench",
  payment_method_options: {
    card: {
      installments: null,
      mandate_options: null,
      network: null,
      request_three_d_secure: "automatic",
    },
    link: { persistent_token: null },
  },
  payment_method_types: ["card", "link"],
  shipping: {
    address: {
      city: "Paris",
      country: "FR",
      line1: "1 rue de Rivoli",
      line2: null,
      postal_code: "75001",
      state: null,
    },
    name: "Zoë Martin",
    phone: null,
  },
  status: "succeeded",
  ...Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [`field_${i}`, null]),
  ),
});

const PARAMS = {
  amount: 2000,
  currency: "usd",
  customer: "cus_bench",
  automatic_payment_methods: { enabled: true },
  metadata: { order_id: "42", cart: "a,b,c", channel: "web" },
  shipping: {
    name: "Zoë Martin",
    address: {
      line1: "1 rue de Rivoli",
      city: "Paris",
      postal_code: "75001",
      country: "FR",
    },
  },
  expand: ["latest_charge"],
};

async function memoryFetch() {
  return new Response(ANSWER, {
    status: 200,
    headers: { "content-type": "application/json", "request-id": "req_bench" },
  });
}

const ours = new StripeClient({
  secretKey: "sk_test_123",
  fetch: memoryFetch,
});
const stripeNode = new Stripe("sk_test_123", {
  httpClient: Stripe.createFetchHttpClient(memoryFetch),
  telemetry: false,
});

/** Microseconds per awaited call over `count` calls. */
async function timeCalls(call, count) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await call();
  return Number(process.hrtime.bigint() - started) / 1000 / count;
}

const median = (values) =>
  [...values].sort((a, b) => a - b)[values.length >> 1];

async function overhead(label, oursCall, theirsCall) {
  await timeCalls(oursCall, 200);
  await timeCalls(theirsCall, 200);
  const oursTimes = [];
  const theirsTimes = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    oursTimes.push(await timeCalls(oursCall, CALLS_PER_ROUND));
    theirsTimes.push(await timeCalls(theirsCall, CALLS_PER_ROUND));
  }
  const edgeMicros = median(oursTimes);
  const nodeMicros = median(theirsTimes);
  // As in every table of make bench: stripe-node ÷ stripe-edge, above 1 when
  // stripe-edge is faster.
  console.log(
    `| ${label} | ${edgeMicros.toFixed(1)} | ${nodeMicros.toFixed(1)} | ${(nodeMicros / edgeMicros).toFixed(2)}× |`,
  );
}

console.log(
  "\nAPI client, Node, per request with an in-memory fetch (µs, median)\n",
);
console.log("| call | stripe-edge | stripe-node | ratio |");
console.log("|---|---|---|---|");
await overhead(
  "paymentIntents.create (POST, nested params)",
  () => ours.paymentIntents.create(PARAMS),
  () => stripeNode.paymentIntents.create(PARAMS),
);
await overhead(
  "paymentIntents.retrieve (GET)",
  () => ours.paymentIntents.retrieve("pi_3Nbench"),
  () => stripeNode.paymentIntents.retrieve("pi_3Nbench"),
);

// Sizes: each client bundled for workerd as wrangler would, minified and gzipped.
async function bundledGz(source, conditions) {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    conditions,
    mainFields: ["module", "main"],
    external: ["*.wasm?module", "node:*", "*.wasm"],
    write: false,
    logLevel: "silent",
  });
  const bytes = result.outputFiles[0].contents;
  return { min: bytes.length, gz: gzipSync(bytes).length };
}

const edge = await bundledGz(
  `export { StripeClient } from ${JSON.stringify(join(pkg, "dist", "edge.mjs"))};`,
  ["workerd", "worker"],
);
const wasmGz = gzipSync(readFileSync(join(pkg, "stripe_edge_bg.wasm"))).length;
const node = await bundledGz(
  'import Stripe from "stripe"; export const client = (k) => new Stripe(k, { httpClient: Stripe.createFetchHttpClient() });',
  ["workerd", "worker"],
);
console.log("\nWhat a Worker importing the client ships (minified, gzipped)\n");
console.log("| client | JS | wasm | total |");
console.log("|---|---|---|---|");
console.log(
  `| stripe-edge \`StripeClient\` | ${kib(edge.gz)} | ${kib(wasmGz)} | ${kib(edge.gz + wasmGz)} |`,
);
console.log(
  `| stripe-node fetch client | ${kib(node.gz)} | none | ${kib(node.gz)} |`,
);
