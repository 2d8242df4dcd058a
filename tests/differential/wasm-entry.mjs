// The package's API with the body hashed inside the WebAssembly module, as on Workers
// and edge routes, loaded in Node: its loader is registered without Node's crypto.
// This reaches into the package's own files (dist/loader.mjs, dist/api.mjs), so it
// follows their layout; never import it beside "stripe-edge" in one process, as both
// would register with the same loader module.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const root = dirname(require.resolve("stripe-edge/package.json"));
const load = (file) => import(pathToFileURL(join(root, file)).href);

const { instantiateModule, registerLoader } = await load("dist/loader.mjs");
const glue = await load("stripe_edge_bg.js");
registerLoader(
  () => {
    const bytes = readFileSync(join(root, "stripe_edge_bg.wasm"));
    return instantiateModule(new WebAssembly.Module(bytes), glue);
  },
  "(differential test, wasm hashing)",
  undefined,
);

export const { generateTestHeader, verifyWebhook, WebhookError } =
  await load("dist/api.mjs");
