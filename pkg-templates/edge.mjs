// Workers (workerd) and Next.js edge routes. Both refuse to compile WebAssembly from
// bytes, so the module arrives precompiled through a static import that wrangler and
// Next's bundler turn into a WebAssembly.Module.
import wasmModule from "../stripe_edge_bg.wasm?module";
import * as glue from "../stripe_edge_bg.js";
import { instantiateModule, registerLoader } from "./loader.mjs";

registerLoader(() => instantiateModule(wasmModule, glue), "an edge runtime");

export * from "./api.mjs";
