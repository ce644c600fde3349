#!/usr/bin/env bash
# Runs every test suite: install, build, typecheck + lint + unit + conformance, then integration
# (which installs and starts its own servers on loopback), then end-to-end on a real Kubernetes
# control plane (built from the Go module proxy once and cached outside the repository, then
# started on loopback), then the benchmarks (figures, no assertions). Ends with one line "Tests: N passed, M failed" over every vitest run.
set -euo pipefail
cd "$(dirname "$0")/.."
results="$(mktemp -d "${TMPDIR:-/tmp}/tide-results.XXXXXX")"
export TIDE_RESULTS_DIR="$results"

summary() {
  local code=$?
  node scripts/summarize-results.mjs "$results" || true
  exit "$code"
}
trap summary EXIT

npm ci --no-audit --no-fund
npm run build
npm run typecheck
npm run lint
npx vitest run --project unit --project conformance --reporter=default --reporter=json \
  --outputFile.json="$results/unit.json"
./scripts/test-integration.sh --reporter=default --reporter=json \
  --outputFile.json="$results/integration.json"
./scripts/test-e2e.sh --reporter=default --reporter=json --outputFile.json="$results/e2e.json"
npm run bench
