// The keys suite through require(), and a check that one process holding both
// builds treats their errors alike.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const api = require("stripe-edge");

test("CommonJS: ConfigError and ClientSecretError match across the two builds", async () => {
  const esm = await import("stripe-edge");
  assert.notEqual(esm.ConfigError, api.ConfigError);
  let fromEsm;
  try {
    esm.loadStripeConfig({});
  } catch (error) {
    fromEsm = error;
  }
  assert.ok(fromEsm instanceof api.ConfigError);
  assert.ok(!(fromEsm instanceof api.ClientSecretError));
  assert.equal(fromEsm.code, "missing_value");
  let fromCjs;
  try {
    api.parseClientSecret("pi_TEST123");
  } catch (error) {
    fromCjs = error;
  }
  assert.ok(fromCjs instanceof esm.ClientSecretError);
  assert.ok(!(fromCjs instanceof esm.ConfigError));
  assert.ok(!(fromCjs instanceof esm.WebhookError));
});

import("./keys-suite.mjs").then(({ keysSuite }) => keysSuite(api, "CommonJS require"));
