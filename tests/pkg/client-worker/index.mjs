import {
  StripeClient,
  StripeError,
  StripeInvalidRequestError,
} from "stripe-edge";

// GET /?api=<stripe-mock origin> runs a few calls and answers what they gave.
export default {
  async fetch(request) {
    const apiBase = new URL(request.url).searchParams.get("api");
    const stripe = new StripeClient({ secretKey: "sk_test_123", apiBase });
    try {
      const customer = await stripe.customers.create({
        email: "jenny@example.com",
        metadata: { order: "42" },
      });
      const intent = await stripe.paymentIntents.create(
        { amount: 1000, currency: "usd", customer: customer.id },
        { idempotencyKey: "worker-order-42" },
      );
      const listed = [];
      for await (const item of stripe.paymentIntents.list({ limit: 3 })) {
        listed.push(item.object);
      }
      let refusal;
      try {
        await stripe.paymentIntents.create({ amount: 1000 });
      } catch (error) {
        refusal = {
          name: error.name,
          typed: error instanceof StripeInvalidRequestError,
          base: error instanceof StripeError,
          statusCode: error.statusCode,
        };
      }
      return Response.json({
        customer: customer.object,
        intent: intent.object,
        listed,
        refusal,
      });
    } catch (error) {
      return Response.json(
        { error: { name: error.name, message: String(error.message) } },
        { status: 500 },
      );
    }
  },
};
