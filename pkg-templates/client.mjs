// The Stripe API client. Every rule (form encoding, headers, idempotency keys, error
// mapping, when and how long to wait before a retry) lives in the Rust core
// (src/api/); this module owns only the I/O: the global `fetch`, `setTimeout` and
// `crypto.getRandomValues`, all of which every edge runtime and Node 20+ have.
import { wasm } from "./loader.mjs";
import { checkOptionNames } from "./options.mjs";

const VERSION = "0.1.0";
const USER_AGENT = `stripe-edge/${VERSION} (js)`;
const DEFAULT_MAX_NETWORK_RETRIES = 2;
const DEFAULT_TIMEOUT_MS = 80_000;
const INSPECT = Symbol.for("nodejs.util.inspect.custom");
// setTimeout fires at once for a longer delay, so longer timeouts wait this long.
const MAX_TIMER_MS = 2 ** 31 - 1;
// Stripe's deepest params (`line_items[0][price_data][product_data][metadata][k]`)
// nest six levels; far deeper is a mistake, and unbounded depth overflows the stack.
const MAX_PARAM_DEPTH = 20;
const TIMED_OUT = Object.freeze({ timedOut: true });

/** What the constructor reads; any other name is refused as a likely misspelling. */
const CLIENT_OPTION_NAMES = [
  "secretKey",
  "apiBase",
  "stripeVersion",
  "maxNetworkRetries",
  "timeoutMs",
  "stripeAccount",
  "fetch",
  "sleep",
  "random",
];
/** What each call reads. */
const REQUEST_OPTION_NAMES = [
  "idempotencyKey",
  "stripeAccount",
  "stripeVersion",
  "maxNetworkRetries",
  "timeoutMs",
];

// Errors.

/**
 * An error from the Stripe API client. `type` names the class; `statusCode`,
 * `code`, `decline_code`, `param`, `doc_url` and `requestId` come from Stripe's
 * answer when there was one, and `raw` is Stripe's `error` object itself, with
 * the `payment_intent`, `payment_method` and `setup_intent` it may carry also
 * set on the error. Every string in them has passed the core's `redact`: no
 * field ever holds the secret key.
 */
export class StripeError extends Error {
  static brand = Symbol.for("stripe-edge.StripeError");

  constructor(fields = {}) {
    super(fields.message ?? "");
    // From the brand rather than the class's own name, which minifiers rename.
    const name = new.target.brand.description.slice("stripe-edge.".length);
    this.name = name;
    this.type = fields.type ?? name;
    this.rawType = fields.rawType ?? undefined;
    this.statusCode = fields.statusCode ?? undefined;
    this.code = fields.code ?? undefined;
    this.decline_code = fields.decline_code ?? undefined;
    this.param = fields.param ?? undefined;
    this.doc_url = fields.doc_url ?? undefined;
    this.requestId = fields.requestId ?? undefined;
    this.shouldRetry = fields.shouldRetry ?? undefined;
    const raw = isPlainObject(fields.raw) ? fields.raw : undefined;
    this.raw = raw;
    this.payment_intent = objectMember(raw, "payment_intent");
    this.payment_method = objectMember(raw, "payment_method");
    this.setup_intent = objectMember(raw, "setup_intent");
    // Mark the instance with every class's brand up the chain, so `instanceof`
    // works across the ESM and CommonJS builds (each has its own classes).
    for (
      let cls = new.target;
      cls && cls !== Error;
      cls = Object.getPrototypeOf(cls)
    ) {
      if (Object.hasOwn(cls, "brand")) {
        Object.defineProperty(this, cls.brand, { value: true });
      }
    }
  }

  static [Symbol.hasInstance](value) {
    // A user's subclass without a brand of its own gets the ordinary check.
    if (!Object.hasOwn(this, "brand")) {
      return Function.prototype[Symbol.hasInstance].call(this, value);
    }
    return (
      typeof value === "object" && value !== null && value[this.brand] === true
    );
  }
}

