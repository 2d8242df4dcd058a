import { NextResponse } from "next/server";
import { verifyWebhook, WebhookError, type StripeEvent } from "stripe-edge";

import { readBodyUpTo } from "./body";

/**
 * Stripe's events are a few KB; a body past this is not a delivery, and reading
 * or hashing it would only spend the server's time. The Worker uses the same.
 */
const MAX_BODY_BYTES = 1024 * 1024;

/** Which Next.js runtime served the request; it only labels the log line. */
export type RuntimeName = "node" | "edge";

/**
 * Verifies one Stripe webhook delivery and answers it. Both webhook routes
 * call this, so they differ only in the runtime they declare.
 */
export async function handleStripeWebhook(
  request: Request,
  runtime: RuntimeName,
  onEvent?: (event: StripeEvent) => void,
): Promise<Response> {
  // Read on every request rather than at module load, so the edge bundle never
  // captures a value at build time and a rotated secret needs no rebuild.
  const secrets = webhookSecrets();
  if (secrets.length === 0) {
    console.log(`webhook refused runtime=${runtime} code=not_configured`);
    return errorResponse(
      500,
      "not_configured",
      "STRIPE_WEBHOOK_SECRET is not set on the server",
    );
  }

  // The signature covers the bytes exactly as Stripe sent them: read the body
  // once, as bytes, and hand it over untouched. Parsing it first and
  // re-serialising would change the bytes and fail verification.
  const body = await readBodyUpTo(request, MAX_BODY_BYTES);
  if (body === null) {
    console.log(`webhook refused runtime=${runtime} code=payload_too_large`);
    return errorResponse(
      413,
      "payload_too_large",
      "the body exceeds 1 MiB; Stripe events are far smaller",
    );
  }
  const signature = request.headers.get("stripe-signature");

  let event: StripeEvent;
  try {
    event = verifyWebhook(body, signature, secrets);
  } catch (error) {
    if (error instanceof WebhookError && error.code === "invalid_secret") {
      // Our configuration is wrong, not the delivery: 500 makes Stripe retry.
      console.log(`webhook refused runtime=${runtime} code=not_configured`);
      return errorResponse(500, "not_configured", error.message);
    }
    if (error instanceof WebhookError) {
      console.log(`webhook refused runtime=${runtime} code=${error.code}`);
      return errorResponse(400, error.code, error.message);
    }
    throw error;
  }

  console.log(
    `webhook verified runtime=${runtime} id=${event.id} type=${event.type}`,
  );
  onEvent?.(event);

  // Stripe only looks at the status. Echoing the event is off by default and
  // exists for the example's tests: it shows that the verified event survives
  // the package and Next's JSON encoding unchanged (metadata as a plain
  // object, unicode intact).
  if (process.env.WEBHOOK_ECHO_EVENT === "1") {
    return NextResponse.json({ received: true, event });
  }
  return NextResponse.json({ received: true });
}

/**
 * The signing secrets from `STRIPE_WEBHOOK_SECRET`. A comma-separated list is
 * accepted so that, while rolling a secret, deliveries signed with either the
 * old or the new one are both accepted.
 */
function webhookSecrets(): string[] {
  // Used exactly as set: a padded or empty entry is refused by verifyWebhook as
  // `invalid_secret` (answered as not_configured below), never silently trimmed.
  const value = process.env.STRIPE_WEBHOOK_SECRET ?? "";
  return value === "" ? [] : value.split(",");
}

function errorResponse(
  status: number,
  code: string,
  message: string,
): Response {
  return NextResponse.json({ error: { code, message } }, { status });
}
