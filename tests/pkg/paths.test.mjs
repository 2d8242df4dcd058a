// The Node entries hand each MAC to node:crypto, and so does the edge entry where
// the runtime offers it (workerd with nodejs_compat); elsewhere the module hashes.
// The core makes every decision either way. This checks that both ways give the same
// answer, event or error code, on thousands of random deliveries
// (random-deliveries.mjs).
//
// The module's own hashing runs here through a copy of the installed package's edge
// entry: its static `.wasm?module` import, which Node cannot load, is replaced by
// compiling the same file, and it is not offered node:crypto. Everything else is the
// shipped code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import * as nodeEntry from "stripe-edge";
import { outcome, randomDeliveries } from "./random-deliveries.mjs";

const CASES = 4000;
const SEED = Number(process.env.PATHS_SEED ?? 20260131);

const require = createRequire(import.meta.url);
const installed = dirname(require.resolve("stripe-edge/package.json"));

async function importEdgeEntryWithoutHostCrypto() {
  const dir = mkdtempSync(join(tmpdir(), "stripe-edge-paths-"));
  cpSync(installed, dir, { recursive: true });
  const entry = join(dir, "dist", "edge.mjs");
  const source = readFileSync(entry, "utf8");
  const staticImport = 'import wasmModule from "../stripe_edge_bg.wasm?module";';
  // Node 20.16 and later offer node:crypto through process.getBuiltinModule, which
  // the edge entry would take.
  const hostCrypto = "  builtinHostCrypto,\n);";
  for (const expected of [staticImport, hostCrypto]) {
    assert.ok(source.includes(expected), `edge.mjs no longer has ${expected}`);
  }
  writeFileSync(
    entry,
    source
      .replace(
        staticImport,
        'import { readFileSync } from "node:fs";\n' +
          "const wasmModule = new WebAssembly.Module(" +
          'readFileSync(new URL("../stripe_edge_bg.wasm", import.meta.url)));',
      )
      .replace(hostCrypto, ");"),
  );
  const api = await import(pathToFileURL(entry).href);
  const loader = await import(pathToFileURL(join(dir, "dist", "loader.mjs")).href);
  return {
    api,
    memoryBytes: () => loader.wasmMemory().buffer.byteLength,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test("node:crypto and the module's own hashing decide every delivery alike", async () => {
  const edge = await importEdgeEntryWithoutHostCrypto();
  try {
    assert.notEqual(edge.api.verifyWebhook, nodeEntry.verifyWebhook);
    const tally = new Map();
    const deliveries = randomDeliveries(SEED, CASES);
    for (const [i, delivery] of deliveries.entries()) {
      const viaHost = outcome(nodeEntry, delivery);
      const viaModule = outcome(edge.api, delivery);
      const { header, secret, verify } = delivery;
      assert.deepEqual(
        viaHost,
        viaModule,
        `delivery ${i} (seed ${SEED}), ${verify}: ${JSON.stringify({ header, secret })}`,
      );
      const key = viaHost.code ?? "accepted";
      tally.set(key, (tally.get(key) ?? 0) + 1);
      // Bodies long enough for the Node entry to use node:crypto.
      if (delivery.payload.length >= 3072) tally.set("long", (tally.get("long") ?? 0) + 1);
    }
    assert.ok(tally.get("long") > CASES / 3, `only ${tally.get("long")} long bodies`);
    // The cases reach every decision, not only the easy refusals.
    for (const code of [
      "accepted",
      "missing_header",
      "malformed_header",
      "no_v1_signature",
      "signature_mismatch",
      "timestamp_outside_tolerance",
      "invalid_secret",
      "invalid_json",
      "wrong_event_kind",
    ]) {
      assert.ok((tally.get(code) ?? 0) >= 20, `only ${tally.get(code)} × ${code}`);
    }
  } finally {
    edge.cleanup();
  }
});

test("large bodies are hashed in pieces: same answers, bounded memory", async () => {
  const edge = await importEdgeEntryWithoutHostCrypto();
  try {
    const secret = "whsec_large_bodies";
    const now = 1700000000;
    // Emoji (surrogate pairs) everywhere, so pieces end inside pairs, plus a lone
    // surrogate, which both paths must hash as U+FFFD.
    const filler = "a😀é\ud800b".repeat(70_000);
    const payload = JSON.stringify({
      id: "evt_large",
      object: "event",
      type: "invoice.paid",
      data: { object: { object: "invoice", description: filler } },
    });
    const bytes = Buffer.from(payload);
    for (const body of [payload, bytes]) {
      const header = nodeEntry.generateTestHeader({ payload: body, secret, timestamp: now });
      const viaModule = edge.api.verifyWebhook(body, header, secret, { nowSecs: now });
      const viaHost = nodeEntry.verifyWebhook(body, header, secret, { nowSecs: now });
      assert.deepEqual(viaModule, viaHost);
      const tampered = typeof body === "string" ? `${body} ` : Buffer.concat([body, Buffer.from(" ")]);
      assert.throws(
        () => edge.api.verifyWebhook(tampered, header, secret, { nowSecs: now }),
        (error) => error.code === "signature_mismatch",
      );
    }

    // A huge body, unsigned or forged, must not grow the module's memory for good.
    const before = edge.memoryBytes();
    const huge = "x".repeat(30_000_000);
    const forged = `t=${now},v1=${"0".repeat(64)}`;
    for (const header of [null, forged]) {
      assert.throws(() => edge.api.verifyWebhook(huge, header, secret, { nowSecs: now }));
    }
    const grownMiB = (edge.memoryBytes() - before) / 2 ** 20;
    assert.ok(grownMiB < 4, `the module's memory grew by ${grownMiB} MiB`);
  } finally {
    edge.cleanup();
  }
});
