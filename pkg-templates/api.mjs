// The public API. Entry points differ only in how the WebAssembly module is loaded
// (see loader.mjs); every decision about a delivery is made here and in the Rust core.
import { isBranded } from "./brand.mjs";
import { hostCrypto, wasm, wasmMemory } from "./loader.mjs";
import { checkOptionNames } from "./options.mjs";

const DEFAULT_TOLERANCE_SECS = 300;
/** The largest `t` the core accepts: 12 digits. */
const MAX_TIMESTAMP_SECS = 999_999_999_999;
const BRAND = Symbol.for("stripe-edge.WebhookError");
/** The options verifyWebhook and verifyThinEvent read. */
const OPTION_NAMES = ["toleranceSecs", "nowSecs"];

// Numbers the Rust core gives its errors (`WebhookError::number`), for the checks made
// here before calling into wasm. The package tests check they name the same codes.
const ERROR_NUMBER = {
  malformed_header: 2,
  invalid_payload: 6,
  invalid_secret: 7,
  invalid_json: 8,
  wrong_event_kind: 9,
};

/** Why a webhook delivery was refused. `code` is stable; see the README's table. */
export class WebhookError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "WebhookError";
    this.code = code;
  }

  get [BRAND]() {
    return true;
  }

  // An error from another build of the package is still a WebhookError.
  static [Symbol.hasInstance](value) {
    return isBranded(this, WebhookError, BRAND, value);
  }
}

const THIN_EVENT_OBJECT = "v2.core.event";
const SNAPSHOT_EVENT_OBJECT = "event";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Verifies a delivery's `Stripe-Signature` on its raw body, then parses the event.
 * Throws a WebhookError when the delivery is not genuine, not fresh or not an event.
 */
export function verifyWebhook(payload, signatureHeader, secret, options) {
  const call = readCall(payload, signatureHeader, secret, options);
  const outcome = verifySignature(call);
  if (outcome !== 0) throw webhookError(outcome);

  const event = parseJsonObject(call.body);
  // stripe-node refuses these too: a thin notification has no `data` to read.
  if (event.object === THIN_EVENT_OBJECT) {
    throw webhookError(ERROR_NUMBER.wrong_event_kind);
  }
  return event;
}

/**
 * Verifies a v2 thin event notification's `Stripe-Signature` on its raw body, then
 * parses it. Same arguments and errors as verifyWebhook; a snapshot event is refused
 * with `wrong_event_kind`.
 */
export function verifyThinEvent(payload, signatureHeader, secret, options) {
  const call = readCall(payload, signatureHeader, secret, options);
  const outcome = verifySignature(call);
  if (outcome !== 0) throw webhookError(outcome);

  const event = parseJsonObject(call.body);
  if (event.object === SNAPSHOT_EVENT_OBJECT) {
    throw webhookError(ERROR_NUMBER.wrong_event_kind);
  }
  if (!isThinEvent(event)) throw webhookError(ERROR_NUMBER.invalid_json);
  return event;
}

/** Checks the caller's arguments as both verify functions take them. */
function readCall(payload, signatureHeader, secret, options) {
  const body = asBody(payload);
  if (body === undefined) throw webhookError(ERROR_NUMBER.invalid_payload);
  const secrets = asSecrets(secret);
  if (secrets === undefined) throw webhookError(ERROR_NUMBER.invalid_secret);
  const headerIsText =
    signatureHeader === undefined ||
    signatureHeader === null ||
    typeof signatureHeader === "string";
  if (!headerIsText) throw webhookError(ERROR_NUMBER.malformed_header);
  // A misspelt option (`tolerance: 5`) would otherwise leave the default window in
  // place while the caller believes it narrowed it.
  checkOptionNames("verifyWebhook", options, OPTION_NAMES);
  return {
    body,
    header: signatureHeader ?? undefined,
    secrets,
    toleranceSecs: readTolerance(options),
    nowSecs: readNow(options),
  };
}

