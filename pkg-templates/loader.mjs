// Each runtime's entry point registers how the WebAssembly module is found and
// instantiated; the API asks for it on first use. Instantiation happens once; a
// failure is kept and thrown again, so every caller sees the same clear error rather
// than a later "undefined is not a function".

let instantiate;
let runtimeHint = "";
let glue;
let failure;

/**
 * Called once by the entry point, before any API call can happen. `hint` tells the
 * user what usually goes wrong with this way of loading.
 */
export function registerLoader(load, hint) {
  instantiate = load;
  runtimeHint = hint;
}

/** wasm-bindgen's glue, live. */
export function wasm() {
  if (glue !== undefined) return glue;
  if (failure !== undefined) throw failure;
  try {
    glue = instantiate();
    return glue;
  } catch (cause) {
    failure = new Error(
      `stripe-edge: could not instantiate its WebAssembly module. ${runtimeHint}`,
      { cause },
    );
    throw failure;
  }
}

/** wasm-bindgen's bundler output imports its glue under this module name. */
const GLUE_IMPORT = "./stripe_edge_bg.js";

/** Instantiates a compiled module synchronously and wires it to its glue. */
export function instantiateModule(module, bindings) {
  const instance = new WebAssembly.Instance(module, {
    [GLUE_IMPORT]: bindings,
  });
  bindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return bindings;
}
