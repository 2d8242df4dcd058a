import { isMissingCustomer } from "@/lib/backend-error";
import { readCart } from "@/lib/catalog";
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
import {
  paymentsBackend,
  type PaymentsBackend,
  type StartedPayment,
} from "@/lib/payments";

export const runtime = "nodejs";

/**
 * Starts paying for a cart: `{ items: [{ sku, quantity }], email? }`. Amounts
 * come from the catalog on the server; the browser gets the order id and the
 * PaymentIntent's client secret, nothing else.
 */
export async function POST(request: Request): Promise<Response> {
  const chosen = paymentsBackend();
  if (!chosen.ok) return notConfigured(chosen.message);
  const refused = refuseCrossSite(request, chosen.config.shopOrigins);
  if (refused) return refused;
  const { backend } = chosen;

  const read = await readJson(request);
  if (!read.ok) return read.response;
  const { items, email } = (read.value ?? {}) as {
    items?: unknown;
    email?: unknown;
  };
  if (email !== undefined && email !== "" && !isEmail(email)) {
    return json(400, {
      error: { problem: "other", message: "Enter a valid email address." },
    });
  }

  try {
    // The shape is checked before anything is created at Stripe; the
    // backend prices the cart from its catalog.
    const cart = readCart(items);
    const remembered = await customerFromCookie();
    let customerId = remembered ?? (await newCustomer(backend, email));
    let started: StartedPayment;
    try {
      started = await backend.startPayment(cart, customerId);
    } catch (error) {
      if (remembered === null || !isMissingCustomer(error)) throw error;
      // The cookie outlived the customer (the backend's data was reset, or
      // the customer deleted): go on as a buyer the shop does not know yet.
      console.log("shop forgot a customer the backend no longer has");
      await forgetCustomer();
      customerId = await newCustomer(backend, email);
      started = await backend.startPayment(cart, customerId);
    }
    console.log(
      `shop payment started order=${started.order_id} payment_intent=${started.payment_intent_id}`,
    );
    return json(201, started);
  } catch (error) {
    return errorResponse(error, "start payment");
  }
}

/** A customer for the receipt's email, remembered for this browser. */
async function newCustomer(
  backend: PaymentsBackend,
  email: unknown,
): Promise<string | null> {
  if (!isEmail(email)) return null;
  const customerId = await backend.createCustomer(email);
  await rememberCustomer(customerId);
  return customerId;
}
