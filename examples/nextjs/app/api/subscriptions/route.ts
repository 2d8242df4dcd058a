import {
  customerFromCookie,
  errorResponse,
  isEmail,
  json,
  notConfigured,
  readJson,
  rememberCustomer,
} from "@/lib/http";
import { paymentsBackend } from "@/lib/payments";

export const runtime = "nodejs";

/**
 * Subscribes this browser's customer to a recurring product: `{ sku, email? }`.
 * Answers the subscription's id and status, and the client secret of its first
 * payment when the buyer still has to pay it.
 */
export async function POST(request: Request): Promise<Response> {
  const chosen = paymentsBackend();
  if (!chosen.ok) return notConfigured(chosen.message);
  const { backend } = chosen;
  const body = (await readJson(request)) as
    | { sku?: unknown; email?: unknown }
    | undefined;
  if (typeof body?.sku !== "string") {
    return json(400, {
      error: { problem: "other", message: "Choose a plan." },
    });
  }
  try {
    let customerId = await customerFromCookie();
    if (customerId === null) {
      if (!isEmail(body.email)) {
        return json(400, {
          error: { problem: "other", message: "Enter a valid email address." },
        });
      }
      customerId = await backend.createCustomer(body.email);
      await rememberCustomer(customerId);
    }
    const started = await backend.subscribe(customerId, body.sku);
    console.log(
      `shop subscription ${started.subscription_id} status=${started.status}`,
    );
    return json(201, started);
  } catch (error) {
    return errorResponse(error, "subscribe");
  }
}