/** 402: the card was declined; `decline_code` says why. */
export class StripeCardError extends StripeError {
  static brand = Symbol.for("stripe-edge.StripeCardError");
}
/** 400 or 404: invalid parameters; `param` names the parameter. */
export class StripeInvalidRequestError extends StripeError {
  static brand = Symbol.for("stripe-edge.StripeInvalidRequestError");
}
/** An idempotency key reused with other params, or still in flight. */
export class StripeIdempotencyError extends StripeError {
  static brand = Symbol.for("stripe-edge.StripeIdempotencyError");
}
/** 401: the key is missing, wrong or revoked. */
export class StripeAuthenticationError extends StripeError {
  static brand = Symbol.for("stripe-edge.StripeAuthenticationError");
}
/** 403: the key may not do this. */
export class StripePermissionError extends StripeError {
  static brand = Symbol.for("stripe-edge.StripePermissionError");
}
/** 429 (not retried unless Stripe says so): too many requests. */
export class StripeRateLimitError extends StripeError {
  static brand = Symbol.for("stripe-edge.StripeRateLimitError");
}
/** Any other answer, or one that was not Stripe's JSON. */
export class StripeAPIError extends StripeError {
  static brand = Symbol.for("stripe-edge.StripeAPIError");
}
/** The request did not complete: refused, reset, DNS, TLS. */
export class StripeConnectionError extends StripeError {
  static brand = Symbol.for("stripe-edge.StripeConnectionError");
}
/** The call's total time (`timeoutMs`, retries included) ran out. */
export class StripeTimeoutError extends StripeConnectionError {
  static brand = Symbol.for("stripe-edge.StripeTimeoutError");
}
/** Refused before sending: a bad id, idempotency key, option or params. */
export class StripeInvalidArgumentError extends StripeError {
  static brand = Symbol.for("stripe-edge.StripeInvalidArgumentError");
}

const ERROR_CLASSES = {
  StripeCardError,
  StripeInvalidRequestError,
  StripeIdempotencyError,
  StripeAuthenticationError,
  StripePermissionError,
  StripeRateLimitError,
  StripeAPIError,
  StripeConnectionError,
  StripeTimeoutError,
  StripeInvalidArgumentError,
};

function errorFrom(fields) {
  const ErrorClass = ERROR_CLASSES[fields.type] ?? StripeError;
  return new ErrorClass(fields);
}

/** Parses the core's JSON answer; throws the error it describes. */
function fromCore(text) {
  const value = JSON.parse(text);
  if (value.error !== undefined) throw errorFrom(value.error);
  return value;
}

// The client.

/**
 * A Stripe API client for `fetch`-based runtimes: Node 20+, Next.js (both
 * runtimes), Cloudflare Workers, Deno, Bun. Resources read like stripe-node's:
 * `await client.paymentIntents.create({ amount: 1000, currency: "usd" })`.
 *
 * Every POST carries an idempotency key (`options.idempotencyKey`, else a fresh
 * UUIDv4) that stays the same on its retries. Connection errors, 409s, 5xx and
 * answers with `Stripe-Should-Retry: true` are retried up to `maxNetworkRetries`
 * times with capped exponential backoff and jitter, within `timeoutMs` in total.
 */
export class StripeClient {
  #secretKey;
  #settings;
  #fetch;
  #sleep;
  #random;

