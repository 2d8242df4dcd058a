import {
  customerFromCookie,
  errorResponse,
  isEmail,
  json,
  notConfigured,
  readJson,
  rememberCustomer,
} from "@/lib/http";
import { readCart } from "@/lib/catalog";
import { paymentsBackend } from "@/lib/payments";

export const runtime = "nodejs";

/**
 * Starts paying for a cart: `{ items: [{ sku, quantity }], email? }`. Amounts
 * come from the catalog on the server; the browser gets the order id and the
 * PaymentIntent's client secret, nothing else.
 */
export async function POST(request: Request): Promise<Response> {
  const chosen = paymentsBackend();
  if (!chosen.ok) return notConfigured(chosen.message);
  const { backend } = chosen;

  const body = await readJson(request);
  const { items, email } = (body ?? {}) as { items?: unknown; email?: unknown };
  if (email !== undefined && email !== "" && !isEmail(email)) {
    return json(400, {
      error: { problem: "other", message: "Enter a valid email address." },
    });
  }

  try {
    // The shape is checked before anything is created at Stripe; the
    // backend prices the cart from its catalog.
    const cart = readCart(items);
    let customerId = await customerFromCookie();
    if (customerId === null && isEmail(email)) {
      customerId = await backend.createCustomer(email);
      await rememberCustomer(customerId);
    }
    const started = await backend.startPayment(cart, customerId);
    console.log(
      `shop payment started order=${started.order_id} payment_intent=${started.payment_intent_id}`,
    );
    return json(201, started);
  } catch (error) {
    return errorResponse(error, "start payment");
  }
}
