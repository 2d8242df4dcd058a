// The `browser`/`default` entry, as a bundler with WebAssembly ES module integration
// sees it: webpack 5 with asyncWebAssembly resolves the package with the browser
// conditions, instantiates the .wasm itself, and the bundle must verify the C15 vector.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import webpack from "webpack";
import { C15 } from "./fixtures.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));

function bundle(config) {
  return new Promise((resolve, reject) => {
    webpack(config, (error, stats) => {
      if (error) return reject(error);
      if (stats.hasErrors()) return reject(new Error(stats.toString("errors-only")));
      resolve(stats);
    });
  });
}

test("webpack: the bundler entry verifies the C15 vector", async () => {
  const out = mkdtempSync(join(tmpdir(), "stripe-edge-webpack-"));
  try {
    const entry = join(out, "entry.mjs");
    writeFileSync(
      entry,
      `import { verifyWebhook } from "stripe-edge";
export const verify = (...args) => verifyWebhook(...args);`,
    );
    const stats = await bundle({
      mode: "production",
      target: "node20",
      entry,
      context: here,
      resolve: {
        modules: [join(here, "node_modules")],
        // The browser conditions, not `node`, so the bundler entry is chosen.
        conditionNames: ["browser", "import", "default"],
      },
      experiments: { asyncWebAssembly: true, outputModule: true },
      output: { path: out, filename: "bundle.mjs", library: { type: "module" } },
    });
    const modules = stats.toJson({ modules: true }).modules.map((m) => m.name);
    assert.ok(modules.some((name) => name.includes("dist/bundler.mjs")), modules.join("\n"));
    assert.ok(!modules.some((name) => /dist\/(node|edge)\.mjs/.test(name)));

    const { verify } = await import(pathToFileURL(join(out, "bundle.mjs")).href);
    const event = verify(C15.body, C15.header, C15.secret, { nowSecs: C15.now });
    assert.equal(event.id, "evt_TEST03");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
