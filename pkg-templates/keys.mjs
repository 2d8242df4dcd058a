// Keys, configuration and client secrets. Every rule lives in the Rust core
// (src/keys.rs, src/client_secret.rs); this module only moves plain values across the
// boundary, turns refusals into errors with a stable `code`, and keeps secrets out of
// anything that prints.
import { isBranded } from "./brand.mjs";
import { wasm } from "./loader.mjs";
import { checkOptionNames } from "./options.mjs";

const CONFIG_BRAND = Symbol.for("stripe-edge.ConfigError");
const CLIENT_SECRET_BRAND = Symbol.for("stripe-edge.ClientSecretError");
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** The variables loadStripeConfig reads besides those with a public prefix. */
const CONFIG_VARS = [
  "STRIPE_SECRET_KEY",
  "STRIPE_PUBLISHABLE_KEY",
  "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "STRIPE_API_BASE",
  "NODE_ENV",
];
const REQUIRABLE = ["secretKey", "publishableKey", "webhookSecrets"];
const INTENT_KINDS = [
  "payment_intent",
  "setup_intent",
  "checkout_session",
  "customer_session",
];

/**
 * A key or configuration value was refused. `code` is stable (see the README);
 * `variable` names the environment variable, when there is one. The message shows a
 * key at most masked.
 */
export class ConfigError extends Error {
  constructor(code, message, variable) {
    super(message);
    this.name = "ConfigError";
    this.code = code;
    if (variable !== undefined) this.variable = variable;
  }

  get [CONFIG_BRAND]() {
    return true;
  }

  // The ESM and CommonJS builds each have their own class; an error from either is
  // still a ConfigError to `instanceof`.
  static [Symbol.hasInstance](value) {
    return isBranded(this, ConfigError, CONFIG_BRAND, value);
  }
}

/**
 * A client secret, an intent id, a browser response or a return URL was refused.
 * `code` is stable (see the README). The message never contains a client secret.
 */
export class ClientSecretError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "ClientSecretError";
    this.code = code;
  }

  get [CLIENT_SECRET_BRAND]() {
    return true;
  }

  static [Symbol.hasInstance](value) {
    return isBranded(this, ClientSecretError, CLIENT_SECRET_BRAND, value);
  }
}

/**
 * The checked Stripe configuration. The secret key and webhook secrets are readable
 * through `secretKey` and `webhookSecrets` but never appear in `JSON.stringify`,
 * `String()`, Node's `util.inspect` / `console.log`, or an object spread.
 */
class StripeConfig {
  #secretKey;
  #webhookSecrets;
  #masked;

  constructor(result) {
    this.#secretKey = result.secretKey;
    this.#webhookSecrets = Object.freeze([...result.webhookSecrets]);
    this.#masked = {
      secretKey: result.secretKeyMasked,
      webhookSecrets: Object.freeze([...result.webhookSecretsMasked]),
    };
    this.mode = result.mode;
    this.publishableKey = result.publishableKey;
    this.apiBase = result.apiBase;
    this.warnings = Object.freeze(
      result.warnings.map((warning) => Object.freeze({ ...warning })),
    );
    Object.freeze(this);
  }

  /** The secret (or restricted) key; `null` when none was configured. */
  get secretKey() {
    return this.#secretKey;
  }

  /** The webhook signing secrets, in the order listed. */
  get webhookSecrets() {
    return this.#webhookSecrets;
  }

  toJSON() {
    return {
      mode: this.mode,
      secretKey: this.#masked.secretKey,
      publishableKey: this.publishableKey,
      webhookSecrets: [...this.#masked.webhookSecrets],
      apiBase: this.apiBase,
      warnings: this.warnings.map((warning) => ({ ...warning })),
    };
  }

  toString() {
    const secrets = this.#masked.webhookSecrets.length;
    return (
      `StripeConfig(${this.mode ?? "no"} mode, secret key ` +
      `${this.#masked.secretKey ?? "unset"}, ${secrets} webhook ` +
      `secret${secrets === 1 ? "" : "s"}, API ${this.apiBase})`
    );
  }

  [INSPECT](depth, options, inspect) {
    if (typeof inspect !== "function") return this.toJSON();
    return `StripeConfig ${inspect(this.toJSON(), options)}`;
  }
}

