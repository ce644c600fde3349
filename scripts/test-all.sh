#!/usr/bin/env bash
# Runs every test suite: install, build, typecheck + lint + unit + conformance, then integration
# (which brings up its own servers on loopback), then the benchmarks (figures, no assertions).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run build
npm test
if [ -x scripts/test-integration.sh ]; then ./scripts/test-integration.sh; fi
npm run bench
