// `make bench`: microseconds per verified-and-parsed event, stripe-edge beside
// stripe-node, at 1, 3, 16 and 64 KiB, in three runtimes:
//   node     in this process, against `constructEvent` (Node's native HMAC, sync);
//   workerd  a Worker under `wrangler dev`, against `constructEventAsync` with
//            `Stripe.createSubtleCryptoProvider()` (its only choice there), once
//            as is and once with nodejs_compat, where stripe-edge takes node:crypto;
//   next     a Next.js edge route under `next start` (the app in bench/), against
//            the same.
// Then how cost grows per KiB, and the gzipped size of what a webhook-only import
// ships.
//
// A benchmark, not a test: it asserts nothing about time. The two libraries are timed
// in alternating rounds and the median is printed, so a busy machine slows both alike.
// Inside workerd the clock stands still during a request, so the remote runtimes are
// timed from here: a request that verifies the same delivery n times, minus one that
// verifies it 0 times (bench/loop.mjs), divided by n.
//
// Usage: node scripts/bench.mjs [node] [workerd] [next] [--quick] [--no-build]
// Needs `make pkg` and `scripts/use-pkg.sh bench` first (the Makefile's `bench` does
// both); builds the bench Next app unless --no-build.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Stripe from "stripe";
import { benchEvent } from "./bench-events.mjs";
import { microsPerCall } from "./bench-timing.mjs";
import { edgeImportSize, kib as formatKib } from "./package-size.mjs";
import { freePort, startService } from "./service.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const benchDir = join(root, "bench");
const nextBin = join(benchDir, "node_modules/next/dist/bin/next");
const SIZES_KIB = [1, 3, 16, 64];
// The same placeholder bench/loop.mjs verifies with.
const SECRET = "whsec_bench_not_a_real_secret";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const named = args.filter((arg) => !arg.startsWith("--"));
const runtimes = named.length > 0 ? named : ["node", "workerd", "next"];
const ROUNDS = quick ? 5 : 11;
const SYNC_WINDOW_MS = quick ? 15 : 40;
const REMOTE_LOOP_MS = quick ? 25 : 60;

const env = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NEXT_TELEMETRY_DISABLED: "1",
};

const nowSecs = () => Math.floor(Date.now() / 1000);

function signed(kib) {
  const body = benchEvent(kib * 1024, { created: nowSecs() });
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: SECRET,
  });
  return { body, header, bytes: Buffer.byteLength(body) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs each candidate in turn for a short window, round after round. */
function alternate(candidates, rounds, measure) {
  const samples = candidates.map(() => []);
  for (let round = 0; round < rounds; round++) {
    // Reversed every other round, so neither always runs right after the other.
    const order = candidates.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) samples[i].push(measure(candidates[i], round));
  }
  return samples.map(median);
}

async function alternateAsync(candidates, rounds, measure) {
  const samples = candidates.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = candidates.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) samples[i].push(await measure(candidates[i], round));
  }
  return samples.map(median);
}

const fmt = (micros) => micros.toFixed(1).padStart(8);
const ratio = (reference, ours) =>
  `${(reference / ours).toFixed(2)}×`.padStart(7);
const sizeLabel = (kib, bytes) =>
  `${String(kib).padStart(2)} KiB (${String(bytes).padStart(5)} B)`;

/** µs per extra KiB of body, from the 1 KiB and 64 KiB rows: how cost grows. */
function printGrowth(rows, columns) {
  const [first, last] = [rows[0], rows.at(-1)];
  const kib = (last.bytes - first.bytes) / 1024;
  const slopes = columns.map((column) =>
    ((last[column] - first[column]) / kib).toFixed(2).padStart(8),
  );
  const cells =
    slopes.length === 2
      ? `${slopes[0]}     ${slopes[1]}`
      : `${slopes[0]}     ${slopes[1]}            │                 ` +
        `${slopes[2]}     ${slopes[3]}`;
  console.log(`  each further KiB    ${cells}   (µs)`);
}

async function benchNode() {
  const entry = join(benchDir, "node_modules/stripe-edge/dist/node.mjs");
  const { verifyWebhook } = await import(pathToFileURL(entry).href);
  console.log(
    `\nNode ${process.version}: stripe-node constructEvent (node:crypto, sync)`,
  );
  console.log(
    "  size                stripe-node  stripe-edge   ratio" +
      "   │ Buffer body: stripe-node  stripe-edge   ratio",
  );
  const rows = [];
  for (const kib of SIZES_KIB) {
    const { body, bytes } = signed(kib);
    const buffer = Buffer.from(body);
    let header;
    const candidates = [
      () => Stripe.webhooks.constructEvent(body, header, SECRET),
      () => verifyWebhook(body, header, SECRET),
      () => Stripe.webhooks.constructEvent(buffer, header, SECRET),
      () => verifyWebhook(buffer, header, SECRET),
    ];
    const [node, edge, nodeBuffer, edgeBuffer] = alternate(
      candidates,
      ROUNDS,
      (fn) => {
        // Signed afresh each round, so the timestamp stays within tolerance.
        header = Stripe.webhooks.generateTestHeaderString({
          payload: body,
          secret: SECRET,
        });
        return microsPerCall(fn, SYNC_WINDOW_MS);
      },
    );
    rows.push({ kib, bytes, node, edge, nodeBuffer, edgeBuffer });
    console.log(
      `  ${sizeLabel(kib, bytes)}  ${fmt(node)} µs  ${fmt(edge)} µs ${ratio(node, edge)}` +
        `   │              ${fmt(nodeBuffer)} µs  ${fmt(edgeBuffer)} µs ${ratio(nodeBuffer, edgeBuffer)}`,
    );
  }
  printGrowth(rows, ["node", "edge", "nodeBuffer", "edgeBuffer"]);
  return rows;
}

