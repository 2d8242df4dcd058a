// Builds, starts and stops the stripe-edge Worker on this machine, for the
// tests and the Makefile. Nothing here reaches the network: worker-build gets
// its tools from PATH and node_modules, and wrangler runs with metrics and cf
// fetching off.
//
//   node scripts/worker.mjs build [--force]
//
// builds worker/build/ unless it is already newer than every Rust source.
// wrangler's [build].command is this same command, so `wrangler dev` starts
// without rebuilding.

import { execFile, spawn, spawnSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  readdirSync,
  rmSync,
  statSync,
} from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

import { signalGroup, tieGroupToThisProcess } from "./service.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORKER_DIR = join(ROOT, "worker");
const CONFIG = join(WORKER_DIR, "wrangler.toml");
const BUILD_OUTPUTS = ["build/index.js", "build/index_bg.wasm"].map((p) =>
  join(WORKER_DIR, p),
);
const BUILD_INPUTS = [
  "Cargo.toml",
  "Cargo.lock",
  "src",
  "worker/Cargo.toml",
  "worker/src",
].map((p) => join(ROOT, p));

// The real wrangler process. bin/wrangler.js is only a launcher that re-spawns
// this file and forwards no signals, so a SIGINT sent to it orphans wrangler.
const WRANGLER_CLI = join(ROOT, "node_modules/wrangler/wrangler-dist/cli.js");
const WRANGLER_NODE_ARGS = ["--no-warnings", "--experimental-vm-modules"];

const WRANGLER_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_TAIL_CHARS = 8_000;

/**
 * Builds worker/build/ with worker-build, unless it is newer than every input.
 * Tools come from the environment when set, else from PATH and node_modules, so
 * worker-build never downloads one.
 *
 * @param {{ force?: boolean }} [options]
 * @returns {boolean} whether a build ran
 */
