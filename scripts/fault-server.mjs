// A local HTTP server that answers from a script, for the faults neither
// stripe-mock nor localstripe produces: connection resets, hangs, bodies that stall
// after their headers, 409, 429 with and without `Stripe-Should-Retry`, 500 with
// `Stripe-Should-Retry: false`. It records
// every request (method, path, headers, body) so tests can assert attempts and
// idempotency keys.
import { createServer } from "node:http";

/**
 * What the server does with one request:
 * - `{ reset: true }`: reset the connection without answering;
 * - `{ hang: true }`: read the request and never answer;
 * - `{ status, headers?, json? | body? }`: answer (`json` is sent as JSON);
 *   with `stall: true`, send the headers and half the body, then nothing more.
 */

const NOTHING_SCRIPTED = {
  status: 500,
  headers: { "stripe-should-retry": "false" },
  json: {
    error: { type: "api_error", message: "fault-server: nothing scripted" },
  },
};

/**
 * Starts the server on an OS-assigned loopback port. `respond(request, index)` or
 * an array of actions (one per request, in order) says what to do; after the
 * array runs out every request gets a 500 that says so.
 */
export async function startFaultServer(script = []) {
  const requests = [];
  let respond = toResponder(script);
  const sockets = new Set();

  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const index = requests.push(request) - 1;
      act(respond(request, index) ?? NOTHING_SCRIPTED, req, res);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();

  return {
    url: `http://127.0.0.1:${port}`,
    /** Every request so far, in arrival order. */
    requests,
    /** Replaces the script and forgets the recorded requests. */
    reset(nextScript = []) {
      respond = toResponder(nextScript);
      requests.length = 0;
    },
    /** Stops the server, dropping hung connections. */
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function toResponder(script) {
  if (typeof script === "function") return script;
  return (_request, index) => script[index];
}

function act(action, req, res) {
  if (action.reset) {
    // A TCP reset where the runtime has one, else an abrupt close.
    if (typeof req.socket.resetAndDestroy === "function") {
      req.socket.resetAndDestroy();
    } else {
      req.socket.destroy();
    }
    return;
  }
  if (action.hang) return;

  const body =
    action.json !== undefined
      ? JSON.stringify(action.json)
      : (action.body ?? "");
  const headers = {
    "content-type": "application/json",
    "request-id": `req_fault_${Math.random().toString(36).slice(2, 10)}`,
    ...action.headers,
  };
  res.writeHead(action.status ?? 200, headers);
  if (action.stall) {
    res.write(body.slice(0, Math.floor(body.length / 2)));
    return;
  }
  res.end(body);
}