/** Milliseconds for one bench request, body upload and JSON answer included. */
async function timeRequest(url, lib, n, body, header) {
  const start = performance.now();
  const response = await fetch(`${url}/api/bench?lib=${lib}&n=${n}`, {
    method: "POST",
    headers: { "stripe-signature": header, "content-type": "application/json" },
    body,
  });
  const answer = await response.json();
  const elapsed = performance.now() - start;
  if (!response.ok || (n > 0 && answer.id !== "evt_1BenchmarkEventId00000")) {
    throw new Error(
      `${lib} answered ${response.status}: ${JSON.stringify(answer)}`,
    );
  }
  return elapsed;
}

async function benchRemote(title, url) {
  console.log(`\n${title}`);
  console.log(
    "  size                stripe-node  stripe-edge   ratio   (n per request)",
  );
  const rows = [];
  for (const kib of SIZES_KIB) {
    const { body, bytes } = signed(kib);
    const header = () =>
      Stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: SECRET,
      });

    // Warm up (the first call instantiates the module and JIT-compiles), then pick
    // n so that each loop runs for about REMOTE_LOOP_MS. The slowest of three probes
    // counts, so one lucky probe cannot make a loop run for seconds.
    const loops = {};
    for (const lib of ["stripe-node", "stripe-edge"]) {
      await timeRequest(url, lib, 200, body, header());
      const probe = 300;
      let perCall = 0.001;
      for (let i = 0; i < 3; i++) {
        const millis =
          (await timeRequest(url, lib, probe, body, header())) -
          (await timeRequest(url, lib, 0, body, header()));
        perCall = Math.max(perCall, millis / probe);
      }
      loops[lib] = Math.min(
        20_000,
        Math.max(20, Math.round(REMOTE_LOOP_MS / perCall)),
      );
    }

    const [node, edge] = await alternateAsync(
      ["stripe-node", "stripe-edge"],
      ROUNDS,
      async (lib) => {
        const n = loops[lib];
        const signature = header();
        const empty = await timeRequest(url, lib, 0, body, signature);
        const full = await timeRequest(url, lib, n, body, signature);
        return ((full - empty) * 1000) / n;
      },
    );
    rows.push({ kib, bytes, node, edge });
    console.log(
      `  ${sizeLabel(kib, bytes)}  ${fmt(node)} µs  ${fmt(edge)} µs ${ratio(node, edge)}` +
        `   (${loops["stripe-node"]}, ${loops["stripe-edge"]})`,
    );
  }
  printGrowth(rows, ["node", "edge"]);
  return rows;
}

async function benchWorkerd({ nodejsCompat }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const wrangler = await startService({
    name: "wrangler dev (bench worker)",
    command: join(root, "node_modules/.bin/wrangler"),
    args: [
      "dev",
      "-c",
      join(benchDir, "workerd/wrangler.toml"),
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      ...(nodejsCompat ? ["--compatibility-flags", "nodejs_compat"] : []),
    ],
    cwd: benchDir,
    env,
    readyUrl: url,
  });
  try {
    const version = JSON.parse(
      readFileSync(join(root, "node_modules/wrangler/package.json"), "utf8"),
    ).version;
    const flags = nodejsCompat
      ? "with nodejs_compat, so stripe-edge hashes with node:crypto"
      : "no compatibility flags, so stripe-edge hashes in its module";
    return await benchRemote(
      `workerd (wrangler ${version} dev), ${flags}: ` +
        "stripe-node constructEventAsync (SubtleCrypto)",
      url,
    );
  } finally {
    await wrangler.stop();
  }
}

async function benchNext() {
  if (!args.includes("--no-build")) {
    execFileSync(process.execPath, [nextBin, "build"], {
      cwd: benchDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const next = await startService({
    name: "next start (bench app)",
    command: process.execPath,
    args: [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"],
    cwd: benchDir,
    env,
    readyUrl: url,
  });
  try {
    const version = JSON.parse(
      readFileSync(join(benchDir, "node_modules/next/package.json"), "utf8"),
    ).version;
    return await benchRemote(
      `Next.js ${version} edge route (next start): stripe-node constructEventAsync (SubtleCrypto)`,
      url,
    );
  } finally {
    await next.stop();
  }
}

/** What an edge or Workers import of each entry, as installed, ships. */
async function shippedSize() {
  const installed = join(benchDir, "node_modules/stripe-edge");
  console.log(
    "\nWhat an edge or Workers import ships, gzipped (wasm + minified JS):",
  );
  for (const [name, dir] of [
    ["stripe-edge/webhook", join(installed, "webhook")],
    ["stripe-edge", installed],
  ]) {
    const size = await edgeImportSize(dir);
    console.log(
      `  ${name.padEnd(20)} ${formatKib(size.shipped)}` +
        ` (wasm ${formatKib(size.wasmGz)}, JS ${formatKib(size.jsGz)})`,
    );
  }
}

console.log(
  `stripe-edge beside stripe-node ${Stripe.PACKAGE_VERSION}: µs per verified-and-parsed ` +
    `event, median of ${ROUNDS} alternating rounds; ratio = stripe-node ÷ stripe-edge ` +
    "(above 1: stripe-edge is faster)",
);
if (runtimes.includes("node")) await benchNode();
if (runtimes.includes("workerd")) await benchWorkerd({ nodejsCompat: false });
if (runtimes.includes("workerd")) await benchWorkerd({ nodejsCompat: true });
if (runtimes.includes("next")) await benchNext();
await shippedSize();
