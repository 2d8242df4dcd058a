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

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
