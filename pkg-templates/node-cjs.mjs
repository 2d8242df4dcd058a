// Node, loaded with require(). The build bundles this file, the API and the glue into
// one CommonJS file, dist/node.cjs, so __dirname is the dist folder.
import * as crypto from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as glue from "../stripe_edge_bg.js";
import { nodeHostCrypto } from "./host-crypto.mjs";
import { instantiateModule, registerLoader } from "./loader.mjs";

const wasmPath = join(__dirname, "..", "stripe_edge_bg.wasm");

registerLoader(
  () => instantiateModule(new WebAssembly.Module(readFileSync(wasmPath)), glue),
  "It is read from stripe_edge_bg.wasm beside the package's files; if a bundler " +
    "moved the package, keep it external (in Next.js: " +
    '`serverExternalPackages: ["stripe-edge"]` in next.config).',
  () => nodeHostCrypto(crypto),
);

// What this entry exports; the build writes it per variant (see build-pkg.mjs).
export * from "./surface.mjs";
