// Node, loaded with require(). The build bundles this file, the API and the glue into
// one CommonJS file, dist/node.cjs, so __dirname is the dist folder.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as glue from "../stripe_edge_bg.js";
import { instantiateModule, registerLoader } from "./loader.mjs";

const wasmPath = join(__dirname, "..", "stripe_edge_bg.wasm");

registerLoader(
  () => instantiateModule(new WebAssembly.Module(readFileSync(wasmPath)), glue),
  "It is read from stripe_edge_bg.wasm beside the package's files; if a bundler " +
    "moved the package, keep it external (in Next.js: " +
    '`serverExternalPackages: ["stripe-edge"]` in next.config).',
);

export * from "./api.mjs";
