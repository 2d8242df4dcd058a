// What an edge or Workers deployment of one build of the package ships: the module
// plus the `workerd` entry's JavaScript bundled and minified as wrangler would, each
// gzipped. Used by the package build and by the benchmark, so both print one figure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** Sizes in bytes for the build whose `dist/` and `.wasm` are in `dir`. */
export async function edgeImportSize(dir) {
  const bundled = await build({
    entryPoints: [join(dir, "dist", "edge.mjs")],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    external: ["*.wasm?module", "node:*"],
    write: false,
    logLevel: "warning",
  });
  const wasm = readFileSync(join(dir, "stripe_edge_bg.wasm"));
  const wasmGz = gzipSync(wasm).length;
  const jsGz = gzipSync(bundled.outputFiles[0].contents).length;
  return { wasm: wasm.length, wasmGz, jsGz, shipped: wasmGz + jsGz };
}

/** Bytes as KiB with one decimal. */
export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
