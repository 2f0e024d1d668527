#!/usr/bin/env bash
# deps.sh: installs what Kalem needs to build, run and test on Debian 12; idempotent, quiet when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev libjansson-dev libsodium-dev libcurl4-openssl-dev
  libicu-dev libical-dev libcmocka-dev libmagic-dev libcairo2-dev libpango1.0-dev libqrencode-dev fonts-dejavu-core
  postgresql-15 python3 python3-aiosmtpd python3-icalendar openssl chromium nodejs npm wrk poppler-utils zbar-tools
)
if [ "${1:-}" = "--runtime-only" ]; then
  packages=(build-essential cmake pkg-config libmicrohttpd-dev libsqlite3-dev libpq-dev libjansson-dev
            libsodium-dev libcurl4-openssl-dev libicu-dev libical-dev libcmocka-dev libmagic-dev libcairo2-dev
            libpango1.0-dev libqrencode-dev fonts-dejavu-core)
fi

missing=()
for p in "${packages[@]}"; do
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then
    command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" != "--runtime-only" ] && [ ! -d tests/e2e/node_modules/playwright-core ]; then
  echo "deps: installing the browser-test driver (playwright-core)"
  (cd tests/e2e && npm install --no-audit --no-fund --silent)
fi
