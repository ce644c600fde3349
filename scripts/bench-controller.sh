#!/usr/bin/env bash
# `npm run bench:controller [-- --scalers 5000 --periods 6 --changes 300 --prediction off
#  --cpu-prof DIR --controller-arg=--workers=16]`: the controller at scale (bench/controller.ts).
#
#  1. Builds the control plane from the Go module proxy or reuses the cached build
#     (scripts/k8s/build.sh, ~/.cache/tide/k8s), starts it (scripts/k8s/cluster.sh) and
#     Prometheus (scripts/services/prometheus.sh, scraping the bench's exporter every second),
#     all on 127.0.0.1, and installs the ElasticScaler CRD.
#  2. Runs dist/bench/controller.js (run `npm run build` first; npm run bench:controller does).
#  3. Stops everything at exit, unless TIDE_BENCH_KEEP=1 (then a second run with the same
#     TIDE_K8S_DIR and TIDE_SERVICES_DIR reuses the running cluster and its objects).
# Ports: TIDE_K8S_PORT_BASE (control plane, default 42000), TIDE_PROMETHEUS_PORT (19090),
# TIDE_PROMETHEUS_EXPORTER_PORT (19101). Not part of CI (minutes of a loaded machine); never skips:
# a missing tool or a component that does not come up fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
[ -f dist/bench/controller.js ] || { echo "ERROR: dist/ is missing: run npm run build first" >&2; exit 1; }
scripts/install-debian.sh /usr/bin/curl=curl /usr/bin/openssl=openssl /usr/bin/prometheus=prometheus
command -v go >/dev/null || { echo "ERROR: go not found: the control plane is built from Go modules" >&2; exit 1; }

export TIDE_K8S_DIR="${TIDE_K8S_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tide-bench-k8s.XXXXXX")}"
export TIDE_SERVICES_DIR="${TIDE_SERVICES_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tide-bench-services.XXXXXX")}"
export TIDE_PROMETHEUS_EXPORTER_PORT="${TIDE_PROMETHEUS_EXPORTER_PORT:-19101}"
# Without basic auth: Prometheus checks a bcrypt password on every request, one at a time, and
# would be the bottleneck at 67 queries a second (bench/controller.ts measures that apart).
export TIDE_PROMETHEUS_AUTH=none
stop_all() {
  local code=$?
  if [ "${TIDE_BENCH_KEEP:-}" != 1 ]; then
    scripts/k8s/cluster.sh stop >/dev/null 2>&1 || true
    scripts/services/prometheus.sh stop >/dev/null 2>&1 || true
    if [ "$code" -eq 0 ]; then
      case "$TIDE_K8S_DIR" in */tide-bench-k8s.*) rm -rf "$TIDE_K8S_DIR" ;; esac
      case "$TIDE_SERVICES_DIR" in */tide-bench-services.*) rm -rf "$TIDE_SERVICES_DIR" ;; esac
    else
      echo "bench: control plane logs kept in $TIDE_K8S_DIR" >&2
    fi
  fi
  echo "bench:controller: ${SECONDS}s wall time (exit $code)" >&2
  exit "$code"
}
trap stop_all EXIT INT TERM

scripts/k8s/cluster.sh start >/dev/null
# shellcheck disable=SC1091
. "$TIDE_K8S_DIR/env"
export TIDE_TEST_PROMETHEUS
TIDE_TEST_PROMETHEUS=$(scripts/services/prometheus.sh start | tail -n 1)
scripts/k8s/install-crd.sh
echo "bench: control plane and Prometheus ready after $((SECONDS - started))s" >&2
node dist/bench/controller.js "$@"
