// localstripe, the stateful stand-in for Stripe's API, for the demo and the tests.
// It keeps its store in a fixed file and listens on every interface, so only one can
// run on a machine; webhook targets live in memory and must be registered per start.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startService } from "./service.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Any `sk_test_` key is accepted by localstripe; this one is not a real key. */
export const LOCALSTRIPE_KEY = "sk_test_localstripe";

export async function startLocalstripe({ port = 8420, logFile } = {}) {
  const url = `http://127.0.0.1:${port}`;
  const service = await startService({
    name: "localstripe",
    command: join(root, ".venv/bin/localstripe"),
    args: ["--port", String(port), "--from-scratch"],
    cwd: root,
    readyUrl: `${url}/v1/customers`,
    logFile,
  });

  /** Calls the REST API with form-encoded params, as Stripe expects. */
  async function api(method, path, params) {
    const body = params ? new URLSearchParams(params) : undefined;
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${LOCALSTRIPE_KEY}` },
      body,
    });
    const json = await response.json();
    if (!response.ok) {
      throw new Error(
        `${method} ${path}: ${response.status} ${json.error?.message}`,
      );
    }
    return json;
  }

  /** Makes localstripe sign and send every event to `target`. */
  async function registerWebhook(name, target, secret) {
    const response = await fetch(`${url}/_config/webhooks/${name}`, {
      method: "POST",
      body: new URLSearchParams({ url: target, secret }),
    });
    if (!response.ok)
      throw new Error(`registering webhook ${name}: ${response.status}`);
  }

  return {
    url,
    api,
    registerWebhook,
    stop: service.stop,
    output: service.output,
  };
}
