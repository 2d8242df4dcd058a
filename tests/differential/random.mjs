// Seeded randomness for the differential tests. Every case gets its own generator,
// derived from the run's seed and the case's index, so one failing case can be
// rebuilt alone: DIFF_SEED=<seed> DIFF_CASE=<index>.
import { webcrypto } from "node:crypto";

/** The run's seed: DIFF_SEED when set, otherwise a fresh one (printed by the tests). */
export function runSeed() {
  const text = process.env.DIFF_SEED;
  if (text !== undefined && text !== "") {
    const seed = Number(text);
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new Error(`DIFF_SEED must be a whole number, got ${text}`);
    }
    return seed >>> 0;
  }
  return webcrypto.getRandomValues(new Uint32Array(1))[0];
}

/** Which case indexes to run: DIFF_CASE=<index> runs one, otherwise 0..count-1. */
export function caseIndexes(count) {
  const only = process.env.DIFF_CASE;
  if (only !== undefined && only !== "") return [Number(only)];
  return Array.from({ length: count }, (_, index) => index);
}

// splitmix32: spreads (seed, index) over the whole state, so neighbouring indexes
// give unrelated streams.
function splitmix32(state) {
  let z = (state + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** A small, fast generator (sfc32) with the helpers the case builders need. */
export class Random {
  constructor(seed, index) {
    let s = splitmix32(seed ^ Math.imul(index + 1, 0x27d4eb2f));
    this.a = s;
    s = splitmix32(s);
    this.b = s;
    s = splitmix32(s);
    this.c = s;
    s = splitmix32(s);
    this.d = s;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32() {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  float() {
    return this.u32() / 0x1_0000_0000;
  }

  /** A whole number in [low, high], both included. */
  int(low, high) {
    return low + Math.floor(this.float() * (high - low + 1));
  }

  chance(probability) {
    return this.float() < probability;
  }

  pick(items) {
    return items[Math.floor(this.float() * items.length)];
  }

  /** One of `choices`, given as [weight, value] pairs; a function value is called. */
  weighted(choices) {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.float() * total;
    for (const [weight, value] of choices) {
      roll -= weight;
      if (roll < 0) return typeof value === "function" ? value() : value;
    }
    const last = choices[choices.length - 1][1];
    return typeof last === "function" ? last() : last;
  }

  shuffle(items) {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  fromAlphabet(alphabet, length) {
    let out = "";
    for (let i = 0; i < length; i++)
      out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  hex(length) {
    return this.fromAlphabet("0123456789abcdef", length);
  }

  alnum(length) {
    return this.fromAlphabet(
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      length,
    );
  }
}

// Where random text draws its characters from: mostly ASCII, as real events are,
// then the kinds of text that break naive encoders.
const EMOJI = ["🎉", "☕", "👩‍💻", "🇫🇷", "👍🏽", "🧾", "💳", "❤️", "😀"];
const SPECIAL = [
  "\u2028",
  "\u2029",
  "\ufeff",
  "\ufffd",
  "\u200d",
  "e\u0301",
  "\u0000",
];

/**
 * Random text of about `length` UTF-16 units. `lone` allows unpaired surrogates,
 * `controls` allows C0 controls (CR and LF included).
 */
export function randomText(
  rng,
  length,
  { lone = false, controls = true } = {},
) {
  const parts = [];
  let size = 0;
  while (size < length) {
    const part = rng.weighted([
      [55, () => String.fromCharCode(rng.int(0x20, 0x7e))],
      [8, () => String.fromCharCode(rng.int(0xa0, 0xff))],
      [6, () => String.fromCharCode(rng.int(0x370, 0x4ff))],
      [6, () => String.fromCharCode(rng.int(0x4e00, 0x9fff))],
      [6, () => rng.pick(EMOJI)],
      [3, () => String.fromCodePoint(rng.int(0x1f300, 0x1faff))],
      [
        controls ? 4 : 0,
        () => rng.pick(["\r\n", "\n", "\r", "\t", "\b", "\u001f"]),
      ],
      [2, () => rng.pick(SPECIAL)],
      [3, () => rng.pick(['"', "\\", "/", "\\u00e9", '\\"'])],
      [lone ? 2 : 0, () => String.fromCharCode(rng.int(0xd800, 0xdfff))],
    ]);
    parts.push(part);
    size += part.length;
  }
  return parts.join("");
}
