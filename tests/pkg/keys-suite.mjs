// Keys, configuration and client secrets, asserted through whichever import style
// loaded the package. Key-shaped values are built at run time by `fake`, so no
// literal here looks like a real key to a secret scanner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import util from "node:util";

const here = dirname(fileURLToPath(import.meta.url));

const ALPHABET = "FAKE0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** `prefix` then `length` characters starting `FAKE`. */
export function fake(prefix, length = 40) {
  return prefix + ALPHABET.repeat(2).slice(0, length);
}

const live = (kind) => [kind, "live", ""].join("_");
const SK_TEST = fake("sk_test_");
const SK_LIVE = fake(live("sk"));
const RK_TEST = fake("rk_test_");
const PK_TEST = fake("pk_test_");
const PK_LIVE = fake("pk_live_");
const WHSEC_A = fake("whsec_A", 32);
const WHSEC_B = fake("whsec_B", 32);
const SECRETS = [SK_TEST, SK_LIVE, RK_TEST, WHSEC_A, WHSEC_B];

/** Everything but the last four characters: what no output may show. */
const hidden = (key) => key.slice(0, -4);

/** The codes each error type documents in the package's index.d.ts. */
function documentedCodes(typeName) {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve("stripe-edge"));
  const types = readFileSync(join(dist, "index.d.ts"), "utf8");
  const union = new RegExp(`type ${typeName} =([^;]+);`).exec(types)[1];
  return [...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]).sort();
}

