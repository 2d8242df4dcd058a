// The public API. Entry points differ only in how the WebAssembly module is loaded
// (see loader.mjs); every decision about a delivery is made here and in the Rust core.
import { wasm } from "./loader.mjs";

const DEFAULT_TOLERANCE_SECS = 300;
const BRAND = Symbol.for("stripe-edge.WebhookError");

// Numbers the Rust core gives its errors (`WebhookError::number`), for the checks made
// here before calling into wasm. The package tests check they name the same codes.
const ERROR_NUMBER = {
  malformed_header: 2,
  invalid_payload: 6,
  invalid_secret: 7,
  invalid_json: 8,
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

  // The ESM and CommonJS builds each have their own class; an error from either is
  // still a WebhookError to `instanceof`.
  static [Symbol.hasInstance](value) {
    return (
      typeof value === "object" &&
      value !== null &&
      value[BRAND] === true &&
      (this === WebhookError ||
        Function.prototype[Symbol.hasInstance].call(this, value))
    );
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Verifies a delivery's `Stripe-Signature` on its raw body, then parses the event.
 * Throws a WebhookError when the delivery is not genuine, not fresh or not an event.
 */
export function verifyWebhook(payload, signatureHeader, secret, options) {
  const body = asBody(payload);
  if (body === undefined) throw webhookError(ERROR_NUMBER.invalid_payload);
  const secrets = asSecrets(secret);
  if (secrets === undefined) throw webhookError(ERROR_NUMBER.invalid_secret);
  const headerIsText =
    signatureHeader === undefined ||
    signatureHeader === null ||
    typeof signatureHeader === "string";
  if (!headerIsText) throw webhookError(ERROR_NUMBER.malformed_header);
  const toleranceSecs = readTolerance(options);
  const nowSecs = readNow(options);

  const core = wasm();
  const header = signatureHeader ?? undefined;
  const outcome =
    typeof body === "string"
      ? core.verify_signature_text(
          body,
          header,
          secrets,
          nowSecs,
          toleranceSecs,
        )
      : core.verify_signature(body, header, secrets, nowSecs, toleranceSecs);
  if (outcome !== 0) throw webhookError(outcome);

  return parseEvent(body);
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
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
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

function parseEvent(body) {
  let event;
  try {
    event = JSON.parse(typeof body === "string" ? body : utf8.decode(body));
  } catch {
    throw webhookError(ERROR_NUMBER.invalid_json);
  }
  const isObject =
    typeof event === "object" && event !== null && !Array.isArray(event);
  if (!isObject) throw webhookError(ERROR_NUMBER.invalid_json);
  return event;
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
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      "verifyWebhook: toleranceSecs must be a positive number of seconds, " +
        "or Infinity to disable the timestamp check",
    );
  }
  return Math.floor(value);
}

function readNow(options) {
  const value = options?.nowSecs;
  if (value === undefined) return Math.floor(Date.now() / 1000);
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError("verifyWebhook: nowSecs must be Unix seconds");
  }
  return Math.floor(value);
}
