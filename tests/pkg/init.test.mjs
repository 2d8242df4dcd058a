// Initialisation: lazy (importing does not touch the .wasm), and a failure is one
// clear error, the same one for every later call, never an "undefined is not a
// function" further on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { C15 } from "./fixtures.mjs";

const require = createRequire(import.meta.url);
const installed = dirname(require.resolve("stripe-edge/package.json"));

function copyWithoutWasm() {
  const dir = mkdtempSync(join(tmpdir(), "stripe-edge-init-"));
  cpSync(installed, dir, { recursive: true });
  rmSync(join(dir, "stripe_edge_bg.wasm"));
  return dir;
}

for (const style of ["ESM", "CommonJS"]) {
  test(`${style}: a missing module fails once, clearly, and importing is lazy`, async () => {
    const dir = copyWithoutWasm();
    try {
      const entry = join(dir, "dist", style === "ESM" ? "node.mjs" : "node.cjs");
      // Importing succeeds although the .wasm is gone: nothing is loaded yet.
      const api =
        style === "ESM"
          ? await import(pathToFileURL(entry).href)
          : createRequire(entry)(entry);
      const errors = [];
      for (let i = 0; i < 2; i++) {
        try {
          api.verifyWebhook(C15.body, C15.header, C15.secret);
        } catch (error) {
          errors.push(error);
        }
      }
      assert.equal(errors.length, 2);
      assert.equal(errors[0], errors[1]);
      assert.match(errors[0].message, /^stripe-edge: could not instantiate/);
      assert.match(errors[0].message, /serverExternalPackages/);
      assert.equal(errors[0].cause.code, "ENOENT");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
