import type { Metadata } from "next";

import { Unavailable } from "@/components/unavailable";
import type { Product } from "@/lib/catalog";
import { paymentsBackend } from "@/lib/payments";

import { Checkout } from "./checkout";

export const metadata: Metadata = { title: "Checkout" };
// Keys are read when the page is served, never baked in at build time.
export const dynamic = "force-dynamic";

export default async function CheckoutPage() {
  const chosen = paymentsBackend();
  if (!chosen.ok) return <Unavailable />;
  const { publishableKey } = chosen.config.stripe;
  if (publishableKey === null) return <Unavailable />;
  let products: Product[];
  try {
    products = await chosen.backend.catalog();
  } catch {
    return <Unavailable />;
  }
  return (
    <Checkout
      products={products.filter((product) => product.kind === "one_time")}
      publishableKey={publishableKey}
      stripeJsMockUrl={chosen.config.stripeJsMockUrl}
    />
  );
}