  constructor(options = {}) {
    // A key passed alone, stripe-node's way, gets the secretKey message below.
    if (typeof options === "object") {
      checkOptionNames("StripeClient", options, CLIENT_OPTION_NAMES);
    }
    const { secretKey } = options ?? {};
    if (typeof secretKey !== "string") {
      throw new StripeInvalidArgumentError({
        code: "invalid_secret_key",
        message:
          "StripeClient needs { secretKey }: a secret (sk_) or restricted (rk_) key",
      });
    }
    const problem = wasm().api_check_secret_key(secretKey);
    if (problem !== "") fromCore(problem);
    this.#secretKey = secretKey;
    // Checked here, not at the first call: a key must never leave for a plain-http
    // host, and a wrong base is a set-up mistake best seen at start-up.
    if (options.apiBase !== undefined && options.apiBase !== null) {
      const baseProblem = wasm().api_check_api_base(
        optionalString(options.apiBase, "apiBase"),
      );
      if (baseProblem !== "") fromCore(baseProblem);
    }
    this.#settings = {
      apiBase: optionalString(options.apiBase, "apiBase"),
      stripeVersion: optionalString(options.stripeVersion, "stripeVersion"),
      stripeAccount: optionalString(options.stripeAccount, "stripeAccount"),
      maxNetworkRetries: count(
        options.maxNetworkRetries,
        "maxNetworkRetries",
        DEFAULT_MAX_NETWORK_RETRIES,
      ),
      timeoutMs: count(options.timeoutMs, "timeoutMs", DEFAULT_TIMEOUT_MS),
    };
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== "function") {
      throw new StripeInvalidArgumentError({
        code: "invalid_option",
        message: "no global fetch here: pass { fetch } to StripeClient",
      });
    }
    // Called unbound: some runtimes' fetch refuses any `this` but the global.
    this.#fetch = (url, init) => fetchFn(url, init);
    // Hooks for tests: how to wait, and where jitter comes from.
    this.#sleep = options.sleep ?? sleep;
    this.#random = options.random ?? Math.random;

    const call = this.#call.bind(this);
    for (const [name, methods] of Object.entries(RESOURCES)) {
      this[name] = namespace(call, methods, name);
    }
  }

  /**
   * Sends one request, retrying as described on the class: `method` is GET, POST or
   * DELETE, `path` a template such as `/v1/customers/{}` filled with `ids`.
   * Resolves to Stripe's JSON object.
   */
  request(method, path, ids = [], params = undefined, options = {}) {
    checkOptionNames("request", options, REQUEST_OPTION_NAMES);
    return this.#call(method, path, ids, params, options ?? {});
  }

  toJSON() {
    return { apiBase: this.#settings.apiBase ?? "https://api.stripe.com" };
  }

  [INSPECT]() {
    return `StripeClient ${JSON.stringify(this.toJSON())}`;
  }

  async #call(method, template, ids, params, options = {}) {
    const core = wasm();
    const settings = this.#settings;
    const startedAt = Date.now();
    const timeoutMs = count(options.timeoutMs, "timeoutMs", settings.timeoutMs);
    const maxRetries = count(
      options.maxNetworkRetries,
      "maxNetworkRetries",
      settings.maxNetworkRetries,
    );

    // One key per call, made before the first attempt and kept for its retries.
    let key = optionalString(options.idempotencyKey, "idempotencyKey");
    if (key === undefined && method === "POST") {
      key = core.api_new_idempotency_key(randomBytes(16));
    }
    const request = fromCore(
      core.api_build_request(
        this.#secretKey,
        settings.apiBase,
        settings.stripeVersion,
        settings.stripeAccount,
        USER_AGENT,
        method,
        template,
        ids.map(String),
        formPairs(params),
        key,
        optionalString(options.stripeAccount, "stripeAccount"),
        optionalString(options.stripeVersion, "stripeVersion"),
      ),
    );

    for (let retries = 0; ; retries += 1) {
      const remainingMs = timeoutMs - (Date.now() - startedAt);
      const attempt = await this.#attempt(request, remainingMs);
      if (attempt.object !== undefined) return attempt.object;
      if (attempt.timedOut) {
        throw errorFrom(
          JSON.parse(core.api_transport_error(true, timeoutMs, "")).error,
        );
      }

      const { response } = attempt;
      const waitMs = core.api_retry_delay_ms(
        retries,
        response ? "response" : "connection",
        response?.status ?? 0,
        response?.headers.get("stripe-should-retry") ?? undefined,
        maxRetries,
        this.#random(),
        response?.headers.get("retry-after") ?? undefined,
      );
      // A wait that would outlast the call ends it with what went wrong last.
      if (waitMs < 0 || Date.now() - startedAt + waitMs >= timeoutMs) {
        throw attempt.error;
      }
      await this.#sleep(waitMs);
    }
  }

  /** One attempt: `{ object }`, `{ response, error }`, `{ error }` or `{ timedOut }`. */
  async #attempt(request, remainingMs) {
    if (remainingMs <= 0) return TIMED_OUT;
    const controller = new AbortController();
    let timer;
    // Raced, not left to the signal alone: a custom fetch may ignore the signal,
    // and a body can stall after its headers, so only this timer is sure to end
    // the wait at the deadline.
    const deadline = new Promise((resolve) => {
      timer = setTimeout(
        () => {
          controller.abort();
          resolve(TIMED_OUT);
        },
        Math.min(remainingMs, MAX_TIMER_MS),
      );
    });
    try {
      // #exchange never rejects, so the loser of the race leaves nothing unhandled.
      return await Promise.race([
        this.#exchange(request, controller.signal),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `request` and reads the whole answer; resolves as #attempt does. */
  async #exchange(request, signal) {
    let response;
    let text;
    try {
      response = await this.#fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body ?? undefined,
        signal,
      });
      text = await response.text();
    } catch (cause) {
      if (signal.aborted) return TIMED_OUT;
      const detail = cause?.cause?.code ?? cause?.message ?? "fetch failed";
      const fields = JSON.parse(
        wasm().api_transport_error(false, 0, String(detail)),
      ).error;
      return { error: errorFrom(fields) };
    }
    return readAnswer(response, text);
  }
}

