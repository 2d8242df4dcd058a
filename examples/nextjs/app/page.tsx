export default function Home() {
  return (
    <main style={{ maxWidth: "40rem" }}>
      <h1>stripe-edge with Next.js</h1>
      <p>
        This app verifies Stripe webhooks with <code>stripe-edge</code>, a
        WebAssembly build of a Rust verifier. The same handler serves two
        routes, one per Next.js runtime:
      </p>
      <ul>
        <li>
          <code>POST /api/webhooks/stripe</code> on the Node.js runtime
        </li>
        <li>
          <code>POST /api/webhooks/stripe-edge</code> on the edge runtime
        </li>
      </ul>
      <p>
        Set <code>STRIPE_WEBHOOK_SECRET</code> to the endpoint&apos;s signing
        secret (several, comma-separated, while rolling it), then send test
        events with{" "}
        <code>
          stripe listen --forward-to localhost:3000/api/webhooks/stripe
        </code>
        . Each delivery is logged as one line with the event&apos;s id and type;
        a refused one is answered 400 with an error code.
      </p>
    </main>
  );
}
