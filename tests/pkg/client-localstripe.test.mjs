// Stateful flows on localstripe (port 8421): customer, PaymentIntent, confirm with
// test cards, refund, with the typed errors its declines give. localstripe's limits
// shape the flows: it refuses a payment_method on confirm (so it is set at create),
// declines 4000000000009995 when it is attached rather than when charged, and
// completes 3-D Secure through its own `_authenticate` endpoint.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  StripeCardError,
  StripeClient,
  StripeError,
  StripeInvalidRequestError,
} from "stripe-edge";
import { LOCALSTRIPE_KEY, startLocalstripe } from "../../scripts/localstripe.mjs";

let localstripe;
let stripe;

before(async () => {
  localstripe = await startLocalstripe({ port: 8421 });
  stripe = new StripeClient({ secretKey: LOCALSTRIPE_KEY, apiBase: localstripe.url });
});

after(() => localstripe?.stop());

async function customerWith(paymentMethod) {
  const customer = await stripe.customers.create({
    email: "jenny@example.com",
    metadata: { order: "42" },
  });
  assert.match(customer.id, /^cus_/);
  assert.equal(customer.metadata.order, "42");
  if (paymentMethod !== undefined) {
    await stripe.paymentMethods.attach(paymentMethod, { customer: customer.id });
  }
  return customer;
}

test("localstripe: a visa payment succeeds, then is refunded", async () => {
  const customer = await customerWith();
  const intent = await stripe.paymentIntents.create(
    {
      amount: 2000,
      currency: "usd",
      customer: customer.id,
      payment_method: "pm_card_visa",
      metadata: { order: "42" },
    },
    { idempotencyKey: `order-42-${Date.now()}` },
  );
  assert.equal(intent.status, "requires_confirmation");

  const confirmed = await stripe.paymentIntents.confirm(intent.id);
  assert.equal(confirmed.status, "succeeded");
  assert.equal((await stripe.paymentIntents.retrieve(intent.id)).status, "succeeded");

  const refund = await stripe.refunds.create({ payment_intent: intent.id, amount: 500 });
  assert.match(refund.id, /^re_/);
  assert.equal(refund.amount, 500);
  assert.equal((await stripe.refunds.retrieve(refund.id)).id, refund.id);
});

test("localstripe: a generic decline is a StripeCardError", async () => {
  const customer = await customerWith();
  const intent = await stripe.paymentIntents.create({
    amount: 2000,
    currency: "usd",
    customer: customer.id,
    payment_method: "pm_card_chargeCustomerFail",
  });
  await assert.rejects(stripe.paymentIntents.confirm(intent.id), (error) => {
    assert.ok(error instanceof StripeCardError);
    assert.ok(error instanceof StripeError);
    assert.equal(error.statusCode, 402);
    assert.equal(error.code, "card_declined");
    assert.equal(error.message, "Your card was declined.");
    return true;
  });
  const after = await stripe.paymentIntents.retrieve(intent.id);
  assert.equal(after.status, "requires_payment_method");
  assert.equal(after.last_payment_error.code, "card_declined");
  await assert.rejects(
    stripe.refunds.create({ payment_intent: intent.id }),
    StripeInvalidRequestError,
  );
});

test("localstripe: the insufficient-funds card is declined when attached", async () => {
  const customer = await customerWith();
  const method = await stripe.paymentMethods.create({
    type: "card",
    card: { number: "4000000000009995", exp_month: 12, exp_year: 2034, cvc: "123" },
  });
  await assert.rejects(
    stripe.paymentMethods.attach(method.id, { customer: customer.id }),
    (error) =>
      error instanceof StripeCardError &&
      error.statusCode === 402 &&
      error.code === "card_declined",
  );
});

test("localstripe: a 3-D Secure card requires action, then succeeds once authenticated", async () => {
  const customer = await customerWith();
  const method = await stripe.paymentMethods.create({
    type: "card",
    card: { number: "4000002500003155", exp_month: 12, exp_year: 2034, cvc: "123" },
  });
  const intent = await stripe.paymentIntents.create({
    amount: 3000,
    currency: "eur",
    customer: customer.id,
    payment_method: method.id,
  });
  const confirmed = await stripe.paymentIntents.confirm(intent.id);
  assert.equal(confirmed.status, "requires_action");
  assert.equal(confirmed.next_action.type, "use_stripe_sdk");

  // What localstripe's mock Stripe.js does when the buyer passes the challenge.
  const authenticated = await stripe.request(
    "POST",
    "/v1/payment_intents/{}/_authenticate",
    [intent.id],
    { client_secret: intent.client_secret, success: true },
  );
  assert.equal(authenticated.status, "succeeded");
});

test("localstripe: an unknown id is a StripeInvalidRequestError with its status", async () => {
  await assert.rejects(stripe.customers.retrieve("cus_doesnotexist"), (error) => {
    assert.ok(error instanceof StripeInvalidRequestError);
    assert.equal(error.statusCode, 404);
    return true;
  });
});

test("localstripe: customers update, list and delete", async () => {
  const customer = await customerWith();
  const updated = await stripe.customers.update(customer.id, {
    name: "Zoë",
    metadata: { order: "" },
  });
  assert.equal(updated.name, "Zoë");
  const deleted = await stripe.customers.del(customer.id);
  assert.equal(deleted.deleted, true);
  const events = await stripe.events.list({ type: "customer.created" });
  assert.ok(events.data.length >= 1);
});

test("localstripe: for await pages through every PaymentIntent, one per page", async () => {
  const all = await stripe.paymentIntents.list({ limit: 100 });
  assert.ok(all.data.length >= 3, "the tests above made three");
  const seen = [];
  for await (const intent of stripe.paymentIntents.list({ limit: 1 })) {
    seen.push(intent.id);
  }
  assert.deepEqual(
    seen,
    all.data.map((intent) => intent.id),
  );
});
