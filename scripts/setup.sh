#!/usr/bin/env bash
# Installs every tool the project needs, from the project's own pins. Each step is
# skipped when the pinned version is already there, so reruns take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_PACK_VERSION=0.15.1
WORKER_BUILD_VERSION=0.8.7
LOCALSTRIPE_VERSION=1.15.10
STRIPE_PYTHON_VERSION=16.1.0
GITLEAKS_VERSION=8.30.1
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock, or wasm-pack and
# worker-build try to download one.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

step() { printf '== %s\n' "$*"; }

has_version() { # command, version
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -F "$2" >/dev/null
}

if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! has_version wasm-pack "$WASM_PACK_VERSION"; then
  step "cargo install wasm-pack $WASM_PACK_VERSION (about 5 minutes)"
  cargo install --locked wasm-pack --version "$WASM_PACK_VERSION"
fi

if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes)"
  # Without --locked: its lock file names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! has_version worker-build "$WORKER_BUILD_VERSION"; then
  step "cargo install worker-build $WORKER_BUILD_VERSION (about 5 minutes)"
  cargo install --locked worker-build --version "$WORKER_BUILD_VERSION"
fi

export PATH="$HOME/go/bin:$PATH"
if ! has_version gitleaks "v$GITLEAKS_VERSION"; then
  step "go install gitleaks $GITLEAKS_VERSION (about 1 minute)"
  # -X stamps the version (blank from go install) so has_version sees it next time.
  GOBIN="$HOME/go/bin" go install \
    -ldflags "-X github.com/zricethezav/gitleaks/v8/version.Version=v$GITLEAKS_VERSION" \
    "github.com/zricethezav/gitleaks/v8@v$GITLEAKS_VERSION"
fi

# npm ci only when the lock file changed since the last install.
npm_ci() { # folder
  if [ ! -f "$1/node_modules/.package-lock.json" ] ||
    [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
    step "npm ci in $1"
    (cd "$1" && npm ci --no-audit --no-fund)
  fi
}
npm_ci .

if ! .venv/bin/localstripe --help >/dev/null 2>&1 ||
  ! .venv/bin/pip show localstripe 2>/dev/null | grep -x "Version: $LOCALSTRIPE_VERSION" >/dev/null; then
  step "python venv with localstripe $LOCALSTRIPE_VERSION"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "localstripe==$LOCALSTRIPE_VERSION"
fi

if ! .venv/bin/pip show stripe 2>/dev/null | grep -x "Version: $STRIPE_PYTHON_VERSION" >/dev/null; then
  step "stripe-python $STRIPE_PYTHON_VERSION into .venv (differential test)"
  .venv/bin/pip install --quiet --disable-pip-version-check "stripe==$STRIPE_PYTHON_VERSION"
fi

# Stripe's OpenAPI spec, pinned in scripts/stripe-spec.sh; the models' up-to-date test
# regenerates from it (a 2.4 MB module from the Go proxy, cached after the first time).
scripts/stripe-spec.sh >/dev/null

# stripe-mock, Stripe's stateless mock, for the API client's tests: the same release
# as the spec above (one pin, read from scripts/stripe-spec.sh).
STRIPE_MOCK_VERSION=$(awk -F= '/^STRIPE_MOCK_VERSION=/ { print $2; exit }' scripts/stripe-spec.sh)
if ! { command -v stripe-mock >/dev/null 2>&1 &&
  stripe-mock -version 2>/dev/null | grep -xF "stripe-mock $STRIPE_MOCK_VERSION" >/dev/null; }; then
  step "go install stripe-mock $STRIPE_MOCK_VERSION (about 1 minute)"
  # -X stamps the version (go install leaves "master") so the check above sees it.
  GOBIN="$HOME/go/bin" go install -ldflags "-X main.version=$STRIPE_MOCK_VERSION" \
    "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
fi

# Debian's chromium for the example shop's browser tests (tests/e2e), driven by
# playwright-core; playwright's own browser download is never used.
if [ ! -x /usr/bin/chromium ]; then
  step "apt-get install chromium (about 1 minute)"
  sudo_if_needed=()
  [ "$(id -u)" -eq 0 ] || sudo_if_needed=(sudo)
  "${sudo_if_needed[@]}" apt-get update -qq
  "${sudo_if_needed[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq chromium
fi
