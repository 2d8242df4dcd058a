import { verifyWebhook, WebhookError } from "stripe-edge";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const now = url.searchParams.get("now");
    const options = now === null ? undefined : { nowSecs: Number(now) };
    const body = await request.text();
    try {
      const event = verifyWebhook(
        body,
        request.headers.get("stripe-signature"),
        env.STRIPE_WEBHOOK_SECRET.split(","),
        options,
      );
      return Response.json({ id: event.id, type: event.type, event });
    } catch (error) {
      if (error instanceof WebhookError) {
        return Response.json({ error: { code: error.code } }, { status: 400 });
      }
      return Response.json({ error: { message: String(error) } }, { status: 500 });
    }
  },
};
