// The differential test against stripe-node, with the body hashed inside the
// WebAssembly module, as on Workers and in edge routes.
import * as api from "./wasm-entry.mjs";
import { stripeNodeDifferential } from "./stripe-node.mjs";

stripeNodeDifferential(api, "wasm hashing");
