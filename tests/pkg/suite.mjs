// The package's behaviour, asserted through whichever import style loaded it.
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import { C15, EVENT_WITH_METADATA, signed, stripe } from "./fixtures.mjs";

export function packageSuite(api, style) {
  const { verifyWebhook, generateTestHeader, WebhookError } = api;
  const at = { nowSecs: C15.now };

  function codeOf(fn) {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof WebhookError, `not a WebhookError: ${error}`);
      assert.ok(error instanceof Error);
      assert.equal(error.name, "WebhookError");
      return error.code;
    }
    assert.fail("expected a WebhookError");
  }

  test(`${style}: the C15 vector verifies from every body form`, () => {
    const bytes = new TextEncoder().encode(C15.body);
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 3);
    const otherRealm = vm.runInNewContext("new Uint8Array(n)", { n: bytes.length });
    otherRealm.set(bytes);
    const forms = [
      C15.body,
      bytes,
      Buffer.from(C15.body),
      padded.subarray(3, 3 + bytes.length),
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      otherRealm,
    ];
    for (const form of forms) {
      const event = verifyWebhook(form, C15.header, C15.secret, at);
      assert.equal(event.id, "evt_TEST03");
      assert.equal(event.data.object.id, "seti_TEST03");
    }
  });

  test(`${style}: the event is the JSON exactly, maps as plain objects (C13, C14)`, () => {
    const { payload, header, secret } = signed(
      EVENT_WITH_METADATA,
      "whsec_c13",
      C15.now,
    );
    const event = verifyWebhook(payload, header, secret, at);
    assert.deepEqual(event, JSON.parse(EVENT_WITH_METADATA));
    const metadata = event.data.object.metadata;
    assert.equal(metadata.order_id, "ord_TEST_1");
    assert.ok(!(metadata instanceof Map));
    assert.deepEqual(Object.keys(metadata), ["order_id", "note"]);
    assert.equal(event.data.object.customer, null);
    assert.ok("customer" in event.data.object);
    assert.equal(JSON.stringify(event), EVENT_WITH_METADATA);
  });

  test(`${style}: stripe-node accepts generateTestHeader and we accept stripe-node's`, () => {
    const payload = '{"id":"evt_x","object":"event","note":"ünïcode ✓"}';
    const now = Math.floor(Date.now() / 1000);
    const ours = generateTestHeader({ payload, secret: "whsec_a" });
    const event = stripe.webhooks.constructEvent(payload, ours, "whsec_a");
    assert.equal(event.id, "evt_x");
    const theirs = stripe.webhooks.generateTestHeaderString({
      payload,
      secret: "whsec_a",
    });
    assert.equal(verifyWebhook(payload, theirs, "whsec_a").id, "evt_x");
    assert.equal(
      generateTestHeader({ payload, secret: "whsec_a", timestamp: now }),
      stripe.webhooks.generateTestHeaderString({
        payload,
        secret: "whsec_a",
        timestamp: now,
      }),
    );
  });

  test(`${style}: several secrets and several v1 entries`, () => {
    const { payload, header } = signed(C15.body, "whsec_new", C15.now);
    const secrets = ["whsec_old", "whsec_new"];
    assert.equal(verifyWebhook(payload, header, secrets, at).id, "evt_TEST03");
    const both = `${C15.header},v1=${header.split("v1=")[1]}`;
    assert.equal(verifyWebhook(payload, both, "whsec_new", at).id, "evt_TEST03");
  });

  test(`${style}: each refusal has its code`, () => {
    const verify = (...args) => () => verifyWebhook(...args);
    const { body, header, secret } = C15;
    assert.equal(codeOf(verify(body, undefined, secret, at)), "missing_header");
    assert.equal(codeOf(verify(body, null, secret, at)), "missing_header");
    assert.equal(codeOf(verify(body, "", secret, at)), "missing_header");
    assert.equal(codeOf(verify(body, ["t=1"], secret, at)), "malformed_header");
    assert.equal(codeOf(verify(body, "v1=ab", secret, at)), "malformed_header");
    assert.equal(codeOf(verify(body, "t=1,v0=ab", secret, at)), "no_v1_signature");
    assert.equal(codeOf(verify(`${body} `, header, secret, at)), "signature_mismatch");
    assert.equal(codeOf(verify(body, header, "whsec_other", at)), "signature_mismatch");
    const late = { nowSecs: C15.now + 301 };
    const early = { nowSecs: C15.now - 301 };
    assert.equal(codeOf(verify(body, header, secret, late)), "timestamp_outside_tolerance");
    assert.equal(codeOf(verify(body, header, secret, early)), "timestamp_outside_tolerance");
    assert.equal(codeOf(verify(JSON.parse(body), header, secret, at)), "invalid_payload");
    assert.equal(codeOf(verify(null, header, secret, at)), "invalid_payload");
    assert.equal(codeOf(verify(new Uint16Array(2), header, secret, at)), "invalid_payload");
    for (const bad of ["", "whsec_", " whsec_test_secret", '"whsec_test_secret"', [], [1], "sk_test_x"]) {
      assert.equal(codeOf(verify(body, header, bad, at)), "invalid_secret");
    }
    const notJson = signed("not json", secret, C15.now);
    assert.equal(codeOf(verify(notJson.payload, notJson.header, secret, at)), "invalid_json");
    const array = signed("[1]", secret, C15.now);
    assert.equal(codeOf(verify(array.payload, array.header, secret, at)), "invalid_json");
  });

  test(`${style}: messages never carry the secret, signature or body`, () => {
    const secret = "whsec_never_shown";
    const { payload, header } = signed(C15.body, secret, C15.now);
    try {
      verifyWebhook(`${payload}x`, header, secret, at);
      assert.fail("expected a refusal");
    } catch (error) {
      for (const hidden of [secret, header.split("v1=")[1], "evt_TEST03"]) {
        assert.ok(!error.message.includes(hidden));
        assert.ok(!String(error.stack).includes(hidden));
      }
    }
  });

  test(`${style}: a tolerance of 0 is refused, Infinity turns the check off`, () => {
    const { body, header, secret } = C15;
    for (const toleranceSecs of [0, 0.5, -1, NaN]) {
      assert.throws(
        () => verifyWebhook(body, header, secret, { toleranceSecs }),
        RangeError,
      );
    }
    // A number in a string (from an env variable) is a type mistake, said so.
    for (const toleranceSecs of ["300", null]) {
      assert.throws(
        () => verifyWebhook(body, header, secret, { toleranceSecs }),
        { name: "TypeError", message: /must be a number/ },
      );
    }
    const event = verifyWebhook(body, header, secret, { toleranceSecs: Infinity });
    assert.equal(event.id, "evt_TEST03");
    const wide = { toleranceSecs: 10 ** 12 };
    assert.equal(verifyWebhook(body, header, secret, wide).id, "evt_TEST03");
  });

  test(`${style}: nowSecs in milliseconds is refused with a hint, not read as a replay`, () => {
    const { body, header, secret } = C15;
    assert.throws(
      () => verifyWebhook(body, header, secret, { nowSecs: C15.now * 1000 }),
      (error) => error instanceof RangeError && /milliseconds/.test(error.message),
    );
    assert.equal(verifyWebhook(body, header, secret, { nowSecs: C15.now }).id, "evt_TEST03");
  });

  test(`${style}: a misspelt option is refused, not ignored`, () => {
    const { body, header, secret } = C15;
    for (const options of [{ tolerance: 5 }, { nowSecs: C15.now, now: 1 }]) {
      assert.throws(
        () => verifyWebhook(body, header, secret, options),
        (error) => error instanceof TypeError && /unknown option/.test(error.message),
      );
    }
    assert.throws(() => verifyWebhook(body, header, secret, 300), TypeError);
    // null is "no options": C15's old timestamp then meets the real clock.
    assert.throws(() => verifyWebhook(body, header, secret, null), {
      code: "timestamp_outside_tolerance",
    });
  });

  test(`${style}: generateTestHeader never signs a time verification refuses`, () => {
    const params = { payload: "{}", secret: "whsec_a" };
    assert.match(generateTestHeader({ ...params, timestamp: 999999999999 }), /^t=999999999999,/);
    for (const timestamp of [1e12, 1e13, -1, 1.5]) {
      assert.throws(() => generateTestHeader({ ...params, timestamp }), RangeError);
    }
  });

  test(`${style}: hostile input never breaks the instance`, () => {
    const hostile = [
      "t=".repeat(10000),
      ",".repeat(100000),
      `t=1,${"v1=zz,".repeat(5000)}`,
      "t=99999999999999999999999,v1=00",
      "\u0000\uffff\ud800",
      "t=1700000000,v1=" + "a".repeat(1 << 16),
    ];
    for (const header of hostile) {
      assert.ok(typeof codeOf(() => verifyWebhook(C15.body, header, C15.secret, at)) === "string");
    }
    const event = verifyWebhook(C15.body, C15.header, C15.secret, at);
    assert.equal(event.id, "evt_TEST03");
  });
}
