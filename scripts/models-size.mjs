// What the typed Rust models cost in a wasm module: the same small module (verify a
// webhook, then parse its event; codegen/size-probe) built three ways, each shrunk
// with npm's wasm-opt as the package build does, then gzipped. Also checks that each
// build parses what its features promise, so the numbers are for working modules.
//   node scripts/models-size.mjs
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { kib } from "./package-size.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const probe = join(root, "codegen", "size-probe");
const targetDir = join(root, "target", "models-size");
// Must match SECRET in codegen/size-probe/src/lib.rs; a placeholder, not a key.
const secret = "whsec_size_probe_placeholder";

/** Each build, and what it returns for a payment event and for a billing event. */
const builds = [
  { name: "webhook only", feature: "webhook", expected: [0, 0] },
  { name: "payments group", feature: "models-payments", expected: [1, 0] },
  { name: "all models", feature: "models", expected: [1, 1] },
];

const samples = [
  {
    id: "evt_size_1",
    object: "event",
    api_version: "2026-08-26.dahlia",
    created: 1_700_000_000,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "payment_intent.succeeded",
    data: {
      object: {
        id: "pi_size_1",
        object: "payment_intent",
        amount: 2000,
        currency: "eur",
        status: "succeeded",
        customer: "cus_size_1",
        metadata: { order_id: "ord_1" },
      },
    },
  },
  {
    id: "evt_size_2",
    object: "event",
    api_version: "2026-08-26.dahlia",
    created: 1_700_000_000,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "invoice.paid",
    data: {
      object: {
        id: "in_size_1",
        object: "invoice",
        amount_due: 2000,
        currency: "eur",
        status: "paid",
      },
    },
  },
];

const scratch = mkdtempSync(join(tmpdir(), "models-size-"));
const rows = [];
let failed = false;
try {
  for (const build of builds) {
    console.error(
      `models-size: building ${build.name} (--features ${build.feature})`,
    );
    execFileSync(
      "cargo",
      [
        "build",
        "--quiet",
        "--release",
        "--locked",
        "--target",
        "wasm32-unknown-unknown",
        "--manifest-path",
        join(probe, "Cargo.toml"),
        "--target-dir",
        targetDir,
        "--features",
        build.feature,
      ],
      { stdio: "inherit" },
    );
    const built = join(
      targetDir,
      "wasm32-unknown-unknown",
      "release",
      "stripe_edge_size_probe.wasm",
    );
    const shrunk = join(scratch, `${build.feature}.wasm`);
    execFileSync(
      join(root, "node_modules", ".bin", "wasm-opt"),
      ["-Oz", "--strip-debug", "--strip-producers", built, "-o", shrunk],
      { stdio: "inherit" },
    );
    const bytes = readFileSync(shrunk);
    const results = await parseSamples(bytes);
    const ok = results.every((result, i) => result === build.expected[i]);
    if (!ok) {
      failed = true;
      console.error(
        `models-size: ${build.name} returned ${results}, expected ${build.expected}`,
      );
    }
    rows.push({
      build: build.name,
      feature: build.feature,
      wasm: kib(bytes.length),
      gzipped: kib(gzipSync(bytes).length),
      "typed events": ok ? build.expected.join(" / ") : "WRONG",
    });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.table(rows);
console.log(
  "typed events: payment_intent.succeeded / invoice.paid (1 typed, 0 parsed as Unknown)",
);
if (failed) process.exit(1);

/** Signs each sample, hands it to the module and collects what it returns. */
async function parseSamples(bytes) {
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const { memory, probe_alloc: alloc, probe_parse: parse } = instance.exports;
  const write = (data) => {
    const pointer = alloc(data.length);
    new Uint8Array(memory.buffer, pointer, data.length).set(data);
    return pointer;
  };
  return samples.map((sample) => {
    const body = Buffer.from(JSON.stringify(sample));
    const timestamp = sample.created;
    const mac = createHmac("sha256", secret)
      .update(`${timestamp}.`)
      .update(body)
      .digest("hex");
    const header = Buffer.from(`t=${timestamp},v1=${mac}`);
    const bodyPointer = write(body);
    const headerPointer = write(header);
    return parse(
      bodyPointer,
      body.length,
      headerPointer,
      header.length,
      BigInt(timestamp),
    );
  });
}