/** The core's verdict on a delivery: 0, or the number of a WebhookError. */
function verifySignature({ body, header, secrets, nowSecs, toleranceSecs }) {
  const core = wasm();
  let crypto = hostCrypto();
  if (crypto !== undefined && body.length < crypto.minBodyLength) {
    // Short bodies are hashed faster in the module: each host HMAC has a fixed cost.
    crypto = undefined;
  }
  if (crypto === undefined && body.length > MAX_COPIED_BODY_LENGTH) {
    // Too large to copy in at once: WebAssembly memory never shrinks, so one huge
    // request would keep the instance that large. The module hashes it in pieces
    // instead, and only once the core has accepted the header and secrets.
    crypto = moduleCrypto(core);
  }
  if (crypto === undefined) {
    const length = writeInput(core, body);
    return core.verify_signature_input(
      length,
      header,
      secrets,
      nowSecs,
      toleranceSecs,
    );
  }

  // The body stays here; the core calls macJob.mac for each secret it needs.
  macJob.start(crypto, body, secrets);
  try {
    return core.verify_signature_host(
      header,
      secrets,
      nowSecs,
      toleranceSecs,
      macJob,
    );
  } finally {
    macJob.finish();
  }
}

// What the core calls back into while verifying with the host's HMAC. One object
// for every call (the core never runs two at once), so nothing is allocated per call.
const macJob = {
  crypto: undefined,
  body: undefined,
  secrets: undefined,
  error: undefined,

  start(crypto, body, secrets) {
    this.crypto = crypto;
    this.body = body;
    this.secrets = secrets;
    this.error = undefined;
  },

  // Called from wasm, so it must not throw: an exception would unwind through the
  // module's frames. A failure is kept and thrown once the core has returned.
  mac(secretIndex, timestampSecs, out) {
    try {
      // The core's timestamp has at most 12 digits, so this is its exact text.
      const prefix = `${timestampSecs}.`;
      const secret = this.secrets[secretIndex];
      out.set(this.crypto.hmacSha256(secret, prefix, this.body));
    } catch (error) {
      this.error ??= error;
    }
  },

  finish() {
    const error = this.error;
    this.crypto = this.body = this.secrets = this.error = undefined;
    if (error !== undefined) throw error;
  },
};

/** Bodies longer than this (in characters or bytes) are hashed in pieces. */
const MAX_COPIED_BODY_LENGTH = 128 * 1024;

/** Characters or bytes per piece: at most 48 KiB of UTF-8 in the input buffer. */
const PIECE_LENGTH = 16 * 1024;

/** The module's own HMAC, fed piece by piece, behind the host-crypto interface. */
function moduleCrypto(core) {
  return {
    hmacSha256(secret, prefix, body) {
      core.mac_begin(secret, prefix);
      for (let at = 0; at < body.length; ) {
        let end = Math.min(at + PIECE_LENGTH, body.length);
        // Never split a surrogate pair: each half alone would encode as U+FFFD.
        if (typeof body === "string" && end < body.length) {
          const last = body.charCodeAt(end - 1);
          if (last >= 0xd800 && last <= 0xdbff) end -= 1;
        }
        const piece =
          typeof body === "string"
            ? body.slice(at, end)
            : body.subarray(at, end);
        if (core.mac_update(writeInput(core, piece)) !== 0) {
          throw new Error("stripe-edge: the module lost its MAC state");
        }
        at = end;
      }
      return core.mac_finish();
    },
  };
}

/**
 * Copies the body into the module's input buffer and returns its length in bytes.
 * A string is encoded straight into place.
 */
function writeInput(core, body) {
  // UTF-16 to UTF-8 at most triples the length.
  const capacity = typeof body === "string" ? body.length * 3 : body.length;
  const start = core.input_buffer(capacity);
  if (start === 0) {
    throw new RangeError("stripe-edge: no memory left for a body this large");
  }
  const target = new Uint8Array(wasmMemory().buffer, start, capacity);
  if (typeof body === "string") {
    return utf8Encoder.encodeInto(body, target).written;
  }
  target.set(body);
  return body.length;
}

/**
 * Builds a `Stripe-Signature` header for a payload, as Stripe would, for tests.
 */
export function generateTestHeader(params) {
  const { payload, secret, timestamp, scheme = "v1" } = params ?? {};
  const body = asBody(payload);
  if (body === undefined) {
    throw new TypeError(
      "generateTestHeader: payload must be a string or bytes",
    );
  }
  if (typeof secret !== "string" || secret === "") {
    throw new TypeError(
      "generateTestHeader: secret must be a non-empty string",
    );
  }
  if (typeof scheme !== "string" || !/^[A-Za-z0-9]+$/.test(scheme)) {
    throw new TypeError(
      "generateTestHeader: scheme must be letters and digits",
    );
  }
  const seconds = timestamp ?? Math.floor(Date.now() / 1000);
  // The verifier refuses a `t` of more than 12 digits; never sign one.
  if (
    !Number.isSafeInteger(seconds) ||
    seconds < 0 ||
    seconds > MAX_TIMESTAMP_SECS
  ) {
    throw new RangeError(
      "generateTestHeader: timestamp must be whole Unix seconds",
    );
  }
  const bytes = typeof body === "string" ? utf8Encoder.encode(body) : body;
  return wasm().generate_test_header(bytes, secret, seconds, scheme);
}

