import type { Metadata } from "next";

import { findProduct, products } from "@/lib/catalog";
import { formatAmount } from "@/lib/format";

import { SubscribeForm } from "./subscribe-form";

export const metadata: Metadata = { title: "Subscribe" };

export default async function SubscribePage({
  searchParams,
}: {
  searchParams: Promise<{ sku?: string | string[] }>;
}) {
  const { sku } = await searchParams;
  const chosen =
    (typeof sku === "string" ? findProduct(sku) : undefined) ??
    products.find((product) => product.kind === "recurring");
  if (!chosen || chosen.kind !== "recurring") {
    return <p>No subscription is on sale.</p>;
  }
  return (
    <section>
      <h1>Subscribe: {chosen.name}</h1>
      <p>
        {chosen.description} {formatAmount(chosen.unit_amount, chosen.currency)}{" "}
        per {chosen.interval}.
      </p>
      <SubscribeForm sku={chosen.sku} />
    </section>
  );
}