/** `{ object }` for a 2xx JSON object, else `{ response, error }`. */
function readAnswer(response, text) {
  const requestId = response.headers.get("request-id") ?? undefined;
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the core says so in its error.
  }
  const ok = response.status >= 200 && response.status < 300;
  // Every resource is an object; `null` or an array in its place is no answer.
  if (ok && isPlainObject(parsed)) {
    return { object: withLastResponse(parsed, response, requestId) };
  }
  const error = parsed?.error;
  const hasErrorObject = isPlainObject(error);
  const field = (name) =>
    hasErrorObject && typeof error[name] === "string" ? error[name] : "";
  const fields = JSON.parse(
    wasm().api_answer_error(
      response.status,
      requestId,
      response.headers.get("stripe-should-retry") ?? undefined,
      hasErrorObject,
      ERROR_FIELDS.map(field),
      // Back as `raw`, redacted by the core.
      hasErrorObject ? JSON.stringify(error) : undefined,
    ),
  ).error;
  return { response, error: errorFrom(fields) };
}

/** The members of an error answer the core reads, in the order it takes them. */
const ERROR_FIELDS = [
  "type",
  "code",
  "decline_code",
  "param",
  "doc_url",
  "message",
];

function withLastResponse(object, response, requestId) {
  Object.defineProperty(object, "lastResponse", {
    value: {
      requestId,
      statusCode: response.status,
      headers: response.headers,
    },
    enumerable: false,
  });
  return object;
}

