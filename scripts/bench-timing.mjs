// Timing one synchronous call in process, shared by the benchmarks.

/** Microseconds per call of `fn` over a window of about `windowMs`, after warming up. */
export function microsPerCall(fn, windowMs) {
  for (let i = 0; i < 50; i++) fn();
  const limit = BigInt(windowMs) * 1_000_000n;
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 20; i++) fn();
    calls += 20;
    elapsed = process.hrtime.bigint() - start;
  }
  return Number(elapsed) / 1000 / calls;
}
