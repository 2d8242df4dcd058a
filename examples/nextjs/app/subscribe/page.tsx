import type { Metadata } from "next";

import { Unavailable } from "@/components/unavailable";
import { findProduct, products } from "@/lib/catalog";
import { formatAmount } from "@/lib/format";
import { paymentsBackend } from "@/lib/payments";

import { SubscribeForm } from "./subscribe-form";

export const metadata: Metadata = { title: "Subscribe" };
// Keys are read when the page is served, never baked in at build time.
export const dynamic = "force-dynamic";

export default async function SubscribePage({
  searchParams,
}: {
  searchParams: Promise<{ sku?: string | string[] }>;
}) {
  const { sku } = await searchParams;
  // A named product must be a subscription; none named, the first on sale.
  const chosen =
    typeof sku === "string"
      ? findProduct(sku)
      : products.find((product) => product.kind === "recurring");
  if (!chosen || chosen.kind !== "recurring") {
    return (
      <p>
        No such subscription is on sale. <a href="/">See the catalog</a>.
      </p>
    );
  }
  const backend = paymentsBackend();
  if (!backend.ok) return <Unavailable />;
  const { publishableKey } = backend.config.stripe;
  if (publishableKey === null) return <Unavailable />;
  return (
    <section>
      <h1>Subscribe: {chosen.name}</h1>
      <p>
        {chosen.description} {formatAmount(chosen.unit_amount, chosen.currency)}{" "}
        per {chosen.interval}.
      </p>
      <SubscribeForm
        sku={chosen.sku}
        amount={chosen.unit_amount}
        currency={chosen.currency}
        publishableKey={publishableKey}
        stripeJsMockUrl={backend.config.stripeJsMockUrl}
      />
    </section>
  );
}
