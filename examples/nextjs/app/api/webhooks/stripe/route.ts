import { applyPaymentEvent } from "@/lib/fulfilment";
import { handleStripeWebhook } from "@/lib/webhook";

// Node.js runtime: the package resolves to its `node` entry, which loads the
// wasm from disk. This route also fulfils the direct mode's orders, which live
// in this process's memory (see lib/orders.ts); the edge route only verifies.
export const runtime = "nodejs";

export function POST(request: Request): Promise<Response> {
  return handleStripeWebhook(request, "node", applyPaymentEvent);
}
