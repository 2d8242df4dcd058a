// The request handler both bench runtimes serve (workerd and the Next.js edge route).
// A request verifies and parses the same delivery `n` times with one library; the
// driver (scripts/bench.mjs) times it from outside, because a Worker's clock does not
// move during a request, and subtracts a request with `n=0`.
import Stripe from "stripe";
import { verifyWebhook } from "stripe-edge";

/** Not a real secret: the driver signs its bodies with the same placeholder. */
export const BENCH_SECRET = "whsec_bench_not_a_real_secret";

const subtleCrypto = Stripe.createSubtleCryptoProvider();

export async function handleBench(request) {
  const url = new URL(request.url);
  const lib = url.searchParams.get("lib");
  const n = Number(url.searchParams.get("n") ?? "0");
  const body = await request.text();
  const header = request.headers.get("stripe-signature");

  let id = null;
  if (lib === "stripe-edge") {
    for (let i = 0; i < n; i++) {
      id = verifyWebhook(body, header, BENCH_SECRET).id;
    }
  } else if (lib === "stripe-node") {
    // stripe-node's only choice where Node's crypto is missing: WebCrypto, async.
    for (let i = 0; i < n; i++) {
      const event = await Stripe.webhooks.constructEventAsync(
        body,
        header,
        BENCH_SECRET,
        undefined,
        subtleCrypto,
      );
      id = event.id;
    }
  } else {
    return Response.json(
      { error: "lib must be stripe-edge or stripe-node" },
      {
        status: 400,
      },
    );
  }
  return Response.json({ lib, n, id });
}