// Resources: [method, path template, kind]. A template's `{}` are filled, in
// order, by the method's leading id arguments.
const LIST = "list";
const SEARCH = "search";
const RESOURCES = {
  paymentIntents: {
    create: ["POST", "/v1/payment_intents"],
    retrieve: ["GET", "/v1/payment_intents/{}"],
    update: ["POST", "/v1/payment_intents/{}"],
    confirm: ["POST", "/v1/payment_intents/{}/confirm"],
    capture: ["POST", "/v1/payment_intents/{}/capture"],
    cancel: ["POST", "/v1/payment_intents/{}/cancel"],
    list: ["GET", "/v1/payment_intents", LIST],
    search: ["GET", "/v1/payment_intents/search", SEARCH],
  },
  setupIntents: {
    create: ["POST", "/v1/setup_intents"],
    retrieve: ["GET", "/v1/setup_intents/{}"],
    update: ["POST", "/v1/setup_intents/{}"],
    confirm: ["POST", "/v1/setup_intents/{}/confirm"],
    cancel: ["POST", "/v1/setup_intents/{}/cancel"],
    list: ["GET", "/v1/setup_intents", LIST],
  },
  customers: {
    create: ["POST", "/v1/customers"],
    retrieve: ["GET", "/v1/customers/{}"],
    update: ["POST", "/v1/customers/{}"],
    del: ["DELETE", "/v1/customers/{}"],
    list: ["GET", "/v1/customers", LIST],
    search: ["GET", "/v1/customers/search", SEARCH],
    listPaymentMethods: ["GET", "/v1/customers/{}/payment_methods", LIST],
  },
  paymentMethods: {
    create: ["POST", "/v1/payment_methods"],
    retrieve: ["GET", "/v1/payment_methods/{}"],
    attach: ["POST", "/v1/payment_methods/{}/attach"],
    detach: ["POST", "/v1/payment_methods/{}/detach"],
    list: ["GET", "/v1/payment_methods", LIST],
  },
  checkout: {
    sessions: {
      create: ["POST", "/v1/checkout/sessions"],
      retrieve: ["GET", "/v1/checkout/sessions/{}"],
      expire: ["POST", "/v1/checkout/sessions/{}/expire"],
      list: ["GET", "/v1/checkout/sessions", LIST],
      listLineItems: ["GET", "/v1/checkout/sessions/{}/line_items", LIST],
    },
  },
  subscriptions: {
    create: ["POST", "/v1/subscriptions"],
    retrieve: ["GET", "/v1/subscriptions/{}"],
    update: ["POST", "/v1/subscriptions/{}"],
    cancel: ["DELETE", "/v1/subscriptions/{}"],
    list: ["GET", "/v1/subscriptions", LIST],
  },
  prices: {
    create: ["POST", "/v1/prices"],
    retrieve: ["GET", "/v1/prices/{}"],
    update: ["POST", "/v1/prices/{}"],
    list: ["GET", "/v1/prices", LIST],
  },
  products: {
    create: ["POST", "/v1/products"],
    retrieve: ["GET", "/v1/products/{}"],
    update: ["POST", "/v1/products/{}"],
    del: ["DELETE", "/v1/products/{}"],
    list: ["GET", "/v1/products", LIST],
  },
  refunds: {
    create: ["POST", "/v1/refunds"],
    retrieve: ["GET", "/v1/refunds/{}"],
    update: ["POST", "/v1/refunds/{}"],
    cancel: ["POST", "/v1/refunds/{}/cancel"],
    list: ["GET", "/v1/refunds", LIST],
  },
  invoices: {
    retrieve: ["GET", "/v1/invoices/{}"],
    list: ["GET", "/v1/invoices", LIST],
    pay: ["POST", "/v1/invoices/{}/pay"],
  },
  billingPortal: {
    sessions: {
      create: ["POST", "/v1/billing_portal/sessions"],
    },
  },
  customerSessions: {
    create: ["POST", "/v1/customer_sessions"],
  },
  events: {
    retrieve: ["GET", "/v1/events/{}"],
    list: ["GET", "/v1/events", LIST],
  },
};

function namespace(call, methods, prefix) {
  const out = {};
  for (const [name, spec] of Object.entries(methods)) {
    out[name] = Array.isArray(spec)
      ? resourceMethod(call, `${prefix}.${name}`, ...spec)
      : namespace(call, spec, `${prefix}.${name}`);
  }
  return Object.freeze(out);
}

function resourceMethod(call, label, method, template, kind) {
  const idCount = template.split("{}").length - 1;
  return (...args) => {
    const ids = args.slice(0, idCount);
    for (const id of ids) {
      if (typeof id !== "string") {
        throw new StripeInvalidArgumentError({
          code: "invalid_id",
          message: `${template} needs ${idCount} string id(s) before its params`,
        });
      }
    }
    const params = args[idCount];
    // `{ idempotency_key }` ignored would send a fresh key, and an app's retry
    // would then create a second object.
    checkOptionNames(label, args[idCount + 1], REQUEST_OPTION_NAMES);
    const options = args[idCount + 1] ?? {};
    if (kind === LIST || kind === SEARCH) {
      return new ListResult(call, method, template, ids, params, options, kind);
    }
    return call(method, template, ids, params, options);
  };
}

/**
 * What a `list()` or `search()` returns: a Promise of the first page (`await`,
 * `then`, `catch`, `finally`), as stripe-node's; `for await` over it walks every
 * item of every page, asking for the next page only when the last one is used up.
 * Nothing is sent until one of those asks: a result left unused sends nothing and
 * cannot reject unhandled.
 */
class ListResult {
  #call;
  #request;
  #firstPage;

