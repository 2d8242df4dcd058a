/**
 * What the shop sells. Prices live on the server only: the browser sends SKUs
 * and quantities, and every amount charged is computed here (or by the Worker,
 * whose catalog is the same), never taken from a request.
 */
export interface Product {
  sku: string;
  name: string;
  description: string;
  /** In the currency's smallest unit (cents). */
  unit_amount: number;
  currency: string;
  kind: "one_time" | "recurring";
  interval?: "month" | "year";
}

export interface CartItem {
  sku: string;
  quantity: number;
}

export const MAX_QUANTITY = 20;

// The same products, SKUs and prices as the Worker's catalog (worker/src), so
// both backends sell the same things.
export const products: readonly Product[] = [
  {
    sku: "tshirt",
    name: "Edge T-shirt",
    description: "Organic cotton, printed at the edge",
    unit_amount: 2500,
    currency: "usd",
    kind: "one_time",
  },
  {
    sku: "mug",
    name: "Latency mug",
    description: "Holds 350 ml, answers in 5 ms",
    unit_amount: 1200,
    currency: "usd",
    kind: "one_time",
  },
  {
    sku: "stickers",
    name: "Sticker pack",
    description: "Six vinyl stickers",
    unit_amount: 300,
    currency: "usd",
    kind: "one_time",
  },
  {
    sku: "membership",
    name: "Edge membership",
    description: "Monthly perks for regulars",
    unit_amount: 900,
    currency: "usd",
    kind: "recurring",
    interval: "month",
  },
];

export function findProduct(sku: string): Product | undefined {
  return products.find((product) => product.sku === sku);
}

/** Why a cart was refused; the message is safe to show the buyer. */
export class CartError extends Error {
  override readonly name = "CartError";
}

export interface PricedCart {
  items: CartItem[];
  amount: number;
  currency: string;
}

/**
 * Checks the shape of a cart that arrived from the browser: SKUs, whole
 * quantities in range, no SKU twice. Anything odd is refused rather than
 * corrected. Which SKUs exist and what they cost is the backend's catalog's
 * business (`priceCart` here, the Worker's D1 in `worker` mode).
 */
export function readCart(input: unknown): CartItem[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new CartError("Your cart is empty.");
  }
  const items: CartItem[] = [];
  for (const entry of input as unknown[]) {
    if (typeof entry !== "object" || entry === null) {
      throw new CartError("Your cart could not be read.");
    }
    const { sku, quantity } = entry as Record<string, unknown>;
    if (typeof sku !== "string" || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(sku)) {
      throw new CartError("An item in your cart is no longer sold.");
    }
    if (
      typeof quantity !== "number" ||
      !Number.isInteger(quantity) ||
      quantity < 1 ||
      quantity > MAX_QUANTITY
    ) {
      throw new CartError(`Choose between 1 and ${MAX_QUANTITY} of an item.`);
    }
    if (items.some((item) => item.sku === sku)) {
      throw new CartError("Your cart lists an item twice.");
    }
    items.push({ sku, quantity });
  }
  return items;
}

/** Prices a checked cart from the catalog: the only amount ever charged. */
export function priceCart(items: CartItem[]): PricedCart {
  let amount = 0;
  let currency: string | undefined;
  for (const item of items) {
    const product = findProduct(item.sku);
    if (!product || product.kind !== "one_time") {
      throw new CartError("An item in your cart is no longer sold.");
    }
    if (currency !== undefined && currency !== product.currency) {
      throw new CartError("Your cart mixes currencies.");
    }
    currency = product.currency;
    amount += product.unit_amount * item.quantity;
  }
  if (currency === undefined) throw new CartError("Your cart is empty.");
  return { items, amount, currency };
}
