// Where the time of one verified-and-parsed event goes, in Node, part by part: what
// BENCHMARKS.md's breakdown comes from. Each part is timed alone (median of
// alternating rounds), so the parts of a path add up only roughly to its total.
// A benchmark, not a test.
//
// Usage: node scripts/bench-parts.mjs [--quick]   (after `scripts/use-pkg.sh bench`)
import { isUtf8 } from "node:buffer";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Stripe from "stripe";
import { benchEvent } from "./bench-events.mjs";
import { microsPerCall } from "./bench-timing.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = join(root, "bench/node_modules/stripe-edge");
const load = (file) => import(pathToFileURL(join(pkg, file)).href);
const { verifyWebhook } = await load("dist/node.mjs");
// The same module instances node.mjs uses, so the glue is live after one call.
const glue = await load("stripe_edge_bg.js");
const { wasmMemory } = await load("dist/loader.mjs");

const SECRET = "whsec_bench_not_a_real_secret";
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 5 : 11;
const WINDOW_MS = quick ? 15 : 40;

function medians(parts) {
  const names = Object.keys(parts);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order)
      samples[name].push(microsPerCall(parts[name], WINDOW_MS));
  }
  return Object.fromEntries(
    names.map((name) => {
      const sorted = samples[name].sort((a, b) => a - b);
      return [name, sorted[sorted.length >> 1]];
    }),
  );
}

const encoder = new TextEncoder();
const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// A host that computes nothing: the core then refuses with signature_mismatch, so
// this times the boundary, the header, the secret checks and the comparison.
const idleHost = { mac() {} };

const rows = [];
for (const kib of [1, 3, 16, 64]) {
  const nowSecs = Math.floor(Date.now() / 1000);
  const body = benchEvent(kib * 1024, { created: nowSecs });
  const buffer = Buffer.from(body);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: SECRET,
    timestamp: nowSecs,
  });
  verifyWebhook(body, header, SECRET);
  const prefix = `${nowSecs}.`;
  const secrets = [SECRET];

  // The edge path's copy into the module, then its verification of what was copied.
  const encodeIntoModule = () => {
    const capacity = body.length * 3;
    const start = glue.input_buffer(capacity);
    const target = new Uint8Array(wasmMemory().buffer, start, capacity);
    return encoder.encodeInto(body, target).written;
  };
  const length = encodeIntoModule();
  const verifyInModule = () =>
    glue.verify_signature_input(length, header, secrets, nowSecs, 300);
  if (verifyInModule() !== 0)
    throw new Error("the module refused the bench body");

  const parts = medians({
    "stripe-node constructEvent": () =>
      Stripe.webhooks.constructEvent(body, header, SECRET),
    "stripe-edge, Node path": () => verifyWebhook(body, header, SECRET),
    "stripe-edge, edge path": () => {
      const length = encodeIntoModule();
      glue.verify_signature_input(length, header, secrets, nowSecs, 300);
      return JSON.parse(body);
    },
    "JSON.parse": () => JSON.parse(body),
    "HMAC, node:crypto, string": () =>
      createHmac("sha256", SECRET).update(prefix).update(body).digest(),
    "HMAC, node:crypto, Buffer": () =>
      createHmac("sha256", SECRET).update(prefix).update(buffer).digest(),
    "HMAC + hex, as stripe-node": () =>
      createHmac("sha256", SECRET)
        .update(prefix + body, "utf8")
        .digest("hex"),
    "core call, MAC left out": () =>
      glue.verify_signature_host(header, secrets, nowSecs, 300, idleHost),
    "UTF-8 encode into module": encodeIntoModule,
    "HMAC in module + core": verifyInModule,
    "bytes to text, isUtf8 + toString": () =>
      isUtf8(buffer) && buffer.toString("utf8"),
    "bytes to text, fatal TextDecoder": () => fatalDecoder.decode(buffer),
  });
  rows.push({ kib, bytes: buffer.length, parts });
}

console.log(
  `Node ${process.version}: µs per call, median of ${ROUNDS} rounds, ` +
    "bodies as in scripts/bench-events.mjs",
);
const names = Object.keys(rows[0].parts);
const width = Math.max(...names.map((name) => name.length));
console.log(
  `${"".padEnd(width)}  ${rows.map(({ kib, bytes }) => `${kib} KiB (${bytes} B)`.padStart(18)).join("")}`,
);
for (const name of names) {
  const cells = rows.map(({ parts }) => parts[name].toFixed(2).padStart(18));
  console.log(`${name.padEnd(width)}  ${cells.join("")}`);
}
