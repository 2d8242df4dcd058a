// Builders for differential cases (bodies, secrets, times, headers) and the rules that
// say where stripe-edge deliberately decides differently from Stripe's libraries.
// The rules are written from the README, not from either implementation.
import { createHmac } from "node:crypto";
import { randomText } from "./random.mjs";

export const DEFAULT_TOLERANCE_SECS = 300;
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_HEADER_ITEMS = 64;
const ZERO_SIGNATURE = "0".repeat(64);

const EVENT_TYPES = [
  "payment_intent.succeeded",
  "customer.created",
  "invoice.paid",
  "checkout.session.completed",
  "charge.refunded",
  "customer.subscription.updated",
];

// ---------------------------------------------------------------------------------
// Bodies

// An object whose keys may repeat, which plain JS objects cannot express.
class Members {
  constructor(pairs) {
    this.pairs = pairs;
  }
}

function randomScalar(rng, lone) {
  return rng.weighted([
    [30, () => randomText(rng, rng.int(0, 24), { lone })],
    [15, () => rng.int(-1_000_000, 1_000_000)],
    [
      4,
      () => ({
        raw: rng.pick(["12345678901234567890", "-0", "1.5e-7", "1E400", "0.1"]),
      }),
    ],
    [6, () => rng.chance(0.5)],
    [8, null],
    [
      10,
      () => `${rng.pick(["cus", "pi", "in", "prod", "ch"])}_${rng.alnum(14)}`,
    ],
  ]);
}

function randomValue(rng, depth, lone) {
  if (depth <= 0) return randomScalar(rng, lone);
  return rng.weighted([
    [60, () => randomScalar(rng, lone)],
    [15, () => randomMembers(rng, depth - 1, lone)],
    [
      10,
      () =>
        Array.from({ length: rng.int(0, 4) }, () =>
          randomValue(rng, depth - 1, lone),
        ),
    ],
  ]);
}

function randomMembers(rng, depth, lone) {
  const pairs = [];
  const count = rng.int(0, 6);
  for (let i = 0; i < count; i++) {
    const key = rng.weighted([
      [
        80,
        () => rng.fromAlphabet("abcdefghijklmnopqrstuvwxyz_", rng.int(1, 12)),
      ],
      [15, () => randomText(rng, rng.int(0, 8), { lone })],
      [2, "__proto__"],
      [3, () => (pairs.length > 0 ? pairs[0][0] : "dup")],
    ]);
    pairs.push([key, randomValue(rng, depth, lone)]);
  }
  return new Members(pairs);
}

function eventMembers(rng, lone) {
  return new Members([
    ["id", `evt_${rng.alnum(24)}`],
    ["object", "event"],
    ["api_version", rng.pick(["2026-11-18", "2017-08-15", null])],
    ["created", rng.int(1_500_000_000, 1_900_000_000)],
    [
      "data",
      new Members([
        ["object", randomMembers(rng, 3, lone)],
        ...(rng.chance(0.2)
          ? [["previous_attributes", randomMembers(rng, 1, lone)]]
          : []),
      ]),
    ],
    ["livemode", rng.chance(0.1)],
    ["pending_webhooks", rng.int(0, 3)],
    [
      "request",
      new Members([
        ["id", null],
        ["idempotency_key", null],
      ]),
    ],
    ["type", rng.pick(EVENT_TYPES)],
  ]);
}

