// The Stripe API client. Every rule (form encoding, headers, idempotency keys, error
// mapping, when and how long to wait before a retry) lives in the Rust core
// (src/api/); this module owns only the I/O: the global `fetch`, `setTimeout` and
// `crypto.getRandomValues`, all of which every edge runtime and Node 20+ have.
import { wasm } from "./loader.mjs";

const VERSION = "0.1.0";
const USER_AGENT = `stripe-edge/${VERSION} (js)`;
const DEFAULT_MAX_NETWORK_RETRIES = 2;
const DEFAULT_TIMEOUT_MS = 80_000;
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

// Errors.

/**
 * An error from the Stripe API client. `type` names the class; `statusCode`,
 * `code`, `decline_code`, `param`, `doc_url` and `requestId` come from Stripe's
 * answer when there was one. No field ever holds the secret key.
 */
export class StripeError extends Error {
  static brand = Symbol.for("stripe-edge.StripeError");

  constructor(raw = {}) {
    super(raw.message ?? "");
    // From the brand rather than the class's own name, which minifiers rename.
    const name = new.target.brand.description.slice("stripe-edge.".length);
    this.name = name;
    this.type = raw.type ?? name;
    this.rawType = raw.rawType ?? undefined;
    this.statusCode = raw.statusCode ?? undefined;
    this.code = raw.code ?? undefined;
    this.decline_code = raw.decline_code ?? undefined;
    this.param = raw.param ?? undefined;
    this.doc_url = raw.doc_url ?? undefined;
    this.requestId = raw.requestId ?? undefined;
    this.shouldRetry = raw.shouldRetry ?? undefined;
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

function errorFrom(raw) {
  const ErrorClass = ERROR_CLASSES[raw.type] ?? StripeError;
  return new ErrorClass(raw);
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
    const { secretKey } = options;
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
      this[name] = namespace(call, methods);
    }
  }

  /**
   * Sends one request, retrying as described on the class: `method` is GET, POST or
   * DELETE, `path` a template such as `/v1/customers/{}` filled with `ids`.
   * Resolves to Stripe's JSON object.
   */
  request(method, path, ids = [], params = undefined, options = {}) {
    return this.#call(method, path, ids, params, options);
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
    if (remainingMs <= 0) return { timedOut: true };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), remainingMs);
    let response;
    let text;
    try {
      response = await this.#fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body ?? undefined,
        signal: controller.signal,
      });
      text = await response.text();
    } catch (cause) {
      if (controller.signal.aborted) return { timedOut: true };
      const detail = cause?.cause?.code ?? cause?.message ?? "fetch failed";
      const raw = JSON.parse(
        wasm().api_transport_error(false, 0, String(detail)),
      ).error;
      return { error: errorFrom(raw) };
    } finally {
      clearTimeout(timer);
    }

    const requestId = response.headers.get("request-id") ?? undefined;
    if (response.status >= 200 && response.status < 300) {
      try {
        return {
          object: withLastResponse(JSON.parse(text), response, requestId),
        };
      } catch {
        // Not JSON: the core words the error.
      }
    }
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the core says so in its error.
    }
    const error = parsed?.error;
    const hasErrorObject = typeof error === "object" && error !== null;
    const field = (name) =>
      hasErrorObject && typeof error[name] === "string" ? error[name] : "";
    const raw = JSON.parse(
      wasm().api_answer_error(
        response.status,
        requestId,
        response.headers.get("stripe-should-retry") ?? undefined,
        hasErrorObject,
        ERROR_FIELDS.map(field),
      ),
    ).error;
    return { response, error: errorFrom(raw) };
  }
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
  if (typeof object === "object" && object !== null) {
    Object.defineProperty(object, "lastResponse", {
      value: {
        requestId,
        statusCode: response.status,
        headers: response.headers,
      },
      enumerable: false,
    });
  }
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

function namespace(call, methods) {
  const out = {};
  for (const [name, spec] of Object.entries(methods)) {
    out[name] = Array.isArray(spec)
      ? resourceMethod(call, ...spec)
      : namespace(call, spec);
  }
  return Object.freeze(out);
}

function resourceMethod(call, method, template, kind) {
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
    const options = args[idCount + 1] ?? {};
    if (kind === LIST || kind === SEARCH) {
      return new ListResult(call, method, template, ids, params, options, kind);
    }
    return call(method, template, ids, params, options);
  };
}

/**
 * What a `list()` or `search()` returns: awaiting it gives the first page, as
 * stripe-node does; `for await` over it walks every item of every page, asking for
 * the next page only when the last one is used up.
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
 * bytes.
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
  const add = (key, value) => {
    if (value === undefined || value === null) return;
    if (value instanceof Date) {
      pairs.push(key, String(Math.floor(value.getTime() / 1000)));
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) add(`${key}[${i}]`, value[i]);
    } else if (typeof value === "object") {
      for (const name of Object.keys(value))
        add(`${key}[${name}]`, value[name]);
    } else {
      pairs.push(key, String(value));
    }
  };
  for (const name of Object.keys(params)) add(name, params[name]);
  return pairs;
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

function randomBytes(length) {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
