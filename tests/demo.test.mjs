// The main job end to end: localstripe signs real deliveries for an order placed
// through the Worker and paid with a test card; the Worker and both Next.js routes
// must verify each, D1 must hold each event once and the order be paid, and a
// tampered copy of a real delivery must be refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoProblems, runDemo } from "../scripts/demo.mjs";

test("demo: localstripe's webhooks verified by every endpoint, stored once", async () => {
  const lines = [];
  const report = await runDemo({ log: (line) => lines.push(line) });

  assert.equal(report.paymentIntent.status, "succeeded");
  // The Worker priced the order from its catalog, and the webhook marked it paid.
  assert.equal(report.order.amount, report.catalogAmount);
  assert.ok(report.catalogAmount > 0);
  assert.equal(report.paidOrder.status, "paid");
  const types = report.events.map((event) => event.type).sort();
  assert.deepEqual(types, ["customer.created", "payment_intent.succeeded"]);

  for (const [endpoint, verified] of Object.entries(report.byEndpoint)) {
    for (const event of report.events) {
      assert.ok(
        verified.has(event.id),
        `${endpoint} did not verify ${event.id}`,
      );
    }
  }

  const eventIds = report.events.map((event) => event.id).sort();
  assert.deepEqual(report.rows.map((row) => row.id).sort(), eventIds);
  for (const row of report.rows) assert.equal(row.deliveries, 1, row.id);

  assert.equal(report.replays.replay.status, 200);
  assert.equal(report.replays.replay.duplicate, true);
  const replayed = report.rowsAfter.find(
    (row) => row.id === report.replays.replayedId,
  );
  assert.equal(report.rowsAfter.length, eventIds.length);
  assert.equal(replayed.deliveries, 2);

  assert.equal(report.replays.tampered.length, 3);
  for (const result of report.replays.tampered) {
    assert.equal(result.status, 400, result.name);
    assert.equal(result.code, "signature_mismatch", result.name);
  }
  assert.ok(lines.some((line) => line.includes("signature_mismatch")));
  assert.deepEqual(demoProblems(report), []);
});