function webhookError(number) {
  const core = wasm();
  return new WebhookError(
    core.webhook_error_code(number),
    core.webhook_error_message(number),
  );
}

/** The verified body as a JSON object, or a WebhookError `invalid_json`. */
function parseJsonObject(body) {
  const text = typeof body === "string" ? body : decodeUtf8(body);
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw webhookError(ERROR_NUMBER.invalid_json);
  }
  const isObject =
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject) throw webhookError(ERROR_NUMBER.invalid_json);
  return value;
}

/**
 * The text of UTF-8 bytes; invalid UTF-8 gives undefined, which JSON refuses. The
 * BOM is kept, so a body that starts with one is not JSON, as when it is a string.
 * (In Node 20 this fatal TextDecoder was measured as fast as `buffer.isUtf8` plus
 * `toString`.)
 */
function decodeUtf8(bytes) {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

// The same shape the Rust core's `ThinEvent` reads; tests/data/thin_events.json
// holds the cases both are checked against. It is checked here rather than in the
// module because a JSON parser would more than double the module's size.
function isThinEvent(event) {
  return (
    event.object === THIN_EVENT_OBJECT &&
    typeof event.id === "string" &&
    typeof event.type === "string" &&
    typeof event.created === "string" &&
    typeof event.livemode === "boolean" &&
    isOptional(event.context, (context) => typeof context === "string") &&
    isOptional(event.related_object, isRelatedObject)
  );
}

function isRelatedObject(value) {
  return (
    typeof value === "object" &&
    !Array.isArray(value) &&
    typeof value.type === "string" &&
    typeof value.url === "string" &&
    isOptional(value.id, (id) => typeof id === "string")
  );
}

/** Absent and null are both "none", as serde reads an `Option`. */
function isOptional(value, check) {
  return value === undefined || value === null || check(value);
}

/** A string stays a string (wasm hashes its UTF-8); bytes become a Uint8Array. */
function asBody(payload) {
  if (typeof payload === "string") return payload;
  // Tag checks rather than `instanceof`, so values from another realm (a vm context,
  // an edge sandbox) are accepted like local ones. Buffer is a Uint8Array.
  const tag = Object.prototype.toString.call(payload);
  if (tag === "[object Uint8Array]") return payload;
  if (tag === "[object ArrayBuffer]") return new Uint8Array(payload);
  return undefined;
}

function asSecrets(secret) {
  const list = typeof secret === "string" ? [secret] : secret;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  if (!list.every((item) => typeof item === "string")) return undefined;
  return list;
}

// A tolerance of 0 disables the check in Stripe's own libraries, which turns a slip
// into a replay hole. Here 0 and negative values are refused; Infinity is the explicit
// way to turn the check off, and crosses into wasm as -1.
function readTolerance(options) {
  const value = options?.toleranceSecs;
  if (value === undefined) return DEFAULT_TOLERANCE_SECS;
  if (value === Infinity) return -1;
  if (typeof value !== "number") {
    throw new TypeError(
      "verifyWebhook: toleranceSecs must be a number of seconds, not a " +
        typeof value,
    );
  }
  // Below one second is refused too: it would be floored to 0, a window of one
  // exact second that no real delivery meets.
  if (!Number.isFinite(value) || value < 1) {
    throw new RangeError(
      "verifyWebhook: toleranceSecs must be at least one second, " +
        "or Infinity to disable the timestamp check",
    );
  }
  return Math.floor(value);
}

// Date.now() is milliseconds; passed as nowSecs it would put every delivery
// fifty thousand years in the past and read as a clock or replay problem.
const FIRST_MILLISECONDS_VALUE = 1e12;

function readNow(options) {
  const value = options?.nowSecs;
  if (value === undefined) return Math.floor(Date.now() / 1000);
  if (typeof value !== "number") {
    throw new TypeError(
      "verifyWebhook: nowSecs must be a number of Unix seconds, not a " +
        typeof value,
    );
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError("verifyWebhook: nowSecs must be Unix seconds");
  }
  if (value >= FIRST_MILLISECONDS_VALUE) {
    throw new RangeError(
      "verifyWebhook: nowSecs looks like milliseconds; pass Math.floor(Date.now() / 1000)",
    );
  }
  return Math.floor(value);
}
