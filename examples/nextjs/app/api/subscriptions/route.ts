import { isMissingCustomer } from "@/lib/backend-error";
import {
  customerFromCookie,
  errorResponse,
  forgetCustomer,
  isEmail,
  json,
  notConfigured,
  readJson,
  refuseCrossSite,
  rememberCustomer,
} from "@/lib/http";
import { paymentsBackend, type StartedSubscription } from "@/lib/payments";

export const runtime = "nodejs";

/**
 * Subscribes this browser's customer to a recurring product: `{ sku, email? }`.
 * Answers the subscription's id and status, and the client secret of its first
 * payment when the buyer still has to pay it.
 */
export async function POST(request: Request): Promise<Response> {
  const chosen = paymentsBackend();
  if (!chosen.ok) return notConfigured(chosen.message);
  const refused = refuseCrossSite(request, chosen.config.shopOrigins);
  if (refused) return refused;
  const { backend } = chosen;
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const body = read.value as
    | { sku?: unknown; email?: unknown }
    | null
    | undefined;
  if (typeof body?.sku !== "string") {
    return json(400, {
      error: { problem: "other", message: "Choose a plan." },
    });
  }
  try {
    const remembered = await customerFromCookie();
    if (remembered !== null) {
      try {
        return subscribed(await backend.subscribe(remembered, body.sku));
      } catch (error) {
        if (!isMissingCustomer(error)) throw error;
        // The cookie outlived the customer (the backend's data was reset, or
        // the customer deleted): a new one is made from the email below.
        console.log("shop forgot a customer the backend no longer has");
        await forgetCustomer();
      }
    }
    if (!isEmail(body.email)) {
      return json(400, {
        error: { problem: "other", message: "Enter a valid email address." },
      });
    }
    const customerId = await backend.createCustomer(body.email);
    await rememberCustomer(customerId);
    return subscribed(await backend.subscribe(customerId, body.sku));
  } catch (error) {
    return errorResponse(error, "subscribe");
  }
}

function subscribed(started: StartedSubscription): Response {
  console.log(
    `shop subscription ${started.subscription_id} status=${started.status}`,
  );
  return json(201, started);
}
