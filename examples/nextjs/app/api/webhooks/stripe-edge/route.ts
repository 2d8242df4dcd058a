import { handleStripeWebhook } from "@/lib/webhook";

// Edge runtime: the package resolves to its edge entry, which imports the wasm
// as a precompiled module, because edge runtimes refuse to compile wasm from
// bytes.
export const runtime = "edge";

export function POST(request: Request): Promise<Response> {
  return handleStripeWebhook(request, "edge");
}
