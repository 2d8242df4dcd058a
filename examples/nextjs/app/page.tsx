import { AddToCart } from "@/components/add-to-cart";
import { products as localProducts, type Product } from "@/lib/catalog";
import { formatAmount } from "@/lib/format";
import { paymentsBackend } from "@/lib/payments";

export const dynamic = "force-dynamic";

/** The catalog, from the Worker in `worker` mode, from lib/catalog.ts otherwise. */
export default async function CatalogPage() {
  const products = await catalog();
  return (
    <section>
      <h1>Shop</h1>
      <ul className="catalog">
        {products.map((product) => (
          <li key={product.sku} data-sku={product.sku}>
            <h2>{product.name}</h2>
            <p>{product.description}</p>
            <p className="price">
              {formatAmount(product.unit_amount, product.currency)}
              {product.kind === "recurring" ? ` / ${product.interval}` : ""}
            </p>
            {product.kind === "one_time" ? (
              <AddToCart sku={product.sku} name={product.name} />
            ) : (
              <a href={`/subscribe?sku=${product.sku}`}>Subscribe</a>
            )}
          </li>
        ))}
      </ul>
      <p>
        <a href="/checkout">Go to checkout →</a>
      </p>
    </section>
  );
}

async function catalog(): Promise<Product[]> {
  const chosen = paymentsBackend();
  if (!chosen.ok) return [...localProducts];
  try {
    return await chosen.backend.catalog();
  } catch {
    // The catalog is still worth showing; paying will say what is wrong.
    return [...localProducts];
  }
}
