// scripts/secret-scan.sh on small repositories made here: it passes clean trees,
// finds keys in untracked files and in history, and never prints a key whole.
// Key-shaped values are built at run time, so this file holds none.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const script = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "scripts",
  "secret-scan.sh",
);
// Random rather than FAKE…: gitleaks rightly ignores values that say they are fake.
const body = randomBytes(30).toString("base64url").replace(/[-_]/g, "q");
const tail = body.slice(-4);
const liveKey = ["sk", "live", body].join("_");
const testKey = ["sk", "test", body].join("_");
const webhookSecret = ["whsec", body].join("_");
const clientSecret = ["pi", "3Test0123456789ab", "secret", body].join("_");

const hasGitleaks =
  spawnSync("gitleaks", ["version"], { stdio: "ignore" }).status === 0;

function repo(files) {
  const dir = mkdtempSync(join(tmpdir(), "secret-scan-"));
  const git = (...args) =>
    execFileSync(
      "git",
      ["-c", "user.name=t", "-c", "user.email=t@t.test", ...args],
      {
        cwd: dir,
        stdio: "ignore",
      },
    );
  git("init", "-q");
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
  }
  return { dir, git };
}

function scan(dir, env = {}) {
  const result = spawnSync("bash", [script, dir], {
    encoding: "utf8",
    env: { ...process.env, SECRET_SCAN_SKIP_GITLEAKS: "1", ...env },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

test("a tree with only short, hand-made test values passes", () => {
  const { dir } = repo({
    "a.mjs": 'const key = "sk_test_FAKE123";\nconst s = "whsec_test_secret";\n',
    ".env.example": "STRIPE_SECRET_KEY=sk_test_your_key_here\n",
  });
  try {
    const { status, output } = scan(dir);
    assert.equal(status, 0, output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("keys and secrets in untracked files are found and shown masked", () => {
  const { dir } = repo({
    "config.js": `export default {\n  key: "${liveKey}",\n};\n`,
    "notes.md": `test ${testKey}\nhook ${webhookSecret}\nclient ${clientSecret}\n`,
    ".gitignore": "ignored.txt\n",
    "ignored.txt": liveKey,
  });
  try {
    const { status, output } = scan(dir);
    assert.equal(status, 1, output);
    assert.ok(output.includes(`config.js:2: sk_live_…${tail}`), output);
    assert.ok(output.includes(`notes.md:1: sk_test_…${tail}`), output);
    assert.ok(output.includes(`notes.md:2: whsec_…${tail}`), output);
    assert.ok(
      output.includes("notes.md:3: pi_3Test0123456789ab_secret_…"),
      output,
    );
    assert.doesNotMatch(output, /ignored\.txt/);
    assert.ok(!output.includes(body.slice(0, -4)), output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a line marked `secret-scan: allow` is skipped", () => {
  const { dir } = repo({
    "fixture.txt": `${liveKey} # secret-scan: allow\n`,
  });
  try {
    assert.equal(scan(dir).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "gitleaks finds a key that was committed and later removed",
  {
    skip: hasGitleaks ? false : "gitleaks is not installed (scripts/setup.sh)",
  },
  () => {
    const { dir, git } = repo({ "config.js": `const key = "${liveKey}";\n` });
    try {
      git("add", ".");
      git("commit", "-q", "-m", "add config");
      writeFileSync(join(dir, "config.js"), "const key = process.env.KEY;\n");
      git("commit", "-q", "-am", "read it from the environment");

      const clean = scan(dir);
      assert.equal(clean.status, 0, clean.output);
      const { status, output } = scan(dir, { SECRET_SCAN_SKIP_GITLEAKS: "" });
      assert.equal(status, 1, output);
      assert.match(output, /stripe-access-token/);
      assert.ok(!output.includes(body), output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