/**
 * Reads and checks the Stripe configuration from an environment object:
 * `process.env`, a Worker's `env`, or any plain object. Throws ConfigError.
 */
export function loadStripeConfig(env, options) {
  if (typeof env !== "object" || env === null) {
    throw new TypeError(
      "loadStripeConfig: env must be an object such as process.env or a Worker's env",
    );
  }
  checkOptionNames("loadStripeConfig", options, ["required"]);
  const required = readRequired(options);
  const names = [];
  const values = [];
  for (const name of variableNames(env)) {
    const value = env[name];
    if (typeof value === "string") {
      names.push(name);
      values.push(value);
    }
  }

  const result = core(
    "load_stripe_config",
    names,
    values,
    required.has("secretKey"),
    required.has("publishableKey"),
    required.has("webhookSecrets"),
    inBrowser(),
  );
  if (result.error) throw configError(result.error);
  return new StripeConfig(result);
}

/** `{ kind, mode }` of a secret, restricted or publishable key. Throws ConfigError. */
export function parseApiKey(key) {
  const result = core("parse_api_key", text(key, "parseApiKey", "key"));
  if (result.error) throw configError(result.error);
  return result;
}

/** A key or webhook secret masked for display: `sk_test_…abcd`. */
export function maskKey(key) {
  return wasm().mask_key(text(key, "maskKey", "key"));
}

/**
 * `text` with every secret key, restricted key, webhook secret and client secret
 * masked, for your own logs. Publishable keys and ids are kept.
 */
export function redact(value) {
  if (typeof value !== "string") {
    throw new TypeError(
      "redact: pass a string; for objects, redact(JSON.stringify(value))",
    );
  }
  return wasm().redact(value);
}

/**
 * `{ kind, id }` of a client secret, split on the literal `_secret_`. With
 * `options.kind`, a secret of another kind is refused. Throws ClientSecretError.
 */
export function parseClientSecret(value, options) {
  checkOptionNames("parseClientSecret", options, ["kind"]);
  const kind = options?.kind;
  if (kind !== undefined && !INTENT_KINDS.includes(kind)) {
    throw new TypeError(
      `parseClientSecret: kind must be one of ${INTENT_KINDS.join(", ")}`,
    );
  }
  const secret = text(value, "parseClientSecret", "value");
  return unwrap(core("parse_client_secret", secret, kind));
}

/**
 * `{ kind, id }` of a PaymentIntent, SetupIntent or Checkout Session id, for calls
 * that take an id. A client secret is refused, never cut down to its id silently.
 */
export function parseIntentId(value) {
  return unwrap(core("parse_intent_id", text(value, "parseIntentId", "value")));
}

/**
 * Checks that a client secret belongs to an intent, given as its id or as the
 * object. Returns `{ kind, id }`; throws ClientSecretError.
 */
export function assertClientSecretFor(clientSecret, intent) {
  const secret = text(clientSecret, "assertClientSecretFor", "clientSecret");
  const id = typeof intent === "string" ? intent : intent?.id;
  if (typeof id !== "string") {
    throw new TypeError(
      "assertClientSecretFor: intent must be an id or an object with an id",
    );
  }
  return unwrap(core("check_client_secret_for", secret, id));
}

/**
 * The only response a browser should get for a PaymentIntent or SetupIntent:
 * `{ id, client_secret, amount, currency, status }` (a SetupIntent has no amount or
 * currency). Refuses anything key-like and a client secret of another intent.
 */
