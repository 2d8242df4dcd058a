/** Test or live mode, from an API key's prefix. */
export type StripeMode = "test" | "live";

/** A stable reason a key or configuration value was refused; see the README. */
export type ConfigErrorCode =
  | "missing_value"
  | "padded_value"
  | "placeholder_value"
  | "invalid_value"
  | "wrong_key_kind"
  | "conflicting_values"
  | "mixed_modes"
  | "secret_in_public_variable"
  | "secret_in_browser"
  | "invalid_api_base";

/**
 * Thrown by {@link loadStripeConfig} and {@link parseApiKey}. The message names the
 * variable and shows a key at most masked (`sk_test_…abcd`).
 */
export declare class ConfigError extends Error {
  readonly name: "ConfigError";
  readonly code: ConfigErrorCode;
  /** The environment variable at fault, such as `STRIPE_SECRET_KEY`. */
  readonly variable?: string;
}

/** Something to show the developer about a configuration that was accepted. */
export interface ConfigWarning {
  /** `live_key_outside_production`: live keys while `NODE_ENV` is not `production`. */
  readonly code: "live_key_outside_production";
  readonly message: string;
}

/**
 * The checked configuration. `secretKey` and `webhookSecrets` are readable, but
 * `JSON.stringify`, `String()`, `console.log` / `util.inspect` and object spreads
 * show them masked or not at all. {@link loadStripeConfig} returns a
 * {@link StripeConfigWith} that types the values it required without `null`.
 */
export interface StripeConfig {
  /** `null` when no API key is configured. */
  readonly mode: StripeMode | null;
  /** The `sk_…` or `rk_…` key; `null` when not configured. Server only. */
  readonly secretKey: string | null;
  /** The `pk_…` key, from `STRIPE_PUBLISHABLE_KEY` or `NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY`. */
  readonly publishableKey: string | null;
  /** The `whsec_…` secrets of `STRIPE_WEBHOOK_SECRET`, in the order listed. */
  readonly webhookSecrets: readonly string[];
  /** `https://api.stripe.com`, or `STRIPE_API_BASE` without a trailing slash. */
  readonly apiBase: string;
  /** Never logged by the library: show them yourself. */
  readonly warnings: readonly ConfigWarning[];
  /** The configuration with secrets masked. */
  toJSON(): {
    mode: StripeMode | null;
    secretKey: string | null;
    publishableKey: string | null;
    webhookSecrets: string[];
    apiBase: string;
    warnings: ConfigWarning[];
  };
  toString(): string;
}

/**
 * A {@link StripeConfig} whose `Required` values are never `null`: the secret key
 * by default, and with either key the mode too. Still assignable to `StripeConfig`.
 */
export type StripeConfigWith<Required extends RequiredStripeValue> =
  StripeConfig &
    ("secretKey" extends Required
      ? { readonly secretKey: string; readonly mode: StripeMode }
      : unknown) &
    ("publishableKey" extends Required
      ? { readonly publishableKey: string; readonly mode: StripeMode }
      : unknown);

/** Which values {@link loadStripeConfig} requires. */
export type RequiredStripeValue =
  | "secretKey"
  | "publishableKey"
  | "webhookSecrets";

export interface LoadStripeConfigOptions {
  /** Default `["secretKey"]`. A webhook-only Worker passes `["webhookSecrets"]`. */
  required?: readonly RequiredStripeValue[];
}

/**
 * The values a `required` list surely holds: those in every list it may be, when
 * each is written in place or `as const`. A list typed only as an array
 * (`RequiredStripeValue[]`) may hold any of them, or none, so it guarantees nothing.
 */
export type RequiredIn<List extends readonly RequiredStripeValue[]> = {
  [Value in RequiredStripeValue]: [ListHolds<List, Value>] extends [true]
    ? Value
    : never;
}[RequiredStripeValue];

/** `true` for each list `List` may be that surely holds `Value`; distributes. */
type ListHolds<List, Value> = List extends readonly RequiredStripeValue[]
  ? number extends List["length"]
    ? false
    : Value extends List[number]
      ? true
      : false
  : false;

/**
 * Reads and checks `STRIPE_SECRET_KEY`, `STRIPE_PUBLISHABLE_KEY` (or
 * `NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY`), `STRIPE_WEBHOOK_SECRET` (comma-separated),
 * `STRIPE_API_BASE` and `NODE_ENV` from `process.env`, a Worker's `env` or any
 * object. Values are used exactly as given: whitespace, line breaks and quotes are
 * refused, not trimmed. A server secret in a `NEXT_PUBLIC_*` (or `VITE_*`, …)
 * variable, or any server secret when running in a browser, is refused. Throws
 * {@link ConfigError}.
 */
