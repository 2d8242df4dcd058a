// A runtime's own synchronous HMAC-SHA256 (node:crypto), where it has one. For all
// but small bodies it is faster than SHA-256 compiled to WebAssembly, and hashing the
// body where it already is saves copying it into the module. The core still makes
// every decision; this only computes the MACs it asks for (see
// `verify_signature_with` in the Rust core).

// Each of the host's HMACs has a fixed cost, so below these body lengths the module's
// own hashing is faster (measured with scripts/bench.mjs; see BENCHMARKS.md).
const NODE_MIN_BODY_LENGTH = 800;
const BUILTIN_MIN_BODY_LENGTH = 3072;

/** Node's crypto, for the Node entries, which import it. */
export function nodeHostCrypto(crypto) {
  return hostCryptoFrom(crypto, NODE_MIN_BODY_LENGTH);
}

/**
 * node:crypto in runtimes that hand it out without an import: workerd with the
 * `nodejs_compat` flag, Deno, Bun, Node 20.16 and later. Undefined elsewhere, where
 * the module hashes. Next.js's edge runtime is left alone: it has no node:crypto,
 * and touching its `process` only logs warnings.
 */
export function builtinHostCrypto() {
  if (typeof globalThis.EdgeRuntime === "string") return undefined;
  const getBuiltinModule = globalThis.process?.getBuiltinModule;
  if (typeof getBuiltinModule !== "function") return undefined;
  try {
    const crypto = getBuiltinModule("node:crypto");
    if (typeof crypto?.createHmac !== "function") return undefined;
    return hostCryptoFrom(crypto, BUILTIN_MIN_BODY_LENGTH);
  } catch {
    return undefined;
  }
}

function hostCryptoFrom({ createHmac }, minBodyLength) {
  return {
    /** Shorter bodies (string length or bytes) are hashed by the module. */
    minBodyLength,

    /** HMAC-SHA256 keyed with `key` over `prefix` then `body` (a string or bytes). */
    hmacSha256(key, prefix, body) {
      return createHmac("sha256", key).update(prefix).update(body).digest();
    },
  };
}
