// Builds and starts the Next.js example for tests.
//
// Next is always run as `node node_modules/next/dist/bin/next …`, never through
// npx: npx puts a process between us and Next, and killing it leaves Next
// running. Started this way the child we hold is Next itself; it is also made
// the leader of its own process group, so stopping it reaches anything it
// spawned.
//
// As a command: `node scripts/nextjs.mjs build`.

import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";

import { freePort, signalGroup, tieGroupToThisProcess } from "./service.mjs";

/** The example app's folder. */
export const appDir = fileURLToPath(
  new URL("../examples/nextjs/", import.meta.url),
);

const nextBin = "node_modules/next/dist/bin/next";
const readyTimeoutMs = 60_000;
const stopTimeoutMs = 10_000;

/**
 * Runs `next build` in the example. Resolves when it succeeds; rejects with its
 * exit code otherwise. Its output goes to ours.
 */
export async function buildNext({ args = [], env = {} } = {}) {
  const child = spawn(process.execPath, [nextBin, "build", ...args], {
    cwd: appDir,
    env: nextEnv(env),
    stdio: ["ignore", "inherit", "inherit"],
  });
  const { code, signal, error } = await exitOf(child);
  if (error) throw error;
  if (code !== 0) {
    throw new Error(`next build failed (${signal ?? `exit code ${code}`})`);
  }
}

/**
 * Starts the already built example with `next start` on 127.0.0.1 and waits
 * until it answers HTTP.
 *
 * - `port`: defaults to a free one.
 * - `env`: added to this process's environment; a key set to `undefined` is
 *   removed.
 * - `logFile`: optional path that receives a copy of everything Next prints.
 *
 * Returns `{ url, stop, logs }`: `stop()` ends the server and waits for it;
 * `logs()` is everything it printed so far, stdout and stderr interleaved.
 */
export async function startNext({ port, env = {}, logFile } = {}) {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: appDir,
      env: nextEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );

  let output = "";
  const logStream = logFile ? createWriteStream(logFile) : undefined;
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      output += chunk;
      logStream?.write(chunk);
    });
  }

  const release = tieGroupToThisProcess(child.pid);
  const exited = exitOf(child);
  let hasExited = false;
  exited.then(() => {
    hasExited = true;
  });

  async function stop() {
    if (!hasExited) {
      // The whole group, in case Next forked workers of its own.
      signalGroup(child.pid, "SIGTERM");
      const timer = setTimeout(
        () => signalGroup(child.pid, "SIGKILL"),
        stopTimeoutMs,
      );
      await exited;
      clearTimeout(timer);
    }
    // Next may have left a forked worker behind even after a clean exit.
    signalGroup(child.pid, "SIGKILL");
    release();
    if (logStream) {
      await new Promise((resolve) => logStream.end(resolve));
    }
  }

  try {
    await waitUntilAnswering(url, exited);
  } catch (error) {
    await stop();
    error.message += `\n--- next start printed ---\n${output}`;
    throw error;
  }
  return { url, stop, logs: () => output };
}

function nextEnv(extra) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Resolves once the child has ended, whether it ran or failed to spawn. */
function exitOf(child) {
  return new Promise((resolve) => {
    child.once("error", (error) =>
      resolve({ code: null, signal: null, error }),
    );
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

/** Polls until any HTTP answer arrives, the server dies, or time runs out. */
async function waitUntilAnswering(url, exited) {
  const deadline = Date.now() + readyTimeoutMs;
  let died = false;
  exited.then(() => {
    died = true;
  });
  while (Date.now() < deadline) {
    if (died) throw new Error("next start exited before answering");
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`next start did not answer within ${readyTimeoutMs} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (command === "build") {
    await buildNext({ args });
  } else {
    console.error("usage: node scripts/nextjs.mjs build [next build flags]");
    process.exit(2);
  }
}