export function buildWorker({ force = false } = {}) {
  if (!force && isBuildFresh()) {
    return false;
  }
  const bin = (name) => join(ROOT, "node_modules/.bin", name);
  const env = {
    ...process.env,
    WASM_BINDGEN_BIN: process.env.WASM_BINDGEN_BIN ?? "wasm-bindgen",
    ESBUILD_BIN: process.env.ESBUILD_BIN ?? bin("esbuild"),
    WASM_OPT_BIN: process.env.WASM_OPT_BIN ?? bin("wasm-opt"),
  };
  const workerBuild = process.env.WORKER_BUILD_BIN ?? "worker-build";
  const result = spawnSync(workerBuild, ["--release"], {
    cwd: WORKER_DIR,
    env,
    stdio: "inherit",
  });
  if (result.error) {
    throw new Error(`could not run ${workerBuild}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(
      `${workerBuild} --release failed with status ${result.status}`,
    );
  }
  return true;
}

/**
 * Applies the D1 migrations to a local database, then starts `wrangler dev` on
 * 127.0.0.1 and waits until GET /health answers.
 *
 * The secret reaches wrangler through an env file in a private temporary
 * folder, removed on stop: `--var` would put it in the process list and in
 * wrangler's bindings banner, while an env file is loaded as a secret and
 * shown only as "(hidden)".
 *
 * @param {object} options
 * @param {number} options.port
 * @param {string} [options.webhookSecret] one whsec_ value, or several
 *   comma-separated; omit to run the Worker unconfigured
 * @param {string} [options.stripeSecretKey] STRIPE_SECRET_KEY (a secret, in
 *   the env file); omit and the routes that call Stripe answer not_configured
 * @param {string} [options.adminToken] ADMIN_TOKEN (a secret, in the env file)
 * @param {string} [options.stripeApiBase] STRIPE_API_BASE, e.g. localstripe's
 *   URL (a plain var)
 * @param {string} [options.frontendOrigins] FRONTEND_ORIGINS, comma-separated
 *   (a plain var)
 * @param {string} [options.config] another Worker's wrangler.toml (the
 *   benchmark's JavaScript Worker); default the Rust Worker's
 * @param {string} options.persistDir where the local D1 database lives
 * @param {string} [options.logFile] receives wrangler's output, Worker logs
 *   included
 * @returns {Promise<{ url: string, stop: () => Promise<void>,
 *   queryD1: (sql: string) => Promise<object[]> }>}
 */
export async function startWorker({
  port,
  webhookSecret,
  stripeSecretKey,
  adminToken,
  stripeApiBase,
  frontendOrigins,
  config = CONFIG,
  persistDir,
  logFile,
}) {
  config = resolve(config);
  const workerDir = dirname(config);
  if (config === CONFIG && !existsSync(BUILD_OUTPUTS[0])) {
    throw new Error(
      "worker/build/ is missing; run `node scripts/worker.mjs build`",
    );
  }
  persistDir = resolve(persistDir);
  await mkdir(persistDir, { recursive: true });
  const d1Args = [
    "DB",
    "--local",
    "--persist-to",
    persistDir,
    "--config",
    config,
  ];

  await runWrangler(["d1", "migrations", "apply", ...d1Args], workerDir);

  const secretsDir = await mkdtemp(join(tmpdir(), "stripe-edge-worker-"));
  const envFile = join(secretsDir, "worker.env");
  await writeFile(
    envFile,
    envFileText({
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_SECRET_KEY: stripeSecretKey,
      ADMIN_TOKEN: adminToken,
    }),
    { mode: 0o600 },
  );
  // Not secrets: plain vars, which override wrangler.toml's [vars].
  const vars = Object.entries({
    STRIPE_API_BASE: stripeApiBase,
    FRONTEND_ORIGINS: frontendOrigins,
  })
    .filter(([, value]) => value !== undefined)
    .flatMap(([name, value]) => ["--var", `${name}:${value}`]);

  const log = logFile ? createWriteStream(logFile, { flags: "a" }) : undefined;
  let outputTail = "";
  const child = spawn(
    process.execPath,
    [
      ...WRANGLER_NODE_ARGS,
      WRANGLER_CLI,
      "dev",
      "--config",
      config,
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      persistDir,
      "--env-file",
      envFile,
      ...vars,
      // Serves /cdn-cgi/handler/scheduled, so tests can fire the Cron Trigger.
      "--test-scheduled",
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: workerDir,
      env: WRANGLER_ENV,
      // Its own process group, so that workerd can be taken down with it.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk) => {
      outputTail = (outputTail + chunk).slice(-OUTPUT_TAIL_CHARS);
      log?.write(chunk);
    });
  }
  const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
  // Ctrl-C in a terminal no longer reaches wrangler's own process group, so if
  // this process ends without stop(), the group and the secrets go with it.
  const release = tieGroupToThisProcess(child.pid, () =>
    rmSync(secretsDir, { recursive: true, force: true }),
  );

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGINT");
      }
      const exitedInTime = await settlesWithin(exited, STOP_TIMEOUT_MS);
      // wrangler stops workerd on SIGINT; anything left of the group after
      // that is killed, so no test run leaves a runtime behind.
      if (!exitedInTime || !(await groupGone(child.pid, 5_000))) {
        signalGroup(child.pid, "SIGKILL");
        await exited;
      }
      release();
      await rm(secretsDir, { recursive: true, force: true });
      await new Promise((done) => (log ? log.end(done) : done()));
    })();
    return stopped;
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, exited, () => outputTail);
  } catch (error) {
    await stop();
    throw error;
  }

  const queryD1 = async (sql) => {
    const stdout = await runWrangler(
      ["d1", "execute", ...d1Args, "--json", "--command", sql],
      workerDir,
    );
    const [first] = JSON.parse(stdout);
    return first?.results ?? [];
  };

  return { url, stop, queryD1 };
}

/**
 * The secrets as env file lines; unset ones are left out. Still a file when
 * all are unset: without one wrangler loads worker/.dev.vars.
 */
function envFileText(secrets) {
  let text = "";
  for (const [name, value] of Object.entries(secrets)) {
    if (value === undefined) {
      continue;
    }
    // Nothing that an env file would quote, comment out or split.
    if (!/^[^\s"'#\\]+$/.test(value)) {
      throw new Error(`${name} must be one line without spaces or quotes`);
    }
    text += `${name}=${value}\n`;
  }
  return text;
}

async function waitForHealth(url, exited, outputTail) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitCode;
  exited.then((code) => (exitCode = code ?? "signal"));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `wrangler dev exited (${exitCode}) before it was ready:\n${outputTail()}`,
      );
    }
    try {
      const response = await fetch(`${url}/health`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await delay(250);
  }
  throw new Error(
    `wrangler dev was not ready within ${READY_TIMEOUT_MS} ms:\n${outputTail()}`,
  );
}

/** Runs a short wrangler command and returns its stdout, or throws. */
async function runWrangler(args, cwd = WORKER_DIR) {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...WRANGLER_NODE_ARGS, WRANGLER_CLI, ...args],
      { cwd, env: WRANGLER_ENV, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } catch (error) {
    throw new Error(
      `wrangler ${args.slice(0, 2).join(" ")} failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`,
    );
  }
}

function isBuildFresh() {
  if (!BUILD_OUTPUTS.every((p) => existsSync(p))) {
    return false;
  }
  const builtAt = Math.min(...BUILD_OUTPUTS.map((p) => statSync(p).mtimeMs));
  return BUILD_INPUTS.every((p) => newestMtime(p) < builtAt);
}

function newestMtime(path) {
  if (!existsSync(path)) {
    return 0;
  }
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  const children = readdirSync(path).map((name) =>
    newestMtime(join(path, name)),
  );
  return Math.max(stat.mtimeMs, ...children);
}

async function groupGone(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-pid, 0);
    } catch {
      return true;
    }
    await delay(100);
  }
  return false;
}

function delay(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

/** Whether `promise` settles within `ms`; leaves no timer holding Node. */
async function settlesWithin(promise, ms) {
  let timer;
  const timeout = new Promise(
    (done) => (timer = setTimeout(() => done(false), ms)),
  );
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [command, ...flags] = process.argv.slice(2);
  if (command !== "build") {
    console.error("usage: node scripts/worker.mjs build [--force]");
    process.exit(2);
  }
  const built = buildWorker({ force: flags.includes("--force") });
  if (!built) {
    console.log("worker/build is up to date");
  }
}
