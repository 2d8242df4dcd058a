"use client";

import { useState } from "react";

import { useCart } from "./cart";

export function AddToCart({ sku, name }: { sku: string; name: string }) {
  const { add } = useCart();
  const [added, setAdded] = useState(false);
  return (
    <button
      type="button"
      aria-label={`Add ${name} to cart`}
      onClick={() => {
        add(sku);
        setAdded(true);
      }}
    >
      {added ? "Added ✓" : "Add to cart"}
    </button>
  );
}