const SHORT_ESCAPES = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function unicodeEscape(code) {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** JSON text written by hand, so spacing, line ends and escapes vary as senders vary. */
class JsonWriter {
  constructor(rng, style) {
    this.rng = rng;
    this.style = style;
  }

  write(value, level = 0) {
    if (value === null) return "null";
    if (typeof value === "boolean" || typeof value === "number")
      return String(value);
    if (typeof value === "string") return this.string(value);
    if (Array.isArray(value)) {
      return this.container(
        "[",
        "]",
        value.map((item) => this.write(item, level + 1)),
        level,
      );
    }
    if (value instanceof Members) {
      const members = value.pairs.map(
        ([key, item]) =>
          `${this.string(key)}:${this.style.indent ? " " : ""}${this.write(item, level + 1)}`,
      );
      return this.container("{", "}", members, level);
    }
    return value.raw;
  }

  container(open, close, items, level) {
    if (items.length === 0) return open + close;
    const { indent, newline } = this.style;
    if (!indent)
      return (
        open +
        items.map((item) => this.space() + item).join(",") +
        this.space() +
        close
      );
    const inner = newline + indent.repeat(level + 1);
    return (
      open +
      inner +
      items.join("," + inner) +
      newline +
      indent.repeat(level) +
      close
    );
  }

  // Between tokens of compact JSON: usually nothing, sometimes any JSON whitespace.
  space() {
    return this.style.looseSpacing && this.rng.chance(0.2)
      ? this.rng.pick([" ", "\t", "\r\n", "\n"])
      : "";
  }

  string(text) {
    let out = '"';
    for (const char of text) {
      const code = char.codePointAt(0);
      if (SHORT_ESCAPES[char] !== undefined) {
        out += SHORT_ESCAPES[char];
      } else if (code < 0x20) {
        out += unicodeEscape(code);
      } else if (this.style.asciiOnly && code > 0x7e) {
        // As localstripe sends: every non-ASCII character as \uXXXX, pairs for astral.
        for (let i = 0; i < char.length; i++)
          out += unicodeEscape(char.charCodeAt(i));
      } else if (this.style.randomEscapes && this.rng.chance(0.05)) {
        if (char === "/") out += "\\/";
        else
          for (let i = 0; i < char.length; i++)
            out += unicodeEscape(char.charCodeAt(i));
      } else {
        out += char;
      }
    }
    return out + '"';
  }
}

function jsonStyle(rng) {
  const pretty = rng.chance(0.3);
  return {
    indent: pretty ? rng.pick(["  ", "\t", " "]) : "",
    newline: rng.chance(0.5) ? "\r\n" : "\n",
    asciiOnly: rng.chance(0.15),
    randomEscapes: rng.chance(0.2),
    looseSpacing: rng.chance(0.2),
  };
}

/** Body length to aim for, in UTF-8 bytes: mostly small, a few near 64 KB. */
function targetBytes(rng) {
  return rng.weighted([
    [72, () => rng.int(2, 1_500)],
    [16, () => rng.int(1_500, 8_000)],
    [8, () => rng.int(8_000, 40_000)],
    [4, () => rng.int(60_000, 65_000)],
  ]);
}

// Grows an event to the target size with a long string member, the way a large
// `metadata` or line-item list makes real events large.
function padEvent(rng, members, writer, target) {
  const base = Buffer.byteLength(writer.write(members));
  const missing = target - base - 16;
  if (missing <= 0) return members;
  // Mostly ASCII so the byte count stays close; the rest keeps the UTF-8 mixed.
  let filler = randomText(rng, Math.min(missing, 200), { controls: true });
  while (Buffer.byteLength(filler) < missing)
    filler += rng.alnum(Math.min(512, missing));
  const limit = filler.length - (Buffer.byteLength(filler) - missing);
  filler = filler.slice(0, Math.max(0, limit));
  // Never end on half a surrogate pair: lone surrogates belong to their own body kind.
  if (/[\ud800-\udbff]$/.test(filler)) filler = filler.slice(0, -1);
  return new Members([...members.pairs, ["padding", filler]]);
}

/** A webhook body as a JS string, with the kind it was built as. */
export function makeBody(rng, { lone: allowLone = true } = {}) {
  const kind = rng.weighted([
    [70, "event"],
    [allowLone ? 6 : 0, "event_lone_surrogates"],
    [5, "non_object_json"],
    [2, "thin_event"],
    [6, "text"],
    [4, "truncated_json"],
    [1, "bom_json"],
    [1, "empty"],
    [2, "padded_json"],
  ]);
  const style = jsonStyle(rng);
  const writer = new JsonWriter(rng, style);
  const lone = kind === "event_lone_surrogates";
  const event = () =>
    writer.write(
      padEvent(rng, eventMembers(rng, lone), writer, targetBytes(rng)),
    );

  switch (kind) {
    case "event":
    case "event_lone_surrogates":
      return { kind, body: event() };
    case "non_object_json":
      return {
        kind,
        body: rng.pick([
          () => writer.write([eventMembers(rng, false)]),
          () => String(rng.int(-1e9, 1e9)),
          () => writer.string(randomText(rng, 20)),
          () => "null",
          () => rng.pick(["true", "false", "[]", "12345678901234567890"]),
        ])(),
      };
    case "thin_event":
      return {
        kind,
        body: writer.write(
          new Members([
            ["id", `evt_${rng.alnum(20)}`],
            ["object", "v2.core.event"],
            ["type", "v1.billing.meter.error_report_triggered"],
            ["created", "2026-11-18T00:00:00.000Z"],
            ["related_object", new Members([["id", `mtr_${rng.alnum(12)}`]])],
          ]),
        ),
      };
    case "text":
      return {
        kind,
        body: randomText(rng, rng.int(1, 3_000), { lone: allowLone }),
      };
    case "truncated_json": {
      const whole = event();
      return {
        kind,
        body: whole.slice(0, rng.int(1, Math.max(1, whole.length - 1))),
      };
    }
    case "bom_json":
      return { kind, body: "\ufeff" + event() };
    case "empty":
      return { kind, body: "" };
    default:
      // JSON whitespace around the value is still valid JSON.
      return {
        kind,
        body: `${rng.pick(["\r\n", " ", "\n\n"])}${event()}${rng.pick(["\r\n", " ", "\n"])}`,
      };
  }
}

/** A body that differs from `body` in a way a proxy or framework might cause. */
export function tamper(rng, body) {
  const change = rng.weighted([
    [4, () => body + rng.pick(["\n", " ", "\r\n"])],
    [2, () => body.replaceAll("\r\n", "\n")],
    [
      2,
      () => {
        try {
          return JSON.stringify(JSON.parse(body));
        } catch {
          return body + "x";
        }
      },
    ],
    [
      4,
      () => {
        if (body.length === 0) return "{}";
        const at = rng.int(0, body.length - 1);
        const replacement = body[at] === "a" ? "b" : "a";
        return body.slice(0, at) + replacement + body.slice(at + 1);
      },
    ],
    [1, () => body.normalize("NFD")],
  ]);
  return change === body ? body + " " : change;
}

// ---------------------------------------------------------------------------------
// Secrets and times

/** One secret: mostly real-looking, some the mistakes the README refuses. */
export function makeSecret(rng, { lone = true } = {}) {
  const whsec = () => `whsec_${rng.alnum(32)}`;
  return rng.weighted([
    [80, whsec],
    [
      8,
      () => randomText(rng, rng.int(1, 40), { lone: false, controls: false }),
    ],
    [2, () => rng.pick([" ", "\n", "\t", "\r\n", "\u00a0"]) + whsec()],
    [2, () => whsec() + rng.pick([" ", "\n", "\r\n", "\u2028"])],
    [1.5, () => rng.pick(['"', "'"]) + whsec() + rng.pick(['"', "'", ""])],
    [
      1.5,
      () =>
        `${rng.pick(["sk_test_", "rk_live_", "pk_test_"])}notakey${rng.alnum(12)}`,
    ],
    [1, ""],
    [1, () => rng.pick([" ", "  \t", "\n"])],
    [2, () => `whsec_${rng.alnum(8)} ${rng.alnum(8)}`],
    [lone ? 1 : 0, () => `whsec_${rng.alnum(6)}\ud800${rng.alnum(6)}`],
  ]);
}

/** The secret (or secrets, while rotating) the receiver is configured with. */
export function makeSecrets(rng, options) {
  if (rng.chance(0.12)) {
    return Array.from({ length: rng.int(2, 3) }, () =>
      makeSecret(rng, options),
    );
  }
  return makeSecret(rng, options);
}

/** The tolerance option: mostly left out, sometimes chosen, sometimes the mistakes. */
export function makeTolerance(rng) {
  return rng.weighted([
    [76, undefined],
    [12, () => rng.int(1, 3_600)],
    [3, () => rng.int(1, 600) + 0.5],
    [5, Infinity],
    [3, 0],
    [1, () => -rng.int(1, 100)],
  ]);
}

/** A signing time around `now`, on the tolerance's edges as often as inside it. */
export function makeTimestamp(rng, now, tolerance) {
  const limit =
    tolerance === undefined
      ? DEFAULT_TOLERANCE_SECS
      : Number.isFinite(tolerance) && tolerance > 0
        ? Math.floor(tolerance)
        : DEFAULT_TOLERANCE_SECS;
  const offset = rng.weighted([
    [44, () => rng.int(-limit, limit)],
    [7, -limit],
    [7, limit],
    [7, -limit - 1],
    [7, limit + 1],
    [10, () => -rng.int(limit + 2, 100_000_000)],
    [10, () => rng.int(limit + 2, 100_000_000)],
    [8, 0],
  ]);
  // Stripe's helpers treat a timestamp of 0 as "now", so stay above it.
  return Math.max(1, now + offset);
}

// ---------------------------------------------------------------------------------
// Headers

const GARBAGE_TIMES = [
  (t) => `${t}abc`,
  (t) => `-${t}`,
  (t) => ` ${t}`,
  (t) => `${t} `,
  (t) => `+${t}`,
  (t) => `${t}.5`,
  (t) => `${t}e0`,
  (t) => `0x${t.toString(16)}`,
  () => "",
  () => "abc",
  () => "-1",
  (t) => `${t}000`, // milliseconds
  (t) => "0".repeat(13 - String(t).length) + t, // 13 digits
  (t) => `${t}=1`,
  (t) =>
    String(t).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
  (t) =>
    String(t).replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d))),
  (t) => `${String(t).slice(0, 4)}_${String(t).slice(4)}`,
  () => "99999999999999999999",
];

