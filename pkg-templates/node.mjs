// Node, imported as ESM: the module is read from disk beside the package on first use.
// Turbopack turns `new URL(…, import.meta.url)` into a server asset, so Next's default
// build finds the file; webpack makes it a public URL instead, so with webpack the
// package has to stay external (`serverExternalPackages`).
import * as crypto from "node:crypto";
import { readFileSync } from "node:fs";
import * as glue from "../stripe_edge_bg.js";
import { nodeHostCrypto } from "./host-crypto.mjs";
import { instantiateModule, registerLoader } from "./loader.mjs";

const wasmUrl = new URL("../stripe_edge_bg.wasm", import.meta.url);

registerLoader(
  () => instantiateModule(new WebAssembly.Module(readFileSync(wasmUrl)), glue),
  "It is read from stripe_edge_bg.wasm beside the package's files; if a bundler " +
    "moved the package, keep it external (in Next.js: " +
    '`serverExternalPackages: ["stripe-edge"]` in next.config).',
  () => nodeHostCrypto(crypto),
);

// What this entry exports; the build writes it per variant (see build-pkg.mjs).
export * from "./surface.mjs";
