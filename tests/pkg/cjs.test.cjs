// The same suite through require(), and a check that one process holding both builds
// still treats their errors alike.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const api = require("stripe-edge");

test("CommonJS: require gives the CommonJS build", () => {
  assert.equal(require.resolve("stripe-edge").endsWith("node.cjs"), true);
  assert.equal(typeof api.verifyWebhook, "function");
});

test("CommonJS and ESM errors are both WebhookErrors", async () => {
  const esm = await import("stripe-edge");
  assert.notEqual(esm.WebhookError, api.WebhookError);
  let fromEsm;
  try {
    esm.verifyWebhook("{}", null, "whsec_x");
  } catch (error) {
    fromEsm = error;
  }
  assert.ok(fromEsm instanceof api.WebhookError);
  assert.equal(fromEsm.code, "missing_header");
});

import("./suite.mjs").then(({ packageSuite }) => {
  packageSuite(api, "CommonJS require");
  packageSuite(require("stripe-edge/webhook"), "CommonJS require of stripe-edge/webhook");
});