/**
 * A `Stripe-Signature` header built from a genuine one by 0 to 3 edits chosen at random,
 * each named in `edits` so failures say what was done.
 */
export function mutateHeader(rng, { timestamp, signature, signFor }) {
  let items = [`t=${timestamp}`, `v1=${signature}`];
  let separator = ",";
  const edits = [];
  const insert = (item) => items.splice(rng.int(0, items.length), 0, item);
  const timeIndexes = () =>
    items.flatMap((item, i) => (item.startsWith("t=") ? [i] : []));
  const v1Indexes = () =>
    items.flatMap((item, i) => (item.startsWith("v1=") ? [i] : []));
  const editOne = (indexes, change) => {
    const found = indexes();
    if (found.length > 0) {
      const i = rng.pick(found);
      items[i] = change(items[i]);
    }
  };

  const EDITS = {
    reorder: () => (items = rng.shuffle(items)),
    extra_v1: () => insert(`v1=${rng.hex(64)}`),
    rotated_v1: () =>
      insert(`v1=${signFor(`whsec_${rng.alnum(32)}`, timestamp)}`),
    v0: () => insert(`v0=${rng.hex(64)}`),
    genuine_as_v0: () => editOne(v1Indexes, (item) => "v0" + item.slice(2)),
    unknown_item: () =>
      insert(
        rng.pick([
          `v2=${rng.hex(64)}`,
          "x=1",
          "foo=bar",
          `v1a=${signature}`,
          `V1=${signature}`,
          `T=${timestamp}`,
          "t1=5",
        ]),
      ),
    drop_t: () => (items = items.filter((item) => !item.startsWith("t="))),
    drop_v1: () => (items = items.filter((item) => !item.startsWith("v1="))),
    duplicate_t: () =>
      insert(`t=${rng.pick([timestamp, timestamp + 1, rng.int(1, 2e9)])}`),
    garbage_t: () =>
      editOne(timeIndexes, () => `t=${rng.pick(GARBAGE_TIMES)(timestamp)}`),
    leading_zeros_t: () =>
      editOne(
        timeIndexes,
        (item) => "t=" + "0".repeat(rng.int(1, 3)) + item.slice(2),
      ),
    other_t: () =>
      editOne(
        timeIndexes,
        () => `t=${timestamp + rng.pick([1, -1, 60, 1000])}`,
      ),
    upper_case_hex: () =>
      editOne(v1Indexes, (item) => "v1=" + item.slice(3).toUpperCase()),
    short_signature: () => editOne(v1Indexes, (item) => item.slice(0, -1)),
    long_signature: () =>
      editOne(v1Indexes, (item) => item + rng.pick(["0", "a", "="])),
    spaces: () =>
      rng.pick([
        () => (separator = ", "),
        () => editOne(timeIndexes, (item) => " " + item),
        () => editOne(timeIndexes, (item) => item + " "),
        () => editOne(timeIndexes, (item) => item.replace("=", " = ")),
        () => editOne(v1Indexes, (item) => item.replace("=", "= ")),
        () => editOne(v1Indexes, (item) => item + " "),
        () => editOne(v1Indexes, (item) => "\t" + item),
      ])(),
    v1_with_equals: () =>
      editOne(
        v1Indexes,
        (item) => `${item}=${rng.pick(["", "x", rng.hex(8)])}`,
      ),
    empty_v1: () => insert("v1="),
    // 64 UTF-16 units but 65 UTF-8 bytes, the length stripe-node's compare trips on.
    non_ascii_v1: () => insert(`v1=${rng.hex(63)}é`),
    bare_item: () => insert(rng.pick(["t", "v1", "v0", "", "x", " "])),
    empty_items: () =>
      rng.pick([
        () => items.unshift(""),
        () => items.push(""),
        () => insert(""),
      ])(),
    many_items: () => {
      for (let i = 0; i < 64; i++) insert(`v0=${rng.hex(8)}`);
    },
    long_header: () => insert(`x=${"a".repeat(8_200)}`),
  };
  const names = Object.keys(EDITS);

  const count = rng.weighted([
    [45, 0],
    [35, 1],
    [15, 2],
    [5, 3],
  ]);
  for (let i = 0; i < count; i++) {
    const name = rng.pick(names);
    edits.push(name);
    EDITS[name]();
  }

  // Sometimes no header at all.
  const absent = rng.weighted([
    [96, undefined],
    [2, null],
    [1, ""],
    [1, " "],
  ]);
  if (absent !== undefined) {
    edits.push(`header=${JSON.stringify(absent)}`);
    return { header: absent, edits };
  }
  return { header: items.join(separator), edits };
}

