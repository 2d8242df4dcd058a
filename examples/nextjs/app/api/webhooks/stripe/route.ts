import { handleStripeWebhook } from "@/lib/webhook";

// Node.js runtime: the package resolves to its `node` entry, which loads the
// wasm from disk.
export const runtime = "nodejs";

export function POST(request: Request): Promise<Response> {
  return handleStripeWebhook(request, "node");
}
