import "server-only";

import { cookies } from "next/headers";

import { buyerMessage, messageFor, type BuyerMessage } from "./buyer-messages";
import { CartError } from "./catalog";
import { asBackendError, BackendError } from "./backend-error";

/** The JSON every shop route answers an error with. */
export interface ShopErrorBody {
  error: BuyerMessage & { code?: string };
}

/**
 * Turns an error from a backend call into an answer the page can show. The log
 * line names the kind of failure, never a key, client secret or card detail.
 */
export function errorResponse(thrown: unknown, what: string): Response {
  const error = asBackendError(thrown);
  if (error instanceof CartError) {
    return json(400, { error: { problem: "other", message: error.message } });
  }
  if (error instanceof BackendError) {
    console.log(
      `shop ${what} failed status=${error.status} code=${error.error.code ?? "-"}`,
    );
    if (error.status === 0) return json(503, { error: messageFor("network") });
    if (error.status === 402 || error.error.type === "card_error") {
      return json(402, {
        error: { ...buyerMessage(error.error), code: error.error.code },
      });
    }
    if (error.error.code === "unknown_sku") {
      // The Worker's catalog no longer has an item of the cart.
      return json(400, {
        error: {
          problem: "other",
          message: "An item in your cart is no longer sold.",
        },
      });
    }
    if (error.status >= 500) {
      return json(503, { error: messageFor("unavailable") });
    }
    return json(400, { error: messageFor("other") });
  }
  throw error;
}

export function notConfigured(message: string): Response {
  console.log(`shop not configured: ${message}`);
  return json(503, { error: messageFor("unavailable") });
}

export function json(status: number, body: object): Response {
  return Response.json(body, {
    status,
    headers: { "cache-control": "no-store" },
  });
}

const CUSTOMER_COOKIE = "shop_customer";

/** The Stripe customer this browser bought as, if any. */
export async function customerFromCookie(): Promise<string | null> {
  const value = (await cookies()).get(CUSTOMER_COOKIE)?.value ?? null;
  return value !== null && /^cus_\w+$/.test(value) ? value : null;
}

export async function rememberCustomer(customerId: string): Promise<void> {
  // A demo shortcut for "who is signed in": a real shop ties the customer to
  // its own account system instead of trusting a cookie.
  (await cookies()).set(CUSTOMER_COOKIE, customerId, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 30,
  });
}

/** A request body as JSON, or `undefined` when it is not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

export function isEmail(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length <= 254 &&
    /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
  );
}
