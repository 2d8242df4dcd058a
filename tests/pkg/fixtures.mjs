// Shared inputs for the package tests. The C15 vector comes from
// ../shared/cases/C15.md; the rest are signed by stripe-node, not by us.
import Stripe from "stripe";

export const C15 = {
  body: '{"id":"evt_TEST03","object":"event","type":"setup_intent.succeeded","data":{"object":{"id":"seti_TEST03","object":"setup_intent"}}}',
  header:
    "t=1700000000,v1=2a02864cb17f77fbd762c535c9f5ea0c7e8db41571b69a2a7996e23c44af4100",
  secret: "whsec_test_secret",
  now: 1700000000,
};

export const stripe = new Stripe("sk_test_your_key_here");

export function signed(payload, secret, timestamp) {
  const header = stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    timestamp,
  });
  return { payload, header, secret, timestamp };
}

export const EVENT_WITH_METADATA = JSON.stringify({
  id: "evt_TEST13",
  object: "event",
  type: "payment_intent.succeeded",
  api_version: "2026-11-18",
  created: 1700000000,
  livemode: false,
  request: { id: null, idempotency_key: null },
  data: {
    object: {
      id: "pi_TEST13",
      object: "payment_intent",
      amount: 2000,
      customer: null,
      description: null,
      metadata: { order_id: "ord_TEST_1", note: "café ☕ 🎉 \u2028" },
    },
  },
});
