#!/usr/bin/env bash
# Browser tests: installs Debian's chromium and the npm packages if missing, builds the binary, runs node's test runner.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
npm ci --no-audit --no-fund --silent
(cd .. && cargo build --quiet --locked -p stegvis)
npm test
