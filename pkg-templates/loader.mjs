// Each runtime's entry point registers how the WebAssembly module is found and
// instantiated; the API asks for it on first use. Instantiation happens once; a
// failure is kept and thrown again, so every caller sees the same clear error rather
// than a later "undefined is not a function".

let instantiate;
let runtimeHint = "";
let findHostCrypto;
let glue;
let memory;
let nativeCrypto;
let failure;

/**
 * Called once by the entry point, before any API call can happen. `load` returns
 * `{ glue, memory }`; `hint` tells the user what usually goes wrong with this way of
 * loading. `findCrypto`, called once with `load`, returns the runtime's fast
 * synchronous HMAC as `{ minBodyLength, hmacSha256(key, prefix, body) }` (see
 * host-crypto.mjs), or undefined: then the module does all the hashing.
 */
export function registerLoader(load, hint, findCrypto) {
  instantiate = load;
  runtimeHint = hint;
  findHostCrypto = findCrypto;
}

/** wasm-bindgen's glue, live. */
export function wasm() {
  if (glue !== undefined) return glue;
  if (failure !== undefined) throw failure;
  try {
    const loaded = instantiate();
    nativeCrypto = findHostCrypto?.();
    ({ glue, memory } = loaded);
    return glue;
  } catch (cause) {
    failure = new Error(
      `stripe-edge: could not instantiate its WebAssembly module. ${runtimeHint}`,
      { cause },
    );
    throw failure;
  }
}

/** The module's linear memory; only valid after `wasm()` succeeded. */
export function wasmMemory() {
  return memory;
}

/**
 * The runtime's native crypto, or undefined where the module does the hashing; only
 * settled after `wasm()` succeeded.
 */
export function hostCrypto() {
  return nativeCrypto;
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
  return { glue: bindings, memory: instance.exports.memory };
}
