import "server-only";

import { cookies } from "next/headers";

import { buyerMessage, messageFor, type BuyerMessage } from "./buyer-messages";
import { CartError } from "./catalog";
import { asBackendError, BackendError } from "./backend-error";
import { readJsonUpTo } from "./body";

/** A cart or a form is a few hundred bytes; past this it is no shop request. */
const MAX_JSON_BYTES = 64 * 1024;

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
    // A payment problem Stripe answers as a 400 (a failed 3-D Secure check
    // comes back as payment_intent_authentication_failure) keeps its words.
    const payment = buyerMessage(error.error);
    if (payment.problem !== "other") {
      return json(400, { error: { ...payment, code: error.error.code } });
    }
    // Otherwise Stripe or the Worker refused what the shop's server sent (a
    // price the account lacks, a parameter it rejects): not the buyer's card.
    return json(400, { error: messageFor("shop_error") });
  }
  throw error;
}

/**
 * Refuses a request that another site's page may have sent on the buyer's
 * behalf (CSRF): 403 when it carries an `Origin` that is not the shop's, 415
 * when its body is not declared `application/json`. Answers `null` when the
 * request may go on. Every state-changing route calls it first, except the
 * webhooks, which Stripe sends and its signature authenticates.
 *
 * Next checks the origin of Server Actions only, not of route handlers, and a
 * plain HTML form on any site can post `text/plain` to them with the buyer's
 * cookies; a `fetch` with `application/json` from another origin needs a CORS
 * preflight, which these routes never grant. A request without `Origin` (curl,
 * another server) is not a browser's and is let through.
 */
export function refuseCrossSite(
  request: Request,
  shopOrigins: readonly string[] | null,
): Response | null {
  const origin = request.headers.get("origin");
  if (origin !== null && !isShopOrigin(origin, request.headers, shopOrigins)) {
    console.log(
      `shop refused ${new URL(request.url).pathname} reason=foreign_origin`,
    );
    return json(403, {
      error: {
        problem: "other",
        code: "foreign_origin",
        message: "This request must come from the shop's own pages.",
      },
    });
  }

  const mediaType = (request.headers.get("content-type") ?? "")
    .split(";")[0]
    .trim()
    .toLowerCase();
  if (mediaType !== "application/json") {
    console.log(
      `shop refused ${new URL(request.url).pathname} reason=not_json`,
    );
    return json(415, {
      error: {
        problem: "other",
        code: "unsupported_media_type",
        message: "Send the request as application/json.",
      },
    });
  }
  return null;
}

/**
 * Whether `origin` is the shop's own: one of `SHOP_ORIGINS` when that is set;
 * otherwise an origin whose host is the one the request was sent to, as
 * `X-Forwarded-Host` (its first value, the host the browser used, set by a
 * proxy) or else `Host` say. That is the rule Next applies to Server Actions.
 * A cross-site form cannot set either header, so neither can be forged by
 * the page this check is about. `Origin: null` (a sandboxed frame, a
 * redirect across sites) is never the shop's.
 */
function isShopOrigin(
  origin: string,
  headers: Headers,
  shopOrigins: readonly string[] | null,
): boolean {
  if (shopOrigins !== null) return shopOrigins.includes(origin);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  const host =
    headers.get("x-forwarded-host")?.split(",")[0]?.trim() ||
    headers.get("host");
  if (!host) return false;
  try {
    // Read with the origin's scheme, so that `shop.example:443` and
    // `https://shop.example` compare equal and the case does not matter.
    return new URL(`${url.protocol}//${host}`).host === url.host;
  } catch {
    return false;
  }
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

/**
 * Drops the remembered customer: the backend no longer has it (its data was
 * reset, or the customer was deleted), and every payment naming it would fail.
 */
export async function forgetCustomer(): Promise<void> {
  (await cookies()).delete(CUSTOMER_COOKIE);
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

/**
 * The request's JSON body, or the answer that refuses it: 413 past
 * `MAX_JSON_BYTES` (counted as it streams, so a body without a length is cut
 * off too), 400 when it is not JSON.
 */
export async function readJson(
  request: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const read = await readJsonUpTo(request, MAX_JSON_BYTES);
  if (read.ok) return read;
  if (read.problem === "too_large") {
    console.log(
      `shop refused ${new URL(request.url).pathname} reason=body_too_large`,
    );
    return {
      ok: false,
      response: json(413, {
        error: {
          problem: "other",
          code: "body_too_large",
          message: "This request is too large.",
        },
      }),
    };
  }
  return {
    ok: false,
    response: json(400, {
      error: {
        problem: "other",
        code: "invalid_json",
        message:
          "This request could not be read. Reload the page and try again.",
      },
    }),
  };
}

export function isEmail(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length <= 254 &&
    /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
  );
}
