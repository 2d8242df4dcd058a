#!/usr/bin/env bash
# Fails when a real-looking Stripe key or secret is in the repository.
#
#   1. gitleaks (pinned, installed by scripts/setup.sh; rules in .gitleaks.toml)
#      over every commit, so a key that was ever committed is found even if a
#      later commit removed it. It has to be rolled in the Dashboard either way.
#   2. This project's own patterns over the working tree's tracked and untracked
#      (not ignored) files, so a key is caught before it is committed.
#
# Matches are printed masked, never whole. A line that must hold such a value
# (there should be none: build test values at run time) can carry the marker
# `secret-scan: allow`.
#
# Usage: scripts/secret-scan.sh [repository]   (default: this one)
# SECRET_SCAN_SKIP_GITLEAKS=1 runs only the second check.
set -euo pipefail
root=${1:-"$(dirname "$0")/.."}
cd "$root"

# Live keys of any length; test keys and webhook secrets of the length Stripe
# issues (shorter ones are the hand-made values of tests); client secrets.
PATTERN='(sk|rk)_live_[A-Za-z0-9]{10,}|(sk|rk)_test_[A-Za-z0-9]{24,}|whsec_[A-Za-z0-9+/=]{24,}|(pi|seti)_[A-Za-z0-9]{14,}_secret_[A-Za-z0-9]{16,}'
ALLOW_MARKER='secret-scan: allow'

mask() { # value
  local value=$1
  case $value in
    *_secret_*) printf '%s_secret_…' "${value%%_secret_*}" ;;
    whsec_*) printf 'whsec_…%s' "${value: -4}" ;;
    *) printf '%s…%s' "${value:0:8}" "${value: -4}" ;;
  esac
}

failed=0

if [ "${SECRET_SCAN_SKIP_GITLEAKS:-}" != 1 ]; then
  if ! command -v gitleaks >/dev/null 2>&1; then
    echo "secret-scan: gitleaks is not installed; run scripts/setup.sh" >&2
    exit 2
  fi
  config=()
  [ -f .gitleaks.toml ] && config=(--config .gitleaks.toml)
  if ! gitleaks git "${config[@]}" --no-banner --no-color --redact --verbose \
    --log-level warn .; then
    echo "secret-scan: gitleaks found secrets in the history (shown redacted above)" >&2
    failed=1
  fi
fi

found=0
while IFS= read -r hit; do
  [ -n "$hit" ] || continue
  location=${hit%%:*}:$(cut -d: -f2 <<<"$hit")
  content=${hit#*:*:}
  case $content in *"$ALLOW_MARKER"*) continue ;; esac
  while IFS= read -r value; do
    echo "secret-scan: $location: $(mask "$value")" >&2
    found=1
  done < <(grep -oE "$PATTERN" <<<"$content")
done < <(git ls-files -z --cached --others --exclude-standard |
  xargs -0 -r grep -IsnE "$PATTERN" -- 2>/dev/null || true)

if [ "$found" = 1 ]; then
  echo "secret-scan: real-looking Stripe secrets in the working tree (masked above);" \
    "remove them, and roll any real one in the Stripe Dashboard" >&2
  failed=1
fi

if [ "$failed" = 0 ]; then
  echo "secret-scan: no Stripe keys or secrets found"
fi
exit "$failed"
