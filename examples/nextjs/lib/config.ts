import "server-only";

import { ConfigError, loadStripeConfig, type StripeConfig } from "stripe-edge";

/** Where the shop's server sends its payment calls. */
export type BackendKind = "direct" | "worker";

export interface ShopConfig {
  backend: BackendKind;
  /** The Worker's origin, in `worker` mode. */
  workerUrl: string | null;
  /** Keys and API base, checked by the package. */
  stripe: StripeConfig;
  /**
   * Set when `STRIPE_API_BASE` points at a local stand-in (localstripe): the
   * URL of the Stripe.js mock it serves, loaded instead of js.stripe.com.
   */
  stripeJsMockUrl: string | null;
  /**
   * `SHOP_ORIGINS`: the origins the shop's pages are served from. When set, a
   * POST to the shop's API that carries an `Origin` must name one of them;
   * `null` takes the shop's origin from each request's host (`lib/http.ts`).
   */
  shopOrigins: string[] | null;
}

/** A configuration problem, safe to log and show: it never holds a secret. */
export interface ConfigProblem {
  code: string;
  variable?: string;
  message: string;
}

export type ShopConfigResult =
  | { ok: true; config: ShopConfig }
  | { ok: false; problem: ConfigProblem };

const STRIPE_API = "https://api.stripe.com";

let cached: ShopConfigResult | undefined;

/**
 * The shop's configuration from `process.env`, checked once per process.
 *
 * `loadStripeConfig` refuses padded or placeholder keys, keys of the wrong
 * kind, mixed test and live keys, and a secret key in a `NEXT_PUBLIC_*`
 * variable. The webhook secret is not required here: the webhook routes check
 * it per request and answer `not_configured` without it.
 */
export function shopConfig(): ShopConfigResult {
  cached ??= readShopConfig(process.env);
  return cached;
}

export function readShopConfig(
  env: Record<string, string | undefined>,
): ShopConfigResult {
  const backendValue = env.PAYMENTS_BACKEND ?? "direct";
  if (backendValue !== "direct" && backendValue !== "worker") {
    return problem(
      "invalid_value",
      "PAYMENTS_BACKEND must be `direct` or `worker`",
      "PAYMENTS_BACKEND",
    );
  }
  const backend: BackendKind = backendValue;

  let stripe: StripeConfig;
  try {
    // Peek first: the secret key is required by the direct mode, and by the
    // Worker mode only on a local stand-in (see `confirmWithToken`).
    const peek = loadStripeConfig(env, { required: [] });
    const local = peek.apiBase !== STRIPE_API;
    stripe = loadStripeConfig(env, {
      required:
        backend === "direct" || local
          ? ["secretKey", "publishableKey"]
          : ["publishableKey"],
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      return problem(error.code, error.message, error.variable);
    }
    throw error;
  }

  let workerUrl: string | null = null;
  if (backend === "worker") {
    const value = env.WORKER_URL ?? "";
    if (!/^https?:\/\/[^\s/]+$/.test(value.replace(/\/$/, ""))) {
      return problem(
        "invalid_value",
        "WORKER_URL must be the Worker's origin, such as http://127.0.0.1:8787",
        "WORKER_URL",
      );
    }
    workerUrl = value.replace(/\/$/, "");
  }

  const shopOrigins = readOrigins(env.SHOP_ORIGINS ?? "");
  if (shopOrigins === undefined) {
    return problem(
      "invalid_value",
      "SHOP_ORIGINS must list origins such as https://shop.example, comma-separated",
      "SHOP_ORIGINS",
    );
  }

  const stripeJsMockUrl =
    stripe.apiBase === STRIPE_API
      ? null
      : `${stripe.apiBase}/js.stripe.com/v3/`;
  return {
    ok: true,
    config: { backend, workerUrl, stripe, stripeJsMockUrl, shopOrigins },
  };
}

/**
 * `https://shop.example, http://127.0.0.1:3000` as origins; `null` when empty,
 * `undefined` when an entry is not an http(s) origin (a path, a wildcard, no
 * scheme): refused rather than guessed at, since it guards every payment.
 */
function readOrigins(value: string): string[] | null | undefined {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) return null;
  const origins: string[] = [];
  for (const entry of entries) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return undefined;
    }
    if (
      (url.protocol !== "https:" && url.protocol !== "http:") ||
      `${url.origin}/` !== url.href ||
      entry.includes("*")
    ) {
      return undefined;
    }
    origins.push(url.origin);
  }
  return origins;
}

function problem(
  code: string,
  message: string,
  variable?: string,
): ShopConfigResult {
  return { ok: false, problem: { code, message, variable } };
}
