// The bench route on Next.js's edge runtime: see ../../../loop.mjs.
import { handleBench } from "../../../loop.mjs";

export const runtime = "edge";

export function POST(request) {
  return handleBench(request);
}
