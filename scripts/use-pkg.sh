#!/usr/bin/env bash
# Installs the freshly built pkg/ into a folder that depends on it with `file:`, the
# way a user installs a package: copied (install-links), so it is replaced by hand
# after every build.
set -euo pipefail
dir=$1
cd "$(dirname "$0")/../$dir"
if [ ! -f node_modules/.package-lock.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
rm -rf node_modules/stripe-edge
npm install --no-audit --no-fund >/dev/null
