#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time (default 60 s each), for CI
# and by hand. Installs the pinned cargo-fuzz if it is missing.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# A finding stops the run with the crashing input under fuzz/artifacts/<target>/;
# replay it with `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>`.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
seconds=${1:-60}
shift || true

if ! cargo fuzz --version 2>/dev/null | grep -F "$CARGO_FUZZ_VERSION" >/dev/null; then
  echo "== cargo install cargo-fuzz $CARGO_FUZZ_VERSION (about 1 minute)"
  cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# cargo-fuzz passes flags only nightly accepts (-Zsanitizer, sanitizer coverage);
# the stable compiler takes them under RUSTC_BOOTSTRAP, so no nightly is needed.
export RUSTC_BOOTSTRAP=1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

# One build for all targets: optimised, with debug assertions and overflow checks on.
cargo fuzz build
for target in "${targets[@]}"; do
  echo "== fuzz $target for ${seconds} s"
  log=$(mktemp)
  # -timeout: one input taking over 10 s is a finding (a hang), not a slow machine.
  if ! cargo fuzz run "$target" -- -max_total_time="$seconds" -timeout=10 \
    -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log"
    rm -f "$log"
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E "^(Done|stat::number_of_executed_units)" "$log"
  rm -f "$log"
done
