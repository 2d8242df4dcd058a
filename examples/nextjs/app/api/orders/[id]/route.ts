import { errorResponse, json, notConfigured } from "@/lib/http";
import { paymentsBackend } from "@/lib/payments";

export const runtime = "nodejs";

/** An order's status, polled by the return page until the webhook lands. */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const chosen = paymentsBackend();
  if (!chosen.ok) return notConfigured(chosen.message);
  const { id } = await params;
  if (!/^ord_\w+$/.test(id)) {
    return json(404, {
      error: { problem: "other", message: "No such order." },
    });
  }
  try {
    const order = await chosen.backend.order(id);
    if (!order) {
      return json(404, {
        error: { problem: "other", message: "No such order." },
      });
    }
    return json(200, order);
  } catch (error) {
    return errorResponse(error, "order");
  }
}
