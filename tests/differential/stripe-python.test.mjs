// Differential test in the other direction: headers written by our generateTestHeader
// (then edited as in the stripe-node test) are checked by stripe-python's
// WebhookSignature.verify_header and by verifyWebhook; stripe-python's own
// generate_signature_header output must equal ours and be decided alike. Decisions are
// compared on the signature alone, as verify_header does not parse the body.
//
// Needs .venv with PyPI `stripe` (scripts/setup.sh). DIFF_PY_CASES, DIFF_SEED and
// DIFF_CASE work as in the stripe-node test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateTestHeader, verifyWebhook, WebhookError } from "stripe-edge";
import { caseIndexes, Random, runSeed } from "./random.mjs";
import {
  DEFAULT_TOLERANCE_SECS,
  makeBody,
  makeSecrets,
  makeTimestamp,
  makeTolerance,
  misreadItems,
  mutateHeader,
  normaliseForStripe,
  readHeader,
  refusedSecret,
  signatureHex,
  tamper,
} from "./cases.mjs";

const CASE_COUNT = Number(process.env.DIFF_PY_CASES ?? 4_000);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const python = join(root, ".venv", "bin", "python");
const script = join(root, "tests", "python", "verify_cases.py");

// After the signature, stripe-edge goes on to parse the body; verify_header stops.
const SIGNATURE_ACCEPTED = new Set([
  "accepted",
  "invalid_json",
  "wrong_event_kind",
]);

const CLASSES = {
  same: "compared: same signature verdict as stripe-python",
  tolerance_not_positive: "README: toleranceSecs below 1 throws RangeError",
  secret_refused:
    "README: empty, padded, quoted or API-key secret is invalid_secret",
  huge_header: "README: a header over 8 KB or 64 items is malformed_header",
  strict_timestamp:
    "README: two t, or a t not plain digits, is malformed_header",
  future_timestamp: "README: genuine but too far in the future is refused",
};

