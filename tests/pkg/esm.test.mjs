import { test } from "node:test";
import assert from "node:assert/strict";
import * as api from "stripe-edge";
import * as webhookOnly from "stripe-edge/webhook";
import { packageSuite } from "./suite.mjs";

packageSuite(api, "ESM import");
packageSuite(webhookOnly, "ESM import of stripe-edge/webhook");

test("stripe-edge/webhook exports verification and models, not the keys rules", () => {
  for (const name of ["verifyWebhook", "verifyThinEvent", "generateTestHeader"]) {
    assert.equal(typeof webhookOnly[name], "function", name);
  }
  assert.equal(webhookOnly.STRIPE_API_VERSION, api.STRIPE_API_VERSION);
  assert.equal(webhookOnly.loadStripeConfig, undefined);
  assert.equal(typeof api.loadStripeConfig, "function");
});
