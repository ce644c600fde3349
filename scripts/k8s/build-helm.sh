#!/usr/bin/env bash
# Builds Helm from the Go module proxy (helm.sh/helm/v4 at HELM_VERSION), once, into a cache
# outside the repository keyed by Helm's and Go's versions, as scripts/k8s/build.sh does for the
# control plane. Prints the bin directory as its last line. A second run with the same versions
# only checks the stamp (well under a second). The cold build's wall time is kept in
# "$bin/.build-seconds" (about 4 minutes on 2 shared cores; see docs/deploy.md).
#
#   TIDE_CACHE_DIR   where builds are kept (default ~/.cache/tide)
#
# `go install module@version` builds exactly the module's own go.mod/go.sum (Helm has no replace
# directives), checked against the Go checksum database, so no wrapper module is needed.
set -euo pipefail

HELM_VERSION=v4.3.2

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
command -v go >/dev/null || { echo "[helm-build] ERROR: go not found (Helm is built with Go)" >&2; exit 1; }
go_version=$(go env GOVERSION)
key="helm-$HELM_VERSION-$go_version"
cache="${TIDE_CACHE_DIR:-$HOME/.cache/tide}"
bin="$cache/helm/$key/bin"
stamp="$bin/.stamp"

. "$(dirname "$0")"/cache-lock.sh helm-build

log() { echo "[helm-build] $*" >&2; }
mkdir -p "$bin"
started=$SECONDS
log "building Helm $HELM_VERSION with $go_version: a few minutes when cold"
GOBIN="$bin" go install \
  -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
  "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
[ -x "$bin/helm" ] || { echo "[helm-build] ERROR: helm was not built" >&2; exit 1; }
"$bin/helm" version >&2
echo "$((SECONDS - started))" >"$bin/.build-seconds"
echo "$key" >"$stamp"
log "Helm built in $((SECONDS - started))s into $bin"
echo "$bin"
