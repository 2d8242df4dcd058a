// Starting and stopping the local stack's processes (localstripe, wrangler dev, next
// start) for the demo and the tests: wait until a URL answers, keep the output, and
// stop the whole process group so nothing is left running.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A TCP port on loopback that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `command` in its own process group and resolves once `readyUrl` answers
 * (any HTTP status). Output goes to `logFile` when given and is kept in memory.
 */
export async function startService({
  name,
  command,
  args,
  cwd,
  env,
  readyUrl,
  logFile,
  timeoutMs = 60_000,
}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const log = logFile ? createWriteStream(logFile) : undefined;
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk) => {
      output += chunk;
      log?.write(chunk);
    });
  }
  const release = tieGroupToThisProcess(child.pid);
  const exited = new Promise((resolve) => child.on("exit", resolve));
  let alive = true;
  exited.then(() => {
    alive = false;
  });

  async function stop() {
    if (alive) {
      // SIGINT first: wrangler stops workerd only when asked politely.
      signalGroup(child.pid, "SIGINT");
      const stopped = await Promise.race([
        exited.then(() => true),
        sleep(5000),
      ]);
      if (!stopped) {
        signalGroup(child.pid, "SIGKILL");
        await exited;
      }
    }
    // Children (workerd, next's workers) can outlive the leader; end the group.
    signalGroup(child.pid, "SIGKILL");
    release();
    log?.end();
  }

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive) {
      throw new Error(
        `${name} exited before it was ready:\n${output.slice(-2000)}`,
      );
    }
    try {
      await fetch(readyUrl, { signal: AbortSignal.timeout(2000) });
      return { stop, output: () => output };
    } catch {
      await sleep(200);
    }
  }
  await stop();
  throw new Error(
    `${name} was not ready within ${timeoutMs} ms:\n${output.slice(-2000)}`,
  );
}

/** Sends `signal` to the process group led by `pid`; a group already gone is fine. */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

// Every process group this process started and has not stopped yet. Each runs
// detached, so a Ctrl-C or a `kill` aimed at this process never reaches them:
// whatever ends this process ends them too.
const liveGroups = new Map();
const stopWaiters = new Set();
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];

function endLiveGroups() {
  for (const [pid, cleanup] of liveGroups) {
    signalGroup(pid, "SIGKILL");
    cleanup?.();
  }
  liveGroups.clear();
}

function onStopSignal(signal) {
  if (stopWaiters.size > 0) {
    // Someone is waiting to stop the stack politely (make dev): let them.
    for (const wake of stopWaiters) wake(signal);
    stopWaiters.clear();
    return;
  }
  endLiveGroups();
  for (const name of STOP_SIGNALS) process.removeListener(name, onStopSignal);
  process.kill(process.pid, signal);
}

let handlersInstalled = false;

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", endLiveGroups);
  for (const name of STOP_SIGNALS) process.on(name, onStopSignal);
}

/**
 * Ties the process group led by `pid` to this process: if this process exits or
 * is stopped by a signal before `release()` is called, the group is killed and
 * `cleanup` (synchronous) runs.
 */
export function tieGroupToThisProcess(pid, cleanup) {
  installHandlers();
  liveGroups.set(pid, cleanup);
  return () => liveGroups.delete(pid);
}

/**
 * Resolves with the signal's name at the next Ctrl-C, SIGTERM or SIGHUP, which
 * then kills nothing by itself; a second one while stopping ends everything.
 */
export function nextStopSignal() {
  installHandlers();
  return new Promise((resolve) => stopWaiters.add(resolve));
}
