#!/usr/bin/env bash
# Builds the test control plane's binaries from the Go module proxy, once, into a cache outside
# the repository keyed by every version: kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl (k8s.io/kubernetes), etcd, kwok and metrics-server. Prints the bin directory as its last
# line. A second run with the same versions only checks the stamp (well under a second).
#
#   TIDE_CACHE_DIR   where builds are kept (default ~/.cache/tide)
#
# The wrapper modules live in scripts/k8s/modules/ (go.mod and go.sum committed, so every
# machine builds the same sources); see docs/kubernetes.md and ../shared/k8s-control-plane.md.
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD

KUBE_VERSION=v1.34.4
ETCD_VERSION=v3.6.4
KWOK_VERSION=v0.7.0
METRICS_SERVER_VERSION=v0.8.0

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
command -v go >/dev/null || { echo "[k8s-build] ERROR: go not found (the control plane is built with Go)" >&2; exit 1; }
go_version=$(go env GOVERSION)
key="k8s-$KUBE_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION-ms-$METRICS_SERVER_VERSION-$go_version"
cache="${TIDE_CACHE_DIR:-$HOME/.cache/tide}"
bin="$cache/k8s/$key/bin"
stamp="$bin/.stamp"

. "$here"/cache-lock.sh k8s-build

log() { echo "[k8s-build] $*" >&2; }
mkdir -p "$bin"
started=$SECONDS
minor=$(echo "$KUBE_VERSION" | cut -d. -f2)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
version_flags() {
  local v=$1 major=$2 minor=$3 flags="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $p.gitVersion=$v -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$now"
  done
  echo "$flags"
}

# The Kubernetes binaries: one go build for all four (they share most packages).
log "building Kubernetes $KUBE_VERSION (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl): a few minutes when cold"
(
  cd "$here/modules/kubernetes"
  go mod download
  go build -ldflags "$(version_flags "$KUBE_VERSION" 1 "$minor")" -o "$bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
)
log "Kubernetes built after $((SECONDS - started))s"

log "building etcd $ETCD_VERSION"
(cd "$here/modules/etcd" && go build -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3)

log "building kwok $KWOK_VERSION"
GOBIN="$bin" GOFLAGS=-trimpath go install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
# kwok's metric definitions (kubelet-shaped /metrics/resource from pod annotations) ship in its
# module: keep them beside the binary.
kwok_dir=$(cd "$(mktemp -d)" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
{
  cat "$kwok_dir/kustomize/metrics/resource/metrics-resource.yaml"
  echo "---"
  cat "$kwok_dir/kustomize/metrics/usage/usage-from-annotation.yaml"
} >"$bin/kwok-metrics.yaml"

log "building metrics-server $METRICS_SERVER_VERSION"
(cd "$here/modules/metrics-server" && go build -ldflags "$(version_flags "$METRICS_SERVER_VERSION" 0 8) -s -w" -o "$bin/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server)

for b in kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok metrics-server; do
  [ -x "$bin/$b" ] || { echo "[k8s-build] ERROR: $b was not built" >&2; exit 1; }
done
"$bin/kube-apiserver" --version >&2
echo "$key" >"$stamp"
log "control plane built in $((SECONDS - started))s into $bin"
echo "$bin"