  constructor(call, method, template, ids, params, options, kind) {
    this.#call = call;
    this.#request = {
      method,
      template,
      ids,
      params: params ?? {},
      options,
      kind,
    };
  }

  #page(params) {
    const { method, template, ids, options } = this.#request;
    // A caller's idempotency key belongs to one call only, never to later pages.
    const { idempotencyKey: _unused, ...pageOptions } = options;
    return this.#call(method, template, ids, params, pageOptions);
  }

  #first() {
    this.#firstPage ??= this.#page(this.#request.params);
    return this.#firstPage;
  }

  then(onFulfilled, onRejected) {
    return this.#first().then(onFulfilled, onRejected);
  }

  catch(onRejected) {
    return this.#first().catch(onRejected);
  }

  finally(onFinally) {
    return this.#first().finally(onFinally);
  }

  get [Symbol.toStringTag]() {
    return "StripeListResult";
  }

  async *[Symbol.asyncIterator]() {
    const { params, kind } = this.#request;
    const backwards = kind === LIST && params.ending_before !== undefined;
    let page = await this.#first();
    for (;;) {
      const items = Array.isArray(page?.data) ? page.data : [];
      if (backwards) {
        for (let i = items.length - 1; i >= 0; i -= 1) yield items[i];
      } else {
        yield* items;
      }
      if (!page?.has_more || items.length === 0) return;
      let next;
      if (kind === SEARCH) {
        if (!page.next_page) return;
        next = { ...params, page: page.next_page };
      } else if (backwards) {
        next = { ...params, ending_before: items[0].id };
      } else {
        next = { ...params, starting_after: items[items.length - 1].id };
      }
      page = await this.#page(next);
    }
  }
}

// Helpers.

/**
 * `params` laid out as alternating bracketed keys and values, for the core to
 * percent-encode and join: nested objects as `a[b]`, arrays indexed `a[0]`,
 * `Date`s as Unix seconds, `""` as an empty value (which unsets the field),
 * `undefined` and `null` left out, everything else as `String(value)` writes it.
 * These are stripe-node's rules except for `null`, which stripe-node sends as an
 * empty value: a `null` that came from a JSON or a database read must not unset a
 * field by accident (cases/C14). tests/pkg/client-encoding.test.mjs compares the
 * bytes. A cycle, nesting past MAX_PARAM_DEPTH, and a number or Date that is NaN
 * or infinite (`amount=NaN` would reach Stripe) are refused, naming the param.
 */
function formPairs(params) {
  if (params === undefined || params === null) return [];
  if (typeof params !== "object" || Array.isArray(params)) {
    throw new StripeInvalidArgumentError({
      code: "invalid_params",
      message: "params must be an object",
    });
  }
  const pairs = [];
  // The objects enclosing the value being laid out: meeting one again is a cycle.
  const enclosing = new Set([params]);
  const add = (key, value, depth) => {
    if (value === undefined || value === null) return;
    if (value instanceof Date) {
      const millis = value.getTime();
      if (!Number.isFinite(millis)) throw badParam(key, "is an invalid Date");
      pairs.push(key, String(Math.floor(millis / 1000)));
      return;
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw badParam(key, `is ${value}; Stripe takes finite numbers`);
    }
    if (typeof value !== "object") {
      pairs.push(key, String(value));
      return;
    }
    if (enclosing.has(value)) {
      throw badParam(key, "refers back to an object that contains it");
    }
    if (depth >= MAX_PARAM_DEPTH) {
      throw badParam(key, `nests deeper than ${MAX_PARAM_DEPTH} levels`);
    }
    enclosing.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) {
        add(`${key}[${i}]`, value[i], depth + 1);
      }
    } else {
      for (const name of Object.keys(value)) {
        add(`${key}[${name}]`, value[name], depth + 1);
      }
    }
    enclosing.delete(value);
  };
  for (const name of Object.keys(params)) add(name, params[name], 1);
  return pairs;
}

function badParam(key, problem) {
  // Field names, not values, but redacted all the same: nothing in an error may
  // hold a key, even one pasted as a metadata name.
  const cut = key.length > 120 ? `${key.slice(0, 120)}…` : key;
  const shown = wasm().redact(cut);
  return new StripeInvalidArgumentError({
    code: "invalid_params",
    param: shown,
    message: `param ${shown} ${problem}`,
  });
}

function optionalString(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new StripeInvalidArgumentError({
      code: "invalid_option",
      message: `${name} must be a string`,
    });
  }
  return value;
}

function count(value, name, fallback) {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new StripeInvalidArgumentError({
      code: "invalid_option",
      message: `${name} must be a whole number, 0 or more`,
    });
  }
  return value;
}

function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function objectMember(object, name) {
  const member = object?.[name];
  return isPlainObject(member) ? member : undefined;
}

function randomBytes(length) {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
