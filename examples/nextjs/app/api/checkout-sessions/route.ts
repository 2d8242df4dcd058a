import {
  errorResponse,
  json,
  notConfigured,
  readJson,
  refuseCrossSite,
} from "@/lib/http";
import { readCart } from "@/lib/catalog";
import { paymentsBackend } from "@/lib/payments";

export const runtime = "nodejs";

/**
 * Starts a hosted Checkout Session for the cart, `{ items }`, and answers its
 * URL; the page sends the buyer there. Stripe shows its own payment page and
 * comes back to `/orders` (or to the cart when the buyer cancels).
 */
export async function POST(request: Request): Promise<Response> {
  const chosen = paymentsBackend();
  if (!chosen.ok) return notConfigured(chosen.message);
  const refused = refuseCrossSite(request, chosen.config.shopOrigins);
  if (refused) return refused;
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const body = read.value as { items?: unknown } | null | undefined;
  const origin = new URL(request.url).origin;
  try {
    const url = await chosen.backend.startHostedCheckout(
      readCart(body?.items),
      {
        success: `${origin}/orders?checkout=done`,
        cancel: `${origin}/checkout`,
      },
    );
    return json(201, { url });
  } catch (error) {
    return errorResponse(error, "hosted checkout");
  }
}
