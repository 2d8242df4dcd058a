import { ClientSecretError, assertClientSecretFor } from "stripe-edge";

import {
  errorResponse,
  json,
  notConfigured,
  readJson,
  refuseCrossSite,
} from "@/lib/http";
import { paymentsBackend } from "@/lib/payments";

export const runtime = "nodejs";

/**
 * Local stand-in only. localstripe's Stripe.js mock turns the card form into a
 * token but cannot confirm a PaymentIntent, so the browser sends the token
 * here with the client secret it holds, and the server confirms. With real
 * keys the browser confirms with Stripe itself and this route answers 404.
 */
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const chosen = paymentsBackend();
  if (!chosen.ok) return notConfigured(chosen.message);
  if (chosen.config.stripeJsMockUrl === null) {
    return json(404, { error: { problem: "other", message: "Not found." } });
  }
  const refused = refuseCrossSite(request, chosen.config.shopOrigins);
  if (refused) return refused;

  const { id } = await params;
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const body = read.value as
    | { token?: unknown; client_secret?: unknown }
    | null
    | undefined;
  const clientSecret = String(body?.client_secret ?? "");
  try {
    // A secret of another intent is refused here; the backend then compares
    // the whole secret with the intent's own.
    assertClientSecretFor(clientSecret, id);
  } catch (error) {
    if (error instanceof ClientSecretError) {
      return json(400, {
        error: { problem: "other", message: "This payment is not valid." },
      });
    }
    throw error;
  }

  try {
    const state = await chosen.backend.confirmWithToken(
      id,
      String(body?.token ?? ""),
      clientSecret,
    );
    return json(200, { status: state.status });
  } catch (error) {
    return errorResponse(error, "confirm");
  }
}
