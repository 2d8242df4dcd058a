"use client";

import { useCallback, useEffect, useState } from "react";

import type { CartItem } from "@/lib/catalog";

const KEY = "shop-cart";

/** The cart, kept in this browser's localStorage: SKUs and quantities only. */
export function useCart() {
  const [items, setItems] = useState<CartItem[]>([]);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    setItems(readCart());
    setLoaded(true);
  }, []);

  const save = useCallback((next: CartItem[]) => {
    setItems(next);
    window.localStorage.setItem(KEY, JSON.stringify(next));
  }, []);

  const add = useCallback(
    (sku: string) => {
      const current = readCart();
      const existing = current.find((item) => item.sku === sku);
      save(
        existing
          ? current.map((item) =>
              item.sku === sku
                ? { ...item, quantity: item.quantity + 1 }
                : item,
            )
          : [...current, { sku, quantity: 1 }],
      );
    },
    [save],
  );

  const clear = useCallback(() => save([]), [save]);

  return { items, loaded, add, clear };
}

function readCart(): CartItem[] {
  try {
    const parsed: unknown = JSON.parse(
      window.localStorage.getItem(KEY) ?? "[]",
    );
    return Array.isArray(parsed)
      ? parsed.filter(
          (item): item is CartItem =>
            typeof item === "object" &&
            item !== null &&
            typeof (item as CartItem).sku === "string" &&
            typeof (item as CartItem).quantity === "number",
        )
      : [];
  } catch {
    return [];
  }
}
