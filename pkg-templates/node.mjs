// Node, imported as ESM: the module is read from disk beside the package on first use.
// `new URL(…, import.meta.url)` is the form bundlers recognise as an asset, so the file
// is still found after bundling (a Next.js route on the Node runtime).
import { readFileSync } from "node:fs";
import * as glue from "../stripe_edge_bg.js";
import { instantiateModule, registerLoader } from "./loader.mjs";

const wasmUrl = new URL("../stripe_edge_bg.wasm", import.meta.url);

registerLoader(
  () => instantiateModule(new WebAssembly.Module(readFileSync(wasmUrl)), glue),
  "Node.js",
);

export * from "./api.mjs";