function envExample() {
  const text = readFileSync(join(here, "..", "..", ".env.example"), "utf8");
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.includes("=") && !line.startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

export function keysSuite(api, style) {
  const {
    loadStripeConfig,
    parseApiKey,
    maskKey,
    redact,
    parseClientSecret,
    parseIntentId,
    assertClientSecretFor,
    browserIntent,
    readReturnUrl,
    ConfigError,
    ClientSecretError,
  } = api;
  const seenConfigCodes = new Set();
  const seenClientSecretCodes = new Set();

  /** The error `fn` throws, checked to be of `type` and to carry no secret. */
  function refusal(type, fn) {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof type, `not the expected error: ${error}`);
      assert.ok(error instanceof Error);
      // Compared by string: the CommonJS bundler may rename the class itself.
      const name = type === ConfigError ? "ConfigError" : "ClientSecretError";
      assert.equal(error.name, name);
      assert.equal(typeof error.code, "string");
      for (const secret of SECRETS) {
        assert.ok(!error.message.includes(hidden(secret)), error.message);
        assert.ok(!String(error.stack).includes(hidden(secret)));
      }
      assert.ok(!error.message.includes("FAKEsecret"), error.message);
      const seen = type === ConfigError ? seenConfigCodes : seenClientSecretCodes;
      seen.add(error.code);
      return error;
    }
    assert.fail("expected a refusal");
  }
  const configRefusal = (env, options) =>
    refusal(ConfigError, () => loadStripeConfig(env, options));
  const secretRefusal = (fn) => refusal(ClientSecretError, fn);

  test(`${style}: a configuration is read from any env object`, () => {
    const env = {
      STRIPE_SECRET_KEY: SK_TEST,
      STRIPE_PUBLISHABLE_KEY: PK_TEST,
      STRIPE_WEBHOOK_SECRET: `${WHSEC_A},${WHSEC_B}`,
      STRIPE_API_BASE: "http://127.0.0.1:8420/",
    };
    const config = loadStripeConfig(env);
    assert.equal(config.secretKey, SK_TEST);
    assert.equal(config.publishableKey, PK_TEST);
    assert.deepEqual([...config.webhookSecrets], [WHSEC_A, WHSEC_B]);
    assert.equal(config.apiBase, "http://127.0.0.1:8420");
    assert.equal(config.mode, "test");
    assert.deepEqual([...config.warnings], []);

    // A Worker's env: bindings that are not strings sit beside the variables.
    const worker = { ...env, DB: { prepare() {} }, QUEUE: 5 };
    assert.equal(loadStripeConfig(worker).secretKey, SK_TEST);
    // An env object that hides its names still gives the ones we read.
    const hiding = new Proxy(env, { ownKeys: () => [] });
    assert.equal(loadStripeConfig(hiding).secretKey, SK_TEST);
    // Defaults: only the secret key is required.
    const minimal = loadStripeConfig({ STRIPE_SECRET_KEY: SK_TEST });
    assert.equal(minimal.apiBase, "https://api.stripe.com");
    assert.equal(minimal.publishableKey, null);
    assert.deepEqual([...minimal.webhookSecrets], []);
  });

  test(`${style}: a webhook-only Worker requires only its secrets`, () => {
    const options = { required: ["webhookSecrets"] };
    const config = loadStripeConfig({ STRIPE_WEBHOOK_SECRET: WHSEC_A }, options);
    assert.equal(config.secretKey, null);
    assert.equal(config.mode, null);
    const error = configRefusal({}, options);
    assert.equal(error.code, "missing_value");
    assert.equal(error.variable, "STRIPE_WEBHOOK_SECRET");
  });

  test(`${style}: missing, empty, padded and quoted values name the variable`, () => {
    for (const env of [{}, { STRIPE_SECRET_KEY: "" }, { STRIPE_SECRET_KEY: undefined }]) {
      const error = configRefusal(env);
      assert.equal(error.code, "missing_value");
      assert.equal(error.variable, "STRIPE_SECRET_KEY");
      assert.match(error.message, /^STRIPE_SECRET_KEY is empty or not set/);
      assert.match(error.message, /dashboard\.stripe\.com/);
    }
    for (const value of [`${SK_TEST}\n`, ` ${SK_TEST}`, `"${SK_TEST}"`, `'${SK_TEST}'`]) {
      const error = configRefusal({ STRIPE_SECRET_KEY: value });
      assert.equal(error.code, "padded_value", JSON.stringify(value.slice(-2)));
      assert.equal(error.variable, "STRIPE_SECRET_KEY");
    }
  });

  test(`${style}: the placeholders of .env.example are refused with where to get keys`, () => {
    const env = envExample();
    let error = configRefusal(env);
    assert.equal(error.code, "placeholder_value");
    assert.equal(error.variable, "STRIPE_SECRET_KEY");
    assert.match(error.message, /dashboard\.stripe\.com\/test\/apikeys/);
    error = configRefusal({ ...env, STRIPE_SECRET_KEY: SK_TEST });
    assert.equal(error.variable, "STRIPE_PUBLISHABLE_KEY");
    error = configRefusal({ ...env, STRIPE_SECRET_KEY: SK_TEST, STRIPE_PUBLISHABLE_KEY: PK_TEST });
    assert.equal(error.variable, "STRIPE_WEBHOOK_SECRET");
    assert.match(error.message, /stripe listen/);
  });

  test(`${style}: the wrong kind in a slot is refused, masked`, () => {
    const cases = [
      ["STRIPE_SECRET_KEY", PK_TEST],
      ["STRIPE_SECRET_KEY", WHSEC_A],
      ["STRIPE_PUBLISHABLE_KEY", SK_TEST],
      ["STRIPE_WEBHOOK_SECRET", SK_TEST],
      ["STRIPE_WEBHOOK_SECRET", RK_TEST],
      ["STRIPE_WEBHOOK_SECRET", PK_TEST],
    ];
    for (const [variable, value] of cases) {
      const env = { STRIPE_SECRET_KEY: SK_TEST, [variable]: value };
      const error = configRefusal(env);
      assert.equal(error.code, "wrong_key_kind", variable);
      assert.equal(error.variable, variable);
      assert.ok(error.message.includes(maskKey(value)), error.message);
    }
  });

  test(`${style}: several webhook secrets, separated by commas only`, () => {
    for (const [value, code] of [
      [`${WHSEC_A}, ${WHSEC_B}`, "padded_value"],
      [`${WHSEC_A},,${WHSEC_B}`, "missing_value"],
      [`${WHSEC_A},`, "missing_value"],
    ]) {
      const error = configRefusal({ STRIPE_SECRET_KEY: SK_TEST, STRIPE_WEBHOOK_SECRET: value });
      assert.equal(error.code, code);
      assert.match(error.message, /\(entry 2\)/);
    }
  });

  test(`${style}: test and live keys mixed are refused`, () => {
    const error = configRefusal({
      STRIPE_SECRET_KEY: SK_TEST,
      STRIPE_PUBLISHABLE_KEY: PK_LIVE,
    });
    assert.equal(error.code, "mixed_modes");
    assert.ok(error.message.includes(maskKey(SK_TEST)));
    const conflicting = configRefusal({
      STRIPE_SECRET_KEY: SK_TEST,
      STRIPE_PUBLISHABLE_KEY: PK_TEST,
      NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: fake("pk_test_", 20),
    });
    assert.equal(conflicting.code, "conflicting_values");
  });

  test(`${style}: a live key outside production is a warning in the config, never a log`, () => {
    const calls = [];
    const saved = {};
    for (const method of ["log", "info", "warn", "error", "debug"]) {
      saved[method] = console[method];
      console[method] = (...args) => calls.push(args);
    }
    let config;
    try {
      config = loadStripeConfig({ STRIPE_SECRET_KEY: SK_LIVE, NODE_ENV: "development" });
    } finally {
      Object.assign(console, saved);
    }
    assert.deepEqual(calls, []);
    assert.equal(config.mode, "live");
    assert.equal(config.warnings.length, 1);
    assert.equal(config.warnings[0].code, "live_key_outside_production");
    assert.match(config.warnings[0].message, /NODE_ENV/);
    // A Worker's env has no NODE_ENV unless it is set in [vars].
    assert.equal(loadStripeConfig({ STRIPE_SECRET_KEY: SK_LIVE }).warnings.length, 1);
    const production = { STRIPE_SECRET_KEY: SK_LIVE, NODE_ENV: "production" };
    assert.equal(loadStripeConfig(production).warnings.length, 0);
  });

  test(`${style}: a server secret in a NEXT_PUBLIC_ or other public variable is refused`, () => {
    for (const [variable, value] of [
      ["NEXT_PUBLIC_STRIPE_SECRET_KEY", SK_TEST],
      ["NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", SK_LIVE],
      ["NEXT_PUBLIC_STRIPE_WEBHOOK_SECRET", WHSEC_A],
      ["VITE_STRIPE_KEY", RK_TEST],
      ["REACT_APP_STRIPE", `{"key":"${SK_TEST}"}`],
    ]) {
      const error = configRefusal({ STRIPE_SECRET_KEY: SK_TEST, [variable]: value });
      assert.equal(error.code, "secret_in_public_variable", variable);
      assert.equal(error.variable, variable);
    }
    const fine = loadStripeConfig({
      STRIPE_SECRET_KEY: SK_TEST,
      NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: PK_TEST,
    });
    assert.equal(fine.publishableKey, PK_TEST);
  });

  test(`${style}: no server secret may be configured in a browser`, () => {
    const hadWindow = "window" in globalThis;
    const hadDocument = "document" in globalThis;
    globalThis.window = globalThis;
    globalThis.document = {};
    try {
      const error = configRefusal({ STRIPE_SECRET_KEY: SK_TEST });
      assert.equal(error.code, "secret_in_browser");
      const options = { required: ["publishableKey"] };
      const config = loadStripeConfig({ STRIPE_PUBLISHABLE_KEY: PK_TEST }, options);
      assert.equal(config.publishableKey, PK_TEST);
    } finally {
      if (!hadWindow) delete globalThis.window;
      if (!hadDocument) delete globalThis.document;
    }
  });

  test(`${style}: STRIPE_API_BASE must be an origin, plain http only to this machine`, () => {
    for (const value of [
      "http://api.stripe.com",
      "https://api.stripe.com/v1",
      "nope",
      // Resolved through the system resolver, which may ask public DNS.
      "http://foo.localhost",
      "http://stripe.localhost:8420",
      "http://127.a.b.c",
    ]) {
      const error = configRefusal({ STRIPE_SECRET_KEY: SK_TEST, STRIPE_API_BASE: value });
      assert.equal(error.code, "invalid_api_base", value);
      assert.equal(error.variable, "STRIPE_API_BASE");
    }
    const shortened = configRefusal({ STRIPE_SECRET_KEY: SK_TEST, STRIPE_API_BASE: "http://127.1" });
    assert.match(shortened.message, /four decimal numbers/);
    assert.doesNotMatch(shortened.message, /other than this machine/);
    for (const [value, origin] of [
      ["HTTP://localhost:8420", "http://localhost:8420"],
      ["http://[0:0:0:0:0:0:0:1]:12111/", "http://[::1]:12111"],
      ["http://[::1]", "http://[::1]"],
      ["http://127.0.0.2", "http://127.0.0.2"],
    ]) {
      const config = loadStripeConfig({ STRIPE_SECRET_KEY: SK_TEST, STRIPE_API_BASE: value });
      assert.equal(config.apiBase, origin, value);
      // What the core gives is what the runtime's URL parser makes of it.
      assert.equal(new URL(value).origin, origin);
    }
  });

  test(`${style}: the API client sends the key over plain http only to this machine`, () => {
    const { StripeClient } = api;
    for (const apiBase of ["http://foo.localhost", "http://a.b.localhost:12111"]) {
      assert.throws(
        () => new StripeClient({ secretKey: SK_TEST, apiBase }),
        (error) => error.code === "invalid_api_base" && !error.message.includes(hidden(SK_TEST)),
        apiBase,
      );
    }
    for (const apiBase of ["http://localhost:12111", "HTTP://127.0.0.1", "http://[0:0:0:0:0:0:0:1]"]) {
      new StripeClient({ secretKey: SK_TEST, apiBase });
    }
  });

  test(`${style}: an API error that echoes an encoded key or client secret masks it`, async () => {
    const echoed =
      `No such value: ${SK_LIVE.replaceAll("_", "%5F")} ` +
      `(${"pi_3Ab_secret_FAKEsecret9".replaceAll("_", "%5f")})`;
    const answer = {
      error: { type: "invalid_request_error", message: echoed, param: echoed },
    };
    const client = new api.StripeClient({
      secretKey: SK_TEST,
      maxNetworkRetries: 0,
      fetch: async () =>
        new Response(JSON.stringify(answer), {
          status: 400,
          headers: { "content-type": "application/json" },
        }),
    });
    await assert.rejects(client.customers.retrieve("cus_TEST1"), (error) => {
      for (const text of [error.message, error.param, JSON.stringify(error.raw)]) {
        assert.ok(!text.includes(hidden(SK_LIVE).slice(-20)), text);
        assert.ok(!text.includes("FAKEsecret9"), text);
      }
      assert.match(error.message, /sk%5Flive%5F…/);
      return true;
    });
  });

  test(`${style}: a misspelt option is refused, naming it and the valid ones`, () => {
    const url =
      "https://shop.test/done?payment_intent=pi_1&payment_intent_client_secret=pi_1_secret_FAKEabc" +
      "&redirect_status=succeeded";
    // The misspelt expectedId must not let another intent's return through.
    assert.throws(
      () => readReturnUrl(url, { expectedID: "pi_2" }),
      (error) =>
        error instanceof TypeError &&
        error.message ===
          'readReturnUrl: unknown option "expectedID"; the options are expectedId',
    );
    assert.throws(() => readReturnUrl(url, { expectedId: "pi_2" }), { code: "id_mismatch" });
    assert.throws(
      () => parseClientSecret("pi_1_secret_FAKEabc", { knd: "setup_intent" }),
      (error) =>
        error instanceof TypeError &&
        /^parseClientSecret: unknown option "knd"; the options are kind$/.test(error.message),
    );
    assert.throws(
      () => loadStripeConfig({ STRIPE_SECRET_KEY: SK_TEST }, { requird: ["webhookSecrets"] }),
      (error) =>
        error instanceof TypeError &&
        /^loadStripeConfig: unknown option "requird"; the options are required$/.test(
          error.message,
        ),
    );
    const long = "x".repeat(100);
    assert.throws(
      () => parseClientSecret("pi_1_secret_FAKEabc", { [long]: 1 }),
      (error) => error.message.includes(`"${"x".repeat(40)}"`) && !error.message.includes(long),
    );
    for (const fn of [
      () => readReturnUrl(url, "pi_1"),
      () => parseClientSecret("pi_1_secret_FAKEabc", "payment_intent"),
      () => loadStripeConfig({ STRIPE_SECRET_KEY: SK_TEST }, 5),
    ]) {
      assert.throws(fn, (error) => error instanceof TypeError && /options must be an object/.test(error.message));
    }
    // No options at all, or null, is fine.
    assert.equal(readReturnUrl(url, null).id, "pi_1");
    assert.equal(readReturnUrl(url, undefined).id, "pi_1");
    assert.equal(parseClientSecret("pi_1_secret_FAKEabc", null).id, "pi_1");
    assert.equal(loadStripeConfig({ STRIPE_SECRET_KEY: SK_TEST }, null).secretKey, SK_TEST);
  });

  test(`${style}: the config never reveals a secret when printed or copied`, () => {
    const config = loadStripeConfig({
      STRIPE_SECRET_KEY: SK_LIVE,
      STRIPE_WEBHOOK_SECRET: `${WHSEC_A},${WHSEC_B}`,
      NODE_ENV: "production",
    });
    const outputs = [
      JSON.stringify(config),
      String(config),
      `${config}`,
      util.inspect(config),
      util.inspect(config, { depth: Infinity, showHidden: true }),
      util.inspect(config, { customInspect: false, showHidden: true }),
      util.format("%o %O %j %s", config, config, config, config),
      JSON.stringify({ ...config }),
      JSON.stringify(Object.entries(config)),
      JSON.stringify(structuredClone({ nested: config.toJSON() })),
    ];
    for (const output of outputs) {
      for (const secret of [SK_LIVE, WHSEC_A, WHSEC_B]) {
        assert.ok(!output.includes(hidden(secret)), output);
      }
    }
    assert.ok(JSON.stringify(config).includes(maskKey(SK_LIVE)));
    assert.match(util.inspect(config), /^StripeConfig \{/);
    assert.deepEqual(Object.keys(config).sort(), [
      "apiBase",
      "mode",
      "publishableKey",
      "warnings",
    ]);
    // Read-only: the checked values cannot be swapped afterwards.
    assert.throws(() => {
      config.apiBase = "http://evil.test";
    }, TypeError);
    assert.equal(config.apiBase, "https://api.stripe.com");
    assert.ok(Object.isFrozen(config.webhookSecrets));
  });

  test(`${style}: parseApiKey gives kind and mode, and refuses everything else`, () => {
    assert.deepEqual({ ...parseApiKey(SK_TEST) }, { kind: "secret", mode: "test" });
    assert.deepEqual({ ...parseApiKey(SK_LIVE) }, { kind: "secret", mode: "live" });
    assert.deepEqual({ ...parseApiKey(RK_TEST) }, { kind: "restricted", mode: "test" });
    assert.deepEqual({ ...parseApiKey(PK_LIVE) }, { kind: "publishable", mode: "live" });
    for (const [value, code] of [
      [WHSEC_A, "wrong_key_kind"],
      ["sk_test_your_key_here", "placeholder_value"],
      [`${SK_TEST}\n`, "padded_value"],
      ["", "missing_value"],
      [undefined, "missing_value"],
      ["pi_123", "invalid_value"],
      ["sk_test_a b", "invalid_value"],
    ]) {
      const error = refusal(ConfigError, () => parseApiKey(value));
      assert.equal(error.code, code, String(value).slice(0, 12));
      assert.equal(error.variable, undefined);
    }
    assert.throws(() => parseApiKey(42), TypeError);
  });

  test(`${style}: maskKey and redact hide everything but the prefix and last four`, () => {
    assert.equal(maskKey(SK_TEST), `sk_test_…${SK_TEST.slice(-4)}`);
    assert.equal(maskKey("sk_test_short"), "sk_test_…");
    assert.equal(maskKey("not a key"), "…");
    const log = [
      `Authorization: Bearer ${SK_LIVE}`,
      `restricted=${RK_TEST}&secret=${WHSEC_A}`,
      `url=%3D${SK_TEST}`,
      `{"client_secret":"pi_3Ab_secret_FAKEsecret1","seti":"seti_1_secret_FAKEsecret2"}`,
      `cs_test_a1_secret_FAKEsecret3 cuss_secret_FAKEsecret4`,
      `kept: ${PK_TEST} pi_3Ab cus_1 disk_test_results ✓`,
    ].join("\n");
    const out = redact(log);
    for (const secret of SECRETS) assert.ok(!out.includes(hidden(secret)), out);
    assert.ok(!out.includes("FAKEsecret"), out);
    assert.ok(out.includes(`Bearer ${maskKey(SK_LIVE)}`));
    assert.ok(out.includes("pi_3Ab_secret_…"));
    assert.ok(out.includes(`kept: ${PK_TEST} pi_3Ab cus_1 disk_test_results ✓`));
    assert.equal(redact(out), out);
    assert.throws(() => redact({ key: SK_TEST }), TypeError);
  });

  test(`${style}: redact catches percent-encoded underscores and a key cut by a space`, () => {
    const encode = (value) => value.replaceAll("_", "%5F");
    for (const key of [SK_LIVE, RK_TEST, WHSEC_A]) {
      for (const encoded of [
        encode(key),
        encode(key).replaceAll("%5F", "%5f"),
        key.replace("_", "%5f"),
      ]) {
        const out = redact(`callback?key=${encoded}&x=1`);
        assert.ok(!out.includes(hidden(key).slice(-20)), out);
        assert.ok(out.endsWith(`…${key.slice(-4)}&x=1`), out);
      }
    }
    const secret = "pi_3Ab_secret_FAKEsecret1";
    for (const encoded of [encode(secret), secret.replace("_secret_", "%5fsecret%5F")]) {
      const text = `?payment_intent_client_secret=${encoded}&redirect_status=succeeded`;
      assert.equal(redact(text), text.replace("FAKEsecret1", "…"));
    }
    const [head, tail] = [SK_TEST.slice(0, 20), SK_TEST.slice(20)];
    for (const space of [" ", "+", "%20"]) {
      const out = redact(`key=${head}${space}${tail} end`);
      assert.equal(out, "key=sk_test_… end", space);
    }
  });

  // Client secrets: the rows of case C12.

  test(`${style}: C12 payment and setup client secrets parse to kind and id`, () => {
    assert.deepEqual(
      { ...parseClientSecret("pi_TEST123_secret_FAKEabc") },
      { kind: "payment_intent", id: "pi_TEST123" },
    );
    assert.deepEqual(
      { ...parseClientSecret("seti_TEST123_secret_FAKEabc") },
      { kind: "setup_intent", id: "seti_TEST123" },
    );
    assert.deepEqual(
      { ...parseClientSecret("cs_test_a1B2_secret_FAKEabc") },
      { kind: "checkout_session", id: "cs_test_a1B2" },
    );
    assert.deepEqual(
      { ...parseClientSecret("cuss_secret_FAKEabc") },
      { kind: "customer_session", id: null },
    );
  });

  test(`${style}: C12 a setup secret in the PaymentIntent helper names the setup flow`, () => {
    const error = secretRefusal(() =>
      parseClientSecret("seti_TEST123_secret_FAKEabc", { kind: "payment_intent" }),
    );
    assert.equal(error.code, "wrong_kind");
    assert.match(error.message, /setup flow/);
    assert.ok(!error.message.includes("FAKEabc"));
  });

  test(`${style}: C12 an id, an empty part, or a key is not a client secret`, () => {
    assert.equal(secretRefusal(() => parseClientSecret("pi_TEST123")).code, "id_not_secret");
    assert.equal(secretRefusal(() => parseClientSecret("pi_TEST123_secret_")).code, "empty_part");
    assert.equal(secretRefusal(() => parseClientSecret("_secret_abc")).code, "empty_part");
    assert.equal(secretRefusal(() => parseClientSecret("sk_test_FAKE123")).code, "api_key");
    assert.equal(secretRefusal(() => parseClientSecret(WHSEC_A)).code, "api_key");
    assert.equal(secretRefusal(() => parseClientSecret(" pi_1_secret_a")).code, "padded");
    assert.equal(secretRefusal(() => parseClientSecret(undefined)).code, "missing");
    assert.equal(secretRefusal(() => parseClientSecret("ch_1_secret_a")).code, "malformed");
    assert.throws(() => parseClientSecret({ client_secret: "x" }), TypeError);
    assert.throws(() => parseClientSecret("pi_1_secret_a", { kind: "pi" }), TypeError);
  });

  test(`${style}: C12 a client secret is never taken as an id`, () => {
    const error = secretRefusal(() => parseIntentId("pi_TEST123_secret_FAKEabc"));
    assert.equal(error.code, "secret_not_id");
    assert.match(error.message, /parseClientSecret\(value\)\.id/);
    assert.deepEqual({ ...parseIntentId("pi_TEST123") }, { kind: "payment_intent", id: "pi_TEST123" });
  });

  test(`${style}: a client secret is checked against its intent`, () => {
    const secret = "pi_TEST123_secret_FAKEabc";
    assert.deepEqual(
      { ...assertClientSecretFor(secret, "pi_TEST123") },
      { kind: "payment_intent", id: "pi_TEST123" },
    );
    assert.equal(assertClientSecretFor(secret, { id: "pi_TEST123" }).id, "pi_TEST123");
    assert.equal(secretRefusal(() => assertClientSecretFor(secret, "pi_OTHER")).code, "id_mismatch");
    assert.equal(secretRefusal(() => assertClientSecretFor(secret, "seti_TEST123")).code, "wrong_kind");
    assert.throws(() => assertClientSecretFor(secret, {}), TypeError);
  });

  const paymentIntent = () => ({
    id: "pi_TEST123",
    object: "payment_intent",
    amount: 2000,
    currency: "eur",
    status: "requires_payment_method",
    client_secret: "pi_TEST123_secret_FAKEabc",
    customer: "cus_TEST1",
    metadata: { order_id: "ord_1" },
    latest_charge: null,
    livemode: false,
  });

  test(`${style}: the browser gets id, client secret, amount, currency and status only`, () => {
    const response = browserIntent(paymentIntent());
    assert.deepEqual(response, {
      id: "pi_TEST123",
      client_secret: "pi_TEST123_secret_FAKEabc",
      amount: 2000,
      currency: "eur",
      status: "requires_payment_method",
    });
    assert.equal(Object.getPrototypeOf(response), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(response)), response);
    const setup = browserIntent({
      id: "seti_TEST1",
      object: "setup_intent",
      client_secret: "seti_TEST1_secret_FAKEabc",
      status: "succeeded",
      usage: "off_session",
    });
    assert.deepEqual(Object.keys(setup), ["id", "client_secret", "status"]);
  });

  test(`${style}: C12 an API key never goes into a browser response`, () => {
    for (const intent of [
      { ...paymentIntent(), client_secret: "sk_test_FAKE123" },
      { ...paymentIntent(), status: SK_LIVE },
      { ...paymentIntent(), id: WHSEC_A },
      SK_TEST,
    ]) {
      assert.equal(secretRefusal(() => browserIntent(intent)).code, "api_key");
    }
    for (const [field, value, code] of [
      ["client_secret", "pi_OTHER_secret_FAKEabc", "id_mismatch"],
      ["client_secret", undefined, "missing"],
      ["amount", "2000", "invalid_intent"],
      ["amount", 12.5, "invalid_intent"],
      ["currency", "EUR", "invalid_intent"],
      ["object", "setup_intent", "invalid_intent"],
      ["id", "pi_TEST123_secret_FAKEabc", "secret_not_id"],
    ]) {
      const intent = { ...paymentIntent(), [field]: value };
      assert.equal(secretRefusal(() => browserIntent(intent)).code, code, field);
    }
    assert.throws(() => browserIntent(null), TypeError);
  });

  const returnQuery =
    "payment_intent=pi_TEST123&payment_intent_client_secret=pi_TEST123_secret_FAKEabc" +
    "&redirect_status=succeeded";

  test(`${style}: a return URL is read from every form a framework gives`, () => {
    const expected = { kind: "payment_intent", id: "pi_TEST123", redirectStatus: "succeeded" };
    const url = `https://shop.test/done?${returnQuery}`;
    const forms = [
      url,
      `/done?${returnQuery}#x`,
      returnQuery,
      new URL(url),
      new URLSearchParams(returnQuery),
      new Request(url),
      Object.fromEntries(new URLSearchParams(returnQuery)),
    ];
    for (const form of forms) {
      assert.deepEqual({ ...readReturnUrl(form) }, expected);
    }
    assert.deepEqual({ ...readReturnUrl(url, { expectedId: "pi_TEST123" }) }, expected);
    const result = JSON.stringify(readReturnUrl(url));
    assert.ok(!result.includes("FAKEabc"), result);
  });

  test(`${style}: a return URL with missing, repeated or foreign params is refused`, () => {
    const cases = [
      ["redirect_status=succeeded", "invalid_return_url"],
      ["payment_intent=pi_TEST123&redirect_status=succeeded", "invalid_return_url"],
      [
        { ...Object.fromEntries(new URLSearchParams(returnQuery)), payment_intent: ["pi_1", "pi_2"] },
        "invalid_return_url",
      ],
      [returnQuery.replace("payment_intent=pi_TEST123", "payment_intent=pi_OTHER"), "id_mismatch"],
      [returnQuery.replace("client_secret=pi_", "client_secret=seti_"), "wrong_kind"],
    ];
    for (const [input, code] of cases) {
      assert.equal(secretRefusal(() => readReturnUrl(input)).code, code, JSON.stringify(input));
    }
    const error = secretRefusal(() => readReturnUrl(returnQuery, { expectedId: "pi_MINE" }));
    assert.equal(error.code, "id_mismatch");
    assert.throws(() => readReturnUrl(42), TypeError);
  });

  test(`${style}: a bad id to check against is named, not taken for the client secret`, () => {
    for (const [expectedId, code, start] of [
      ["", "missing", /^expectedId is empty;/],
      ["PI_TEST123", "malformed", /^expectedId is not the id of a PaymentIntent/],
      ["pi_TEST123_secret_FAKEabc", "secret_not_id", /^expectedId is the client secret/],
    ]) {
      const error = secretRefusal(() => readReturnUrl(returnQuery, { expectedId }));
      assert.equal(error.code, code, expectedId);
      assert.match(error.message, start);
      assert.doesNotMatch(error.message, /client secret is empty|not a client secret/);
    }
    const secret = "pi_TEST123_secret_FAKEabc";
    for (const intent of ["PI_TEST123", { id: "PI_TEST123" }]) {
      const error = secretRefusal(() => assertClientSecretFor(secret, intent));
      assert.equal(error.code, "malformed");
      assert.match(error.message, /^the intent's id is not the id of a PaymentIntent/);
    }
    const error = secretRefusal(() => parseIntentId("PI_TEST123"));
    assert.match(error.message, /^value is not the id of a PaymentIntent/);
  });

  test(`${style}: every documented error code is produced by some input`, () => {
    assert.deepEqual([...seenConfigCodes].sort(), documentedCodes("ConfigErrorCode"));
    assert.deepEqual(
      [...seenClientSecretCodes].sort(),
      documentedCodes("ClientSecretErrorCode"),
    );
  });
}
