// Thin event notifications through the package, beside stripe-node 23.2.0's
// parseEventNotification. The shared cases (tests/data/thin_events.json) are the ones
// the Rust core is tested on; where stripe-node decides otherwise, the case says so
// and this checks that it really does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as esm from "stripe-edge";
import { signed, stripe } from "./fixtures.mjs";

const cjs = createRequire(import.meta.url)("stripe-edge");
const { vectors } = JSON.parse(
  readFileSync(new URL("../data/thin_events.json", import.meta.url), "utf8"),
);
const SECRET = "whsec_thin_test";
const NOW = 1_700_000_000;
const at = { nowSecs: NOW };

function ours(verify, ...args) {
  try {
    return { event: verify(...args) };
  } catch (error) {
    assert.equal(error.name, "WebhookError", String(error));
    return { code: error.code };
  }
}

function theirs(payload, header, secret = SECRET, receivedAtSecs = NOW) {
  try {
    const tolerance = undefined;
    const provider = undefined;
    const event = stripe.parseEventNotification(
      payload,
      header,
      secret,
      tolerance,
      provider,
      receivedAtSecs * 1000,
    );
    return { event };
  } catch (error) {
    return { error };
  }
}

for (const [style, api] of [
  ["ESM", esm],
  ["CommonJS", cjs],
]) {
  test(`${style}: each shared case decides as listed, beside stripe-node`, () => {
    assert.equal(typeof api.verifyThinEvent, "function");
    for (const { name, body, expect, note } of vectors) {
      const { header } = signed(body, SECRET, NOW);
      const mine = ours(api.verifyThinEvent, body, header, SECRET, at);
      assert.equal(mine.code ?? "ok", expect, name);
      const bytes = ours(api.verifyThinEvent, Buffer.from(body), header, SECRET, at);
      assert.deepEqual(bytes, mine, `${name}, as bytes`);

      const reference = theirs(body, header);
      const theyAccept = reference.error === undefined;
      if (note === undefined) {
        assert.equal(theyAccept, expect === "ok", `${name}: stripe-node differs`);
      } else {
        assert.ok(theyAccept && expect !== "ok", `${name}: "${note}" no longer holds`);
      }

      if (expect === "ok") {
        assert.deepEqual(mine.event, JSON.parse(body), name);
        const notification = reference.event;
        for (const field of ["id", "object", "type", "created", "livemode"]) {
          assert.deepEqual(mine.event[field], notification[field], `${name}: ${field}`);
        }
        assert.deepEqual(mine.event.related_object, notification.related_object);
        // stripe-node wraps the context; the text is the same.
        if (mine.event.context) {
          assert.equal(mine.event.context, String(notification.context));
        }
      }
    }
  });
}

test("a thin event is the wrong kind for verifyWebhook, as for constructEvent", () => {
  const body = vectors[0].body;
  const { header } = signed(body, SECRET, NOW);
  for (const api of [esm, cjs]) {
    assert.throws(() => api.verifyWebhook(body, header, SECRET, at), {
      name: "WebhookError",
      code: "wrong_event_kind",
      message: /verifyThinEvent/,
    });
  }
  assert.throws(
    () => stripe.webhooks.constructEvent(body, header, SECRET, undefined, undefined, NOW * 1000),
    /thin event notification/,
  );
});

test("signature and time decisions on thin events, beside stripe-node", () => {
  const body = vectors[0].body;
  const { header } = signed(body, SECRET, NOW);
  const cases = [
    // [name, payload, header, secret, now, our code, does stripe-node accept?]
    ["genuine", body, header, SECRET, NOW, undefined, true],
    ["tampered", `${body} `, header, SECRET, NOW, "signature_mismatch", false],
    ["other secret", body, header, "whsec_other", NOW, "signature_mismatch", false],
    ["no header", body, null, SECRET, NOW, "missing_header", false],
    ["no v1", body, header.replace("v1=", "v0="), SECRET, NOW, "no_v1_signature", false],
    ["stale", body, header, SECRET, NOW + 301, "timestamp_outside_tolerance", false],
    ["at the edge", body, header, SECRET, NOW + 300, undefined, true],
    // Deliberate difference: a signature from the future is refused here.
    ["future", body, header, SECRET, NOW - 301, "timestamp_outside_tolerance", true],
  ];
  for (const [name, payload, signature, secret, now, code, theyAccept] of cases) {
    const mine = ours(esm.verifyThinEvent, payload, signature, secret, { nowSecs: now });
    assert.equal(mine.code, code, name);
    const reference = theirs(payload, signature, secret, now);
    assert.equal(reference.error === undefined, theyAccept, `${name}: stripe-node`);
  }
});

test("a tolerance of 0 is refused here; stripe-node's thin path reads it as 300", () => {
  const body = vectors[0].body;
  const { header } = signed(body, SECRET, NOW);
  assert.throws(
    () => esm.verifyThinEvent(body, header, SECRET, { toleranceSecs: 0 }),
    RangeError,
  );
  assert.throws(
    () => stripe.parseEventNotification(body, header, SECRET, 0, undefined, (NOW + 301) * 1000),
    /tolerance/i,
  );
});
