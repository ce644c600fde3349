#!/usr/bin/env bash
# Runs every test suite: install, build, typecheck + lint + unit + conformance, then integration
# (which installs and starts its own servers on loopback), then end-to-end on a real Kubernetes
# control plane (built from the Go module proxy once and cached outside the repository, then
# started on loopback), then the benchmarks (figures, no assertions). Ends with one line "Tests: N passed, M failed" over every vitest run.
set -euo pipefail
cd "$(dirname "$0")/.."
results="$(mktemp -d "${TMPDIR:-/tmp}/tide-results.XXXXXX")"
export TIDE_RESULTS_DIR="$results"

# The slow, cached builds the end-to-end tests need (the control plane, Helm: about 13 minutes
# on 2 cores when cold, nothing when cached) start now, niced, in the background, so they use the
# time the steps below leave idle (downloads, single-threaded tsc and eslint, servers starting).
# test-e2e.sh runs the same scripts: each waits for the build of its key under a lock, then finds it
# done (or builds it again, failing visibly, if the background build failed).
prebuild_log="$results/prebuild.log"
(nice -n 19 scripts/k8s/build.sh && nice -n 19 scripts/k8s/build-helm.sh) >"$prebuild_log" 2>&1 &
prebuild=$!

summary() {
  local code=$?
  pkill -P "$prebuild" 2>/dev/null || true
  kill "$prebuild" 2>/dev/null || true
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
wait "$prebuild" || echo "background build failed (test-e2e.sh builds again); its log:" "$(tail -n 20 "$prebuild_log")" >&2
./scripts/test-e2e.sh --reporter=default --reporter=json --outputFile.json="$results/e2e.json"
npm run bench
