// The package imported by a plain JavaScript Worker under wrangler dev: the `workerd`
// condition, the static .wasm import and lazy instantiation, in real workerd.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { freePort, startService } from "../../scripts/service.mjs";
import * as nodeEntry from "stripe-edge";
import { C15, signed } from "./fixtures.mjs";
import { outcome, randomDeliveries } from "./random-deliveries.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
let worker;
let url;
// The same Worker with nodejs_compat, where the package hashes with node:crypto.
let compatWorker;
let compatUrl;

async function startWorker(extraArgs) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const service = await startService({
    name: `wrangler dev (package test worker${extraArgs.length ? ", nodejs_compat" : ""})`,
    command: join(root, "node_modules/.bin/wrangler"),
    args: [
      "dev",
      "-c",
      join(root, "tests/pkg/workerd/wrangler.toml"),
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--var",
      `STRIPE_WEBHOOK_SECRET:whsec_rotated,${C15.secret}`,
      ...extraArgs,
    ],
    cwd: root,
    env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    readyUrl: base,
  });
  return { service, base };
}

before(async () => {
  // One after the other: started together from one folder, they hung here.
  ({ service: worker, base: url } = await startWorker([]));
  ({ service: compatWorker, base: compatUrl } = await startWorker([
    "--compatibility-flags",
    "nodejs_compat",
  ]));
});

after(async () => {
  await Promise.all([worker?.stop(), compatWorker?.stop()]);
});

async function deliver(body, header, query = "") {
  const headers = header === undefined ? {} : { "stripe-signature": header };
  const response = await fetch(`${url}/${query}`, { method: "POST", headers, body });
  return { status: response.status, json: await response.json() };
}

test("workerd: the C15 vector verifies, concurrently on a cold instance", async () => {
  const deliveries = Array.from({ length: 8 }, () =>
    deliver(C15.body, C15.header, `?now=${C15.now}`),
  );
  for (const { status, json } of await Promise.all(deliveries)) {
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(json.id, "evt_TEST03");
    assert.deepEqual(json.event, JSON.parse(C15.body));
  }
});

test("workerd: stripe-node's signature, on the real clock", async () => {
  const body = '{"id":"evt_W1","object":"event","type":"customer.created","data":{"object":{"object":"customer","name":"Zoë 🎉"}}}';
  const { header } = signed(body, C15.secret, Math.floor(Date.now() / 1000));
  const { status, json } = await deliver(body, header);
  assert.equal(status, 200);
  assert.equal(json.event.data.object.name, "Zoë 🎉");
});

test("workerd: refusals carry their codes", async () => {
  assert.equal((await deliver(C15.body, undefined)).json.error.code, "missing_header");
  const tampered = await deliver(`${C15.body} `, C15.header, `?now=${C15.now}`);
  assert.equal(tampered.status, 400);
  assert.equal(tampered.json.error.code, "signature_mismatch");
  const stale = await deliver(C15.body, C15.header);
  assert.equal(stale.json.error.code, "timestamp_outside_tolerance");
});

test("workerd decides random deliveries as Node does, hashing either way", async () => {
  const deliveries = randomDeliveries(20260203, 300);
  const expected = deliveries.map((delivery) =>
    JSON.parse(JSON.stringify(outcome(nodeEntry, delivery))),
  );
  const wire = deliveries.map(({ verify, payload, header, secret, options }) => ({
    verify,
    body: typeof payload === "string" ? payload : { bytes: [...payload] },
    header,
    secret,
    options: {
      ...options,
      ...(options.toleranceSecs === Infinity ? { toleranceSecs: "Infinity" } : {}),
    },
  }));
  for (const [base, nodeCrypto] of [
    [url, false],
    [compatUrl, true],
  ]) {
    const response = await fetch(`${base}/batch`, {
      method: "POST",
      body: JSON.stringify(wire),
    });
    const answer = await response.json();
    assert.equal(answer.nodeCrypto, nodeCrypto);
    for (const [i, got] of answer.outcomes.entries()) {
      assert.deepEqual(got, expected[i], `delivery ${i}, nodejs_compat ${nodeCrypto}`);
    }
  }
});
