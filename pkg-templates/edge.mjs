// Workers (workerd) and Next.js edge routes. Both refuse to compile WebAssembly from
// bytes, so the module arrives precompiled through a static import that wrangler and
// Next's bundler turn into a WebAssembly.Module.
import wasmModule from "../stripe_edge_bg.wasm?module";
import * as glue from "../stripe_edge_bg.js";
import { builtinHostCrypto } from "./host-crypto.mjs";
import { instantiateModule, registerLoader } from "./loader.mjs";

registerLoader(
  () => instantiateModule(wasmModule, glue),
  "Edge runtimes and Workers refuse to compile WebAssembly from bytes, so the " +
    "module must come from the static .wasm import of the package's `workerd` and " +
    "`edge-light` entries: check that your bundler resolves those conditions and " +
    "supports .wasm module imports.",
  builtinHostCrypto,
);

// What this entry exports; the build writes it per variant (see build-pkg.mjs).
export * from "./surface.mjs";