export function browserIntent(intent) {
  if (typeof intent === "string") {
    // Most likely a key or a bare id passed by mistake; the core says which.
    return unwrap(
      core(
        "browser_intent",
        undefined,
        intent,
        undefined,
        undefined,
        undefined,
        undefined,
      ),
    );
  }
  if (typeof intent !== "object" || intent === null) {
    throw new TypeError(
      "browserIntent: pass the PaymentIntent or SetupIntent the API returned",
    );
  }
  const amount =
    intent.amount === undefined || intent.amount === null
      ? undefined
      : typeof intent.amount === "number"
        ? intent.amount
        : NaN;
  return unwrap(
    core(
      "browser_intent",
      stringOrUndefined(intent.object),
      stringOrUndefined(intent.id),
      stringOrUndefined(intent.client_secret),
      amount,
      stringOrUndefined(intent.currency),
      stringOrUndefined(intent.status),
    ),
  );
}

/**
 * Reads the parameters Stripe adds to a return URL (`payment_intent`,
 * `payment_intent_client_secret`, `redirect_status`, or the `setup_intent` ones),
 * checks the client secret belongs to the intent and, with `options.expectedId`,
 * that the intent is the expected one. Returns `{ kind, id, redirectStatus }`; the
 * client secret is checked, not returned. `input` is a URL string, a URL, a
 * URLSearchParams, a Request, or Next.js `searchParams`.
 */
export function readReturnUrl(input, options) {
  // A misspelt `expectedID` ignored would skip the one check that ties the return
  // to this customer's intent.
  checkOptionNames("readReturnUrl", options, ["expectedId"]);
  const expectedId = options?.expectedId;
  if (expectedId !== undefined && typeof expectedId !== "string") {
    throw new TypeError("readReturnUrl: expectedId must be an intent id");
  }
  return unwrap(core("read_return_params", queryOf(input), expectedId));
}

function readRequired(options) {
  const list = options?.required ?? ["secretKey"];
  if (
    !Array.isArray(list) ||
    !list.every((name) => REQUIRABLE.includes(name))
  ) {
    throw new TypeError(
      `loadStripeConfig: required must list some of ${REQUIRABLE.join(", ")}`,
    );
  }
  return new Set(list);
}

/** Own enumerable names plus the ones read, for env objects that hide keys. */
function variableNames(env) {
  const names = new Set(CONFIG_VARS);
  try {
    for (const name of Object.keys(env)) names.add(name);
  } catch {
    // An exotic env object that cannot be listed: only the known names are read.
  }
  return names;
}

/** A document and a window: code that runs in a browser, where no secret belongs. */
function inBrowser() {
  return (
    typeof globalThis.window === "object" &&
    globalThis.window !== null &&
    typeof globalThis.document === "object" &&
    globalThis.document !== null
  );
}

function queryOf(input) {
  if (typeof input === "string") return input;
  const tag = Object.prototype.toString.call(input);
  if (tag === "[object URLSearchParams]") return `?${input.toString()}`;
  if (tag === "[object URL]") return input.search;
  if (typeof input === "object" && input !== null) {
    if (typeof input.url === "string") return input.url;
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(input)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === "string") params.append(name, item);
      }
    }
    return `?${params.toString()}`;
  }
  throw new TypeError(
    "readReturnUrl: pass the return URL, its URLSearchParams, or searchParams",
  );
}

function text(value, fn, name) {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") {
    throw new TypeError(`${fn}: ${name} must be a string`);
  }
  return value;
}

/** Calls a core function that answers in JSON, and parses the answer. */
function core(name, ...args) {
  return JSON.parse(wasm()[name](...args));
}

function stringOrUndefined(value) {
  return typeof value === "string" ? value : undefined;
}

function configError({ code, message, variable }) {
  return new ConfigError(code, message, variable);
}

function unwrap(result) {
  if (result.error) {
    throw new ClientSecretError(result.error.code, result.error.message);
  }
  return result;
}