/** Lower-case hex HMAC-SHA256 of "{t}.{payload}", Stripe's v1 scheme. */
export function signatureHex(secret, timestamp, payload) {
  const mac = createHmac("sha256", secret);
  mac.update(`${timestamp}.`, "utf8");
  mac.update(payload);
  return mac.digest("hex");
}

// ---------------------------------------------------------------------------------
// The README's rules, for classifying cases

/** A secret stripe-edge refuses up front (README: `invalid_secret`). */
export function refusedSecret(secret) {
  return (
    secret === "" ||
    secret === "whsec_" ||
    /^\p{White_Space}|\p{White_Space}$/u.test(secret) ||
    /^["']|["']$/.test(secret) ||
    /^(sk|rk|pk)_/.test(secret)
  );
}

/** The header as stripe-edge reads it (README's rules), or why it is refused. */
export function readHeader(header) {
  if (header === null || header === undefined || header === "")
    return { error: "missing_header" };
  const items = header.split(",");
  if (
    Buffer.byteLength(header) > MAX_HEADER_BYTES ||
    items.length > MAX_HEADER_ITEMS
  ) {
    return { error: "malformed_header", why: "huge" };
  }
  const pairs = items
    .filter((item) => item.includes("="))
    .map((item) => [
      item.slice(0, item.indexOf("=")),
      item.slice(item.indexOf("=") + 1),
    ]);
  const times = pairs.filter(([key]) => key === "t").map(([, value]) => value);
  if (times.length > 1 || times.some((value) => !/^[0-9]{1,12}$/.test(value))) {
    return { error: "malformed_header", why: "strict_t" };
  }
  if (times.length === 0) return { error: "malformed_header", why: "no_t" };
  const v1 = pairs.filter(([key]) => key === "v1").map(([, value]) => value);
  if (v1.length === 0) return { error: "no_v1_signature" };
  return { timestamp: Number(times[0]), v1 };
}

/**
 * The header with what Stripe's libraries misread taken out, so they can be asked the
 * question stripe-edge answers: a bare `t` or `v1` item (no `=`) made harmless
 * (stripe-node reads a bare `t` as time NaN and throws on a bare `v1`; stripe-python
 * fails on both), as stripe-edge ignores items without `=`; `v1` values
 * they cannot compare (empty: stripe-node throws; non-ASCII: both throw) or would cut
 * at a second `=` replaced by a value that matches nothing, as stripe-edge treats them.
 */
export function normaliseForStripe(header) {
  if (typeof header !== "string" || header === "") return header;
  const items = header.split(",").map((item) => {
    // Replaced rather than dropped, so the header never becomes empty.
    if (item === "t" || item === "v1") return "x";
    if (!item.startsWith("v1=")) return item;
    const value = item.slice(3);
    const comparable =
      value !== "" && !value.includes("=") && /^[\x00-\x7f]*$/.test(value);
    return comparable ? item : `v1=${ZERO_SIGNATURE}`;
  });
  return items.join(",");
}

/** The kinds of header item that Stripe's libraries read differently from stripe-edge. */
export function misreadItems(header) {
  const items = typeof header === "string" ? header.split(",") : [];
  const kinds = [];
  if (items.includes("t")) kinds.push("bare t");
  if (items.includes("v1")) kinds.push("bare v1");
  const v1 = items
    .filter((item) => item.startsWith("v1="))
    .map((item) => item.slice(3));
  if (v1.includes("")) kinds.push("empty v1");
  if (v1.some((value) => value.includes("="))) kinds.push("v1 with =");
  if (v1.some((value) => /[^\x00-\x7f]/.test(value)))
    kinds.push("non-ASCII v1");
  return kinds;
}

export function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
