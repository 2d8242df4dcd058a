import {
  browserIntent,
  readReturnUrl,
  StripeClient,
  StripeError,
} from "stripe-edge";

import { readJsonUpTo } from "@/lib/body";
import { shopConfig } from "@/lib/config";

// The package's API client on Next's edge runtime: no Node built-ins, only
// fetch and timers.
export const runtime = "edge";

const MAX_BODY_BYTES = 4096;

/**
 * Where a PaymentIntent stands, straight from Stripe, for a browser that came
 * back from a redirect: it posts `{ return_url }`, the URL Stripe sent it to,
 * with `payment_intent=pi_…&payment_intent_client_secret=…` appended. A POST,
 * so this request's URL (which access logs keep) carries no secret. Answers
 * only the browser-safe fields, and only to a caller holding the intent's
 * whole client secret.
 */
export async function POST(request: Request): Promise<Response> {
  const chosen = shopConfig();
  const secretKey = chosen.ok ? chosen.config.stripe.secretKey : null;
  if (!chosen.ok || secretKey === null) {
    return refuse(503, "not_configured", "payments are not configured");
  }

  const returnUrl = await readReturnUrlField(request);
  if (returnUrl === null) {
    return refuse(
      400,
      "invalid_body",
      'send JSON: { "return_url": "<the URL Stripe returned the buyer to>" }',
    );
  }
  let intentId: string;
  let given: string;
  try {
    const url = new URL(returnUrl);
    intentId = readReturnUrl(url).id;
    given = url.searchParams.get("payment_intent_client_secret") ?? "";
  } catch {
    return refuse(400, "invalid_return_url", "this payment link is not valid");
  }

  const stripe = new StripeClient({
    secretKey,
    apiBase: chosen.config.stripe.apiBase,
    timeoutMs: 10_000,
  });
  try {
    const intent = await stripe.paymentIntents.retrieve(intentId);
    if (!sameText(given, intent.client_secret ?? "")) {
      return refuse(
        400,
        "invalid_return_url",
        "this payment link is not valid",
      );
    }
    return Response.json(browserIntent(intent));
  } catch (error) {
    if (!(error instanceof StripeError)) throw error;
    console.log(
      `shop payment status failed status=${error.statusCode ?? "-"} code=${error.code ?? "-"}`,
    );
    return error.statusCode === 404
      ? refuse(400, "invalid_return_url", "this payment link is not valid")
      : refuse(503, "stripe_unavailable", "could not reach Stripe; try again");
  }
}

/** The body's `return_url`, or null for anything else (a longer one is no return URL). */
async function readReturnUrlField(request: Request): Promise<string | null> {
  const read = await readJsonUpTo(request, MAX_BODY_BYTES);
  if (!read.ok || typeof read.value !== "object" || read.value === null) {
    return null;
  }
  const field = (read.value as { return_url?: unknown }).return_url;
  return typeof field === "string" ? field : null;
}

function refuse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/**
 * Compares in time that depends only on the lengths, so a caller cannot find
 * the secret's random part character by character. (The edge runtime has no
 * `crypto.timingSafeEqual`.)
 */
function sameText(given: string, actual: string): boolean {
  if (given.length !== actual.length || actual.length === 0) return false;
  let difference = 0;
  for (let i = 0; i < actual.length; i += 1) {
    difference |= given.charCodeAt(i) ^ actual.charCodeAt(i);
  }
  return difference === 0;
}
