#!/usr/bin/env bash
# Prints the folder holding the pinned Stripe OpenAPI spec (spec3.json and its SDK
# variant), from the stripe-mock Go module. The only network it may use is the Go
# module proxy, and only when the module is not in the Go module cache yet.
#   scripts/stripe-spec.sh           fetch if needed, check the hashes, print the folder
#   scripts/stripe-spec.sh --offline print the folder only if already cached; exit 3 if not
set -euo pipefail
cd "$(dirname "$0")/.."

# The pin: stripe-mock's release, and the hashes of the two files the generator reads.
# Change all three together, then run `make models`.
STRIPE_MOCK_VERSION=v0.203.0
SPEC3_SHA256=f0e0fc8fffbffda45bf5f3df59846443c1d47a3cfcbfae232eedf4743124ebee
SPEC3_SDK_SHA256=ef87352a63f0cb8951f5a546764e42b8c28ee914e9e623caabb66b34e577c451

module="github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"

if ! command -v go >/dev/null 2>&1; then
  echo "stripe-spec: go is not installed; it is needed only to fetch the spec" >&2
  exit 3
fi

dir="$(go env GOMODCACHE)/$module/embedded/openapi"
if [ ! -f "$dir/spec3.json" ]; then
  if [ "${1:-}" = "--offline" ]; then
    echo "stripe-spec: $module is not in the Go module cache" >&2
    exit 3
  fi
  # Run outside any module, so no go.mod is needed or touched.
  (cd /tmp && go mod download "$module") >&2
fi

check() { # file, expected sha256
  local actual
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$actual" != "$2" ]; then
    echo "stripe-spec: $1 has sha256 $actual, expected $2" >&2
    exit 1
  fi
}
check "$dir/spec3.json" "$SPEC3_SHA256"
check "$dir/spec3.beta.sdk.json" "$SPEC3_SDK_SHA256"

echo "$dir"