export declare function loadStripeConfig(
  env: Record<string, unknown> | object,
  options?: { required?: undefined },
): StripeConfigWith<"secretKey">;
// `| []` makes TypeScript read a list written in place as a tuple, whose elements
// are then known.
export declare function loadStripeConfig<
  List extends readonly RequiredStripeValue[] | [],
>(
  env: Record<string, unknown> | object,
  options: { required: List },
): StripeConfigWith<RequiredIn<List>>;
export declare function loadStripeConfig(
  env: Record<string, unknown> | object,
  options?: LoadStripeConfigOptions,
): StripeConfig;

/** What an API key is. */
export interface ApiKeyInfo {
  kind: "secret" | "restricted" | "publishable";
  mode: StripeMode;
}

/** Classifies an API key; throws {@link ConfigError} for anything else. */
export declare function parseApiKey(key: string): ApiKeyInfo;

/** A key or webhook secret masked for display: `sk_test_…abcd`. */
export declare function maskKey(key: string): string;

/**
 * Masks every secret key, restricted key, webhook secret and client secret in a
 * text, for your own logs. Publishable keys and ids are kept.
 */
export declare function redact(text: string): string;

/** What a client secret unlocks. */
export type IntentKind =
  | "payment_intent"
  | "setup_intent"
  | "checkout_session"
  | "customer_session";

/** A stable reason a client secret, id, response or return URL was refused. */
export type ClientSecretErrorCode =
  | "missing"
  | "padded"
  | "api_key"
  | "id_not_secret"
  | "secret_not_id"
  | "empty_part"
  | "malformed"
  | "wrong_kind"
  | "id_mismatch"
  | "invalid_intent"
  | "invalid_return_url";

/** Thrown by the client-secret helpers. The message never holds a client secret. */
export declare class ClientSecretError extends Error {
  readonly name: "ClientSecretError";
  readonly code: ClientSecretErrorCode;
}

/** A client secret's kind and the id of its object (`null` for a Customer Session). */
export interface ClientSecretInfo {
  kind: IntentKind;
  id: string | null;
}

export interface ParseClientSecretOptions {
  /** Refuse a secret of another kind, naming the flow it belongs to. */
  kind?: IntentKind;
}

/**
 * Parses a client secret, splitting on the literal `_secret_`. Refuses ids, keys,
 * empty parts and padding. Throws {@link ClientSecretError}.
 */
export declare function parseClientSecret(
  value: string,
  options?: ParseClientSecretOptions,
): ClientSecretInfo;

/**
 * Parses a PaymentIntent, SetupIntent or Checkout Session id for calls that take an
 * id. A client secret is refused: extract its id with `parseClientSecret(v).id`.
 */
export declare function parseIntentId(value: string): {
  kind: "payment_intent" | "setup_intent" | "checkout_session";
  id: string;
};

/** Checks that a client secret belongs to the intent with this id (or object). */
export declare function assertClientSecretFor(
  clientSecret: string,
  intent: string | { id: string },
): ClientSecretInfo & { id: string };

/** The only fields of an intent a browser should receive. */
export interface BrowserIntent {
  id: string;
  client_secret: string;
  /** Absent for a SetupIntent. */
  amount?: number;
  /** Absent for a SetupIntent. */
  currency?: string;
  status: string;
}

/**
 * Builds the browser's view of a PaymentIntent or SetupIntent returned by the API:
 * id, client secret, amount, currency and status, nothing else. Refuses anything
 * key-like and a client secret of another intent.
 */
export declare function browserIntent(intent: {
  id: string;
  client_secret: string | null;
  object?: string;
  amount?: number;
  currency?: string;
  status: string;
}): BrowserIntent;

/** What a checked return URL says. */
export interface ReturnUrlParams {
  kind: "payment_intent" | "setup_intent";
  id: string;
  /**
   * Such as `succeeded`, `processing` or `requires_payment_method`. Only a hint:
   * retrieve the intent by id on the server before fulfilling anything.
   */
  redirectStatus: string;
}

export interface ReadReturnUrlOptions {
  /** The intent this customer's session created; any other is refused. */
  expectedId?: string;
}

/**
 * Reads and checks the `payment_intent`, `payment_intent_client_secret` and
 * `redirect_status` parameters (or the `setup_intent` ones) Stripe adds to a
 * return URL. The client secret is checked, not returned.
 */
export declare function readReturnUrl(
  input:
    | string
    | URL
    | URLSearchParams
    | { url: string }
    | Record<string, string | string[] | undefined>,
  options?: ReadReturnUrlOptions,
): ReturnUrlParams;