test("stripe-python decides our headers, and we decide its, as each other", (t) => {
  assert.ok(
    existsSync(python),
    `no ${python}: run scripts/setup.sh, which installs stripe-python into .venv`,
  );
  const seed = runSeed();
  const indexes = caseIndexes(CASE_COUNT);
  console.log(
    `stripe-python differential: DIFF_SEED=${seed}, ${indexes.length} cases`,
  );
  const cases = indexes.map((index) => buildCase(seed, index));

  const folder = mkdtempSync(join(tmpdir(), "stripe-edge-python-"));
  let verdicts;
  let version;
  try {
    const casesPath = join(folder, "cases.json");
    const verdictsPath = join(folder, "verdicts.json");
    writeFileSync(casesPath, JSON.stringify(cases.map(forPython)));
    try {
      execFileSync(python, [script, casesPath, verdictsPath], {
        stdio: "inherit",
      });
    } catch (error) {
      throw new Error(
        `${script} failed; is PyPI stripe in .venv? (scripts/setup.sh)`,
        { cause: error },
      );
    }
    ({ stripe_version: version, verdicts } = JSON.parse(
      readFileSync(verdictsPath, "utf8"),
    ));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  assert.equal(verdicts.length, cases.length);

  const counts = new Map(
    Object.keys(CLASSES).map((name) => [name, { cases: 0, differ: 0 }]),
  );
  const misread = new Map();
  const failures = [];
  let ownHeaders = 0;
  for (const [i, c] of cases.entries()) {
    const verdict = verdicts[i];
    const report = (problem) =>
      failures.push(describe(seed, c, problem, verdict));

    // stripe-python's signer writes our header byte for byte, ...
    if (verdict.own_header !== c.ourHeader) {
      report(`stripe-python signed ${verdict.own_header}, we ${c.ourHeader}`);
      continue;
    }
    // ... and its verdict on that header is ours.
    const own = decide(c, verdict.own_header, verdict.own);
    if (own.problem) report(`on stripe-python's own header: ${own.problem}`);
    ownHeaders++;

    const sent = decide(c, c.header, verdict.normalised);
    if (sent.problem) report(sent.problem);
    const entry = counts.get(sent.cls);
    entry.cases++;
    const verified = signatureVerdict(sent.ours) === "verified";
    if (verified !== (verdict.as_sent === "verified")) entry.differ++;
    const kinds = misreadItems(c.header);
    if (
      sent.cls === "same" &&
      kinds.length > 0 &&
      signatureVerdict(sent.ours) !== verdict.as_sent
    ) {
      const key = `${kinds.join("+")}: ours ${sent.ours}, stripe-python ${verdict.as_sent}`;
      misread.set(key, (misread.get(key) ?? 0) + 1);
    }
  }

  t.diagnostic(
    `stripe-python ${version}; ${ownHeaders} of its own headers equal ours`,
  );
  t.diagnostic(
    "class                    cases  decided otherwise by stripe-python on the header as sent",
  );
  for (const [name, { cases: n, differ }] of counts) {
    t.diagnostic(
      `${name.padEnd(24)} ${String(n).padStart(5)}  ${String(differ).padStart(5)}   ${CLASSES[name]}`,
    );
  }
  t.diagnostic(
    "class same, items stripe-python misreads (compared without them): its verdict as sent",
  );
  for (const [key, n] of [...misread].sort((a, b) => b[1] - a[1])) {
    t.diagnostic(`  ${String(n).padStart(5)}  ${key}`);
  }
  t.diagnostic(`seed ${seed}; replay with DIFF_SEED=${seed}`);
  assert.equal(
    failures.length,
    0,
    `${failures.length} of ${cases.length} cases disagree:\n${failures.slice(0, 15).join("\n")}`,
  );
});

function buildCase(seed, index) {
  const rng = new Random(seed, index);
  const now = rng.int(1_600_000_000, 2_000_000_000);
  const tolerance = makeTolerance(rng);
  // Python receives bytes, so bodies are well-formed text; secrets too, as
  // stripe-python encodes them to UTF-8 strictly.
  const { kind, body: signedBody } = makeBody(rng, { lone: false });
  const secrets = makeSecrets(rng, { lone: false });
  const list = Array.isArray(secrets) ? secrets : [secrets];
  const signer = rng.weighted([
    [80, () => rng.pick(list) || `whsec_${rng.alnum(32)}`],
    [20, () => `whsec_${rng.alnum(32)}`],
  ]);
  const timestamp = makeTimestamp(rng, now, tolerance);
  const ourHeader = generateTestHeader({
    payload: signedBody,
    secret: signer,
    timestamp,
  });
  let { header, edits } = mutateHeader(rng, {
    timestamp,
    signature: ourHeader.slice(ourHeader.indexOf(",v1=") + 4),
    signFor: (secret, at) => signatureHex(secret, at, signedBody),
  });
  if (typeof header === "string") header = header.toWellFormed();
  const tampered = rng.chance(0.08);
  const body = tampered ? tamper(rng, signedBody) : signedBody;
  if (tampered) edits.push("tampered_body");
  return {
    index,
    now,
    tolerance,
    kind,
    signedBody,
    body,
    secrets: list,
    signer,
    timestamp,
    ourHeader,
    header,
    edits,
  };
}

function forPython(c) {
  return {
    payload: Buffer.from(c.body).toString("base64"),
    signed_payload: Buffer.from(c.signedBody).toString("base64"),
    header: c.header ?? null,
    normalised: normaliseForStripe(c.header) ?? null,
    secrets: c.secrets,
    signer: c.signer,
    timestamp: c.timestamp,
    now: c.now,
    // verify_header's own default is no time check at all; ours is 300 s.
    tolerance:
      c.tolerance === undefined
        ? DEFAULT_TOLERANCE_SECS
        : c.tolerance === Infinity
          ? null
          : c.tolerance,
  };
}

/**
 * Our verdict on `header` for case `c`, its class, and whether it is right: equal to
 * stripe-python's in class `same`, the README's outcome otherwise.
 */
function decide(c, header, theirs) {
  const options = { nowSecs: c.now };
  if (c.tolerance !== undefined) options.toleranceSecs = c.tolerance;
  let ours;
  try {
    verifyWebhook(Buffer.from(c.body), header, c.secrets, options);
    ours = "accepted";
  } catch (error) {
    if (error instanceof WebhookError) ours = error.code;
    else if (error instanceof RangeError) ours = "RangeError";
    else throw error;
  }

  const cls = classify(c, header);
  if (cls.name === "same") {
    const problem =
      signatureVerdict(ours) === theirs
        ? null
        : `ours ${ours}, stripe-python ${theirs}`;
    return { cls: cls.name, ours, problem };
  }
  const problem =
    ours === cls.ours
      ? null
      : `class ${cls.name} needs ${cls.ours}, ours ${ours}`;
  return { cls: cls.name, ours, problem };
}

function classify(c, header) {
  if (c.tolerance !== undefined && !(c.tolerance >= 1)) {
    return { name: "tolerance_not_positive", ours: "RangeError" };
  }
  if (c.secrets.some(refusedSecret))
    return { name: "secret_refused", ours: "invalid_secret" };
  const read = readHeader(header);
  if (read.why === "huge")
    return { name: "huge_header", ours: "malformed_header" };
  if (read.why === "strict_t")
    return { name: "strict_timestamp", ours: "malformed_header" };
  if (read.error) return { name: "same" };
  const genuine = c.secrets.some((secret) =>
    read.v1.includes(signatureHex(secret, read.timestamp, c.body)),
  );
  const limit =
    c.tolerance === undefined
      ? DEFAULT_TOLERANCE_SECS
      : Math.floor(c.tolerance);
  if (genuine && read.timestamp - c.now > limit) {
    return { name: "future_timestamp", ours: "timestamp_outside_tolerance" };
  }
  return { name: "same" };
}

function signatureVerdict(ours) {
  return SIGNATURE_ACCEPTED.has(ours) ? "verified" : ours;
}

function describe(seed, c, problem, verdict) {
  const header =
    typeof c.header === "string"
      ? JSON.stringify(c.header.slice(0, 160))
      : c.header;
  return (
    `- DIFF_SEED=${seed} DIFF_CASE=${c.index}: ${problem}\n` +
    `  body ${c.kind}, ${Buffer.byteLength(c.body)} bytes; edits [${c.edits.join(", ")}]; ` +
    `tolerance ${c.tolerance}; t-now ${c.timestamp - c.now}; header ${header}; ` +
    `stripe-python as sent ${verdict.as_sent}`
  );
}
