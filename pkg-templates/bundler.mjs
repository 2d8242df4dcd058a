// Bundlers that implement WebAssembly ES module integration (webpack's
// asyncWebAssembly, Vite with a wasm plugin) instantiate the module themselves and
// hand over its exports; the glue only needs to be told about them.
import * as wasmExports from "../stripe_edge_bg.wasm";
import * as glue from "../stripe_edge_bg.js";
import { builtinHostCrypto } from "./host-crypto.mjs";
import { registerLoader } from "./loader.mjs";

registerLoader(
  () => {
    glue.__wbg_set_wasm(wasmExports);
    wasmExports.__wbindgen_start?.();
    return { glue, memory: wasmExports.memory };
  },
  "This entry needs a bundler with WebAssembly ES module integration " +
    "(webpack's asyncWebAssembly, or Vite with a wasm plugin).",
  builtinHostCrypto,
);

// What this entry exports; the build writes it per variant (see build-pkg.mjs).
export * from "./surface.mjs";
