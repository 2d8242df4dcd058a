// stripe-mock, Stripe's stateless mock of its API, for the API client's tests: it
// checks every request against Stripe's OpenAPI spec and answers with fixtures.
// Installed by scripts/setup.sh at the release scripts/stripe-spec.sh pins.
//   node scripts/stripe-mock.mjs   run it in the foreground until Ctrl-C
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nextStopSignal, startService } from "./service.mjs";

/** stripe-mock accepts any `sk_test_` key; this one is not a real key. */
export const STRIPE_MOCK_KEY = "sk_test_123";

/** The HTTP and HTTPS ports this project gives stripe-mock. */
export const STRIPE_MOCK_PORTS = { http: 12111, https: 12112 };

/** Starts stripe-mock on loopback; resolves with `{ url, stop, output }`. */
export async function startStripeMock({
  httpPort = STRIPE_MOCK_PORTS.http,
  httpsPort = STRIPE_MOCK_PORTS.https,
  logFile,
} = {}) {
  const url = `http://127.0.0.1:${httpPort}`;
  // A leftover instance would answer the readiness check for us; refuse instead.
  const busy = await fetch(`${url}/v1/customers`, {
    signal: AbortSignal.timeout(1000),
  }).then(
    () => true,
    () => false,
  );
  if (busy) {
    throw new Error(`stripe-mock: something already listens on ${url}`);
  }
  const service = await startService({
    name: "stripe-mock",
    command: join(homedir(), "go", "bin", "stripe-mock"),
    args: [
      "-http-addr",
      `127.0.0.1:${httpPort}`,
      "-https-addr",
      `127.0.0.1:${httpsPort}`,
    ],
    readyUrl: `${url}/v1/customers`,
    logFile,
  });
  return { url, stop: service.stop, output: service.output };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mock = await startStripeMock();
  console.log(`stripe-mock on ${mock.url}; Ctrl-C stops it`);
  await nextStopSignal();
  await mock.stop();
}
