"use client";

import { useCallback, useEffect, useState } from "react";

import type { CartItem } from "@/lib/catalog";

const KEY = "shop-cart";
// The orders started for the cart as it is now. The first of them to be paid
// empties the cart; until then the buyer may go back and pay another way.
const ORDERS_KEY = "shop-cart-orders";
const MAX_ORDERS = 20;

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

  const clear = useCallback(() => {
    emptyCart();
    setItems([]);
  }, []);

  return { items, loaded, add, clear };
}

/**
 * Notes that `orderId` was started to pay for the cart as it is now, so that
 * its return page may empty the cart (`clearCartPaidBy`).
 */
export function noteCartOrder(orderId: string): void {
  const orders = readOrders().filter((id) => id !== orderId);
  window.localStorage.setItem(
    ORDERS_KEY,
    JSON.stringify([...orders, orderId].slice(-MAX_ORDERS)),
  );
}

/**
 * Empties the cart because `orderId` is paid (or its payment is processing),
 * if that order was started for this cart; answers whether it did. A return
 * page opened again later, or in a browser that did not start the order,
 * leaves the cart alone: it may hold the next purchase by then.
 */
export function clearCartPaidBy(orderId: string): boolean {
  if (!readOrders().includes(orderId)) return false;
  emptyCart();
  return true;
}

function emptyCart(): void {
  window.localStorage.removeItem(KEY);
  window.localStorage.removeItem(ORDERS_KEY);
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

function readOrders(): string[] {
  try {
    const parsed: unknown = JSON.parse(
      window.localStorage.getItem(ORDERS_KEY) ?? "[]",
    );
    return Array.isArray(parsed)
      ? parsed.filter((id): id is string => typeof id === "string")
      : [];
  } catch {
    return [];
  }
}
