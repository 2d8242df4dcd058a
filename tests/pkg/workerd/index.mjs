import { verifyThinEvent, verifyWebhook, WebhookError } from "stripe-edge";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/batch") return batch(request);
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

// Decides a list of deliveries sent by tests/pkg/workerd.test.mjs, which compares the
// answers with Node's. A body is a string, or `{ bytes: [...] }`; JSON has no
// Infinity, so a tolerance of "Infinity" stands for it.
async function batch(request) {
  const cases = await request.json();
  const outcomes = cases.map(({ verify, body, header, secret, options }) => {
    const payload = typeof body === "string" ? body : new Uint8Array(body.bytes);
    const fn = verify === "verifyThinEvent" ? verifyThinEvent : verifyWebhook;
    if (options.toleranceSecs === "Infinity") options.toleranceSecs = Infinity;
    try {
      return { event: fn(payload, header, secret, options) };
    } catch (error) {
      return { code: error.code ?? `${error.name}: ${error.message}` };
    }
  });
  const nodeCrypto = typeof globalThis.process?.getBuiltinModule === "function";
  return Response.json({ nodeCrypto, outcomes });
}
