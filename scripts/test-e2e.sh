#!/usr/bin/env bash
# End-to-end tests on a real Kubernetes control plane on loopback.
#
#  1. Builds the control plane and Helm from the Go module proxy, or reuses the cached builds
#     (scripts/k8s/build.sh: about 8 minutes cold on 2 cores; scripts/k8s/build-helm.sh: about
#     5; under a second warm).
#  2. Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler, KWOK and
#     metrics-server (scripts/k8s/cluster.sh), and Prometheus (scripts/services/prometheus.sh),
#     each on 127.0.0.1; fails, naming the component, when one cannot start.
#  3. Installs the ElasticScaler CRD (deploy/crd/elasticscaler.yaml) and runs
#     `npx vitest run --project e2e` (extra arguments are passed on) against the built CLI
#     (dist/: run `npm run build` first).
#  4. Stops everything at exit.
# Never skips: a missing tool or a component that does not come up fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
[ -f dist/src/cli/index.js ] || { echo "ERROR: dist/ is missing: run npm run build first" >&2; exit 1; }
scripts/install-debian.sh /usr/bin/curl=curl /usr/bin/openssl=openssl /usr/bin/prometheus=prometheus
command -v go >/dev/null || { echo "ERROR: go not found: the control plane is built from Go modules" >&2; exit 1; }

export TIDE_K8S_DIR="${TIDE_K8S_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tide-k8s.XXXXXX")}"
export TIDE_SERVICES_DIR="${TIDE_SERVICES_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tide-e2e-services.XXXXXX")}"
chmod 755 "$TIDE_SERVICES_DIR"
stop_all() {
  local code=$?
  scripts/k8s/cluster.sh stop >/dev/null 2>&1 || true
  scripts/services/prometheus.sh stop >/dev/null 2>&1 || true
  if [ "$code" -ne 0 ]; then
    echo "e2e: control plane logs kept in $TIDE_K8S_DIR" >&2
  else
    rm -rf "$TIDE_K8S_DIR"
  fi
  case "$TIDE_SERVICES_DIR" in */tide-e2e-services.*) rm -rf "$TIDE_SERVICES_DIR" ;; esac
  echo "e2e run: ${SECONDS}s wall time (exit $code)" >&2
  exit "$code"
}
trap stop_all EXIT INT TERM

export TIDE_TEST_HELM
TIDE_TEST_HELM="$(scripts/k8s/build-helm.sh | tail -n 1)/helm"
scripts/k8s/cluster.sh start >/dev/null
# shellcheck disable=SC1091
. "$TIDE_K8S_DIR/env"
export TIDE_TEST_PROMETHEUS
TIDE_TEST_PROMETHEUS=$(scripts/services/prometheus.sh start | tail -n 1)
scripts/k8s/install-crd.sh
echo "e2e: control plane and Prometheus ready after $((SECONDS - started))s" >&2

npx vitest run --project e2e "$@"
