// Random deliveries for the tests that compare two ways of verifying: hostile
// headers, several secrets and bad ones, timestamps at the tolerance's edge, bodies as
// strings (lone surrogates included) and as bytes (invalid UTF-8 included). Seeded,
// so a failure can be replayed.
import { generateTestHeader } from "stripe-edge";
import { stripe } from "./fixtures.mjs";
import { seededRandom } from "../../scripts/seeded-random.mjs";

export const NOW = 1_700_000_000;

/** Seeded, so a failing case can be replayed; helpers to pick test cases. */
function randomSource(seed) {
  const next = seededRandom(seed);
  const int = (n) => Math.floor(next() * n);
  const pick = (items) => items[int(items.length)];
  return { next, int, pick };
}

const SECRETS = ["whsec_alpha", "whsec_beta", "whsec_gamma_ünïcode", "whsec_x,y"];
const BAD_SECRETS = ["", " whsec_alpha", "whsec_alpha\n", '"whsec_alpha"', "sk_test_x"];
const ODD_TEXT = [
  "\u0000",
  "\r\n",
  "\ud800",
  "\udfff",
  "🎉",
  "é",
  "\ufeff",
  "\\u0000",
  '"',
  "\u2028",
  "a".repeat(300),
];

function randomText(r, maxLength) {
  let text = "";
  const length = r.int(maxLength);
  while (text.length < length) {
    const roll = r.next();
    if (roll < 0.6) text += String.fromCharCode(0x20 + r.int(0x5f));
    else if (roll < 0.8) text += r.pick(ODD_TEXT);
    else text += String.fromCodePoint(r.int(0x10ffff + 1));
  }
  return text;
}

// The package hashes short bodies in its module and longer ones with the host's
// HMAC (in Node from 800 characters, in workerd from 3072), so bodies come in both.
const LONG = 3100;

function randomBody(r) {
  const body = randomShortBody(r);
  if (r.next() < 0.5) return body;
  // Trailing whitespace keeps JSON JSON.
  if (typeof body === "string") return body + " ".repeat(LONG);
  const long = new Uint8Array(body.length + LONG).fill(0x20);
  long.set(body);
  return long;
}

function randomShortBody(r) {
  const roll = r.next();
  if (roll < 0.5) {
    return JSON.stringify({
      id: `evt_${r.int(1e6)}`,
      object: r.pick(["event", "event", "v2.core.event", undefined]),
      type: "customer.created",
      data: { object: { name: randomText(r, 40) } },
    });
  }
  if (roll < 0.7) return randomText(r, r.pick([10, 200, 1000]));
  if (roll < 0.8) return r.pick(["[]", "null", "1", '"x"', "", "{", "\ufeff{}"]);
  // Raw bytes, often not UTF-8.
  const bytes = new Uint8Array(14 + r.int(300));
  for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(256);
  if (r.next() < 0.5) bytes.set(new TextEncoder().encode('{"id":"evt_b"}'));
  return bytes;
}

function randomHeader(r, payload, secrets) {
  const signer = r.next() < 0.8 ? r.pick(secrets) : r.pick(SECRETS);
  // Around now, and right at the edges of the tolerances used below.
  const offset = r.pick([0, 1, -1, 299, 300, 301, -300, -301, 59, 60, 61, 10 ** 6]);
  const timestamp = Math.max(0, NOW + offset);
  const genuine =
    signer === "" || typeof signer !== "string"
      ? `t=${timestamp},v1=${"0".repeat(64)}`
      : generateTestHeader({ payload, secret: signer, timestamp });
  const [t, v1] = genuine.split(",");
  const other = stripe.webhooks.generateTestHeaderString({
    payload: "x",
    secret: "whsec_other",
    timestamp,
  });
  const mutations = [
    () => genuine,
    () => genuine,
    () => `${v1},${t}`,
    () => `${t},${other.split(",")[1]},${v1}`,
    () => `${t},v0=${v1.slice(3)},${v1}`,
    () => `${t},${v1.toUpperCase()}`,
    () => `${t}, ${v1}`,
    () => `${t},${t},${v1}`,
    () => `t=0${timestamp},${v1}`,
    () => `t=${timestamp}abc,${v1}`,
    () => v1,
    () => t,
    () => `${t},v1=${v1.slice(3, -1)}`,
    () => `${t},${"v1=zz,".repeat(r.int(100))}${v1}`,
    () => randomText(r, 100),
    () => "t=99999999999999999999,v1=00",
    () => `${genuine},${"x=1,".repeat(70)}`,
    () => null,
    () => "",
  ];
  return r.pick(mutations)();
}

/** `count` deliveries, each `{ verify, payload, header, secret, options }`. */
export function randomDeliveries(seed, count) {
  const r = randomSource(seed);
  const deliveries = [];
  for (let i = 0; i < count; i++) {
    const secrets = Array.from({ length: r.pick([1, 1, 2, 3]) }, () =>
      r.next() < 0.08 ? r.pick(BAD_SECRETS) : r.pick(SECRETS),
    );
    const body = randomBody(r);
    const header = randomHeader(r, body, secrets);
    const payload =
      typeof body === "string" && r.next() < 0.3
        ? new TextEncoder().encode(body)
        : body;
    const options = {
      nowSecs: NOW,
      ...r.pick([{}, { toleranceSecs: 60 }, { toleranceSecs: Infinity }, {}]),
    };
    const secret =
      secrets.length === 1 && r.next() < 0.5 ? secrets[0] : secrets;
    for (const verify of ["verifyWebhook", "verifyThinEvent"]) {
      deliveries.push({ verify, payload, header, secret, options });
    }
  }
  return deliveries;
}

/** What a verify function decided: `{ event }` or `{ code }`. */
export function outcome(api, { verify, payload, header, secret, options }) {
  try {
    return { event: api[verify](payload, header, secret, options) };
  } catch (error) {
    return { code: error.code ?? `${error.name}: ${error.message}` };
  }
}
