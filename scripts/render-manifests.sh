#!/usr/bin/env bash
# Renders the plain manifests in deploy/manifests/ from the chart (deploy/helm/tide) with its
# default values: release "tide" in namespace "tide-system". The Helm binary is built from the Go
# module proxy and cached (scripts/k8s/build-helm.sh), or taken from $TIDE_HELM.
#
#   scripts/render-manifests.sh            write deploy/manifests/tide.yaml
#   scripts/render-manifests.sh --stdout   print it instead (the sync test compares the two)
set -euo pipefail
cd "$(dirname "$0")/.."
helm="${TIDE_HELM:-$(scripts/k8s/build-helm.sh | tail -n 1)/helm}"
[ -x "$helm" ] || { echo "ERROR: helm not found at $helm" >&2; exit 1; }

render() {
  echo "# Rendered from deploy/helm/tide with its default values (release tide, namespace"
  echo "# tide-system) by scripts/render-manifests.sh. Do not edit: change the chart and re-run it."
  "$helm" template tide deploy/helm/tide --namespace tide-system
}

case "${1:-}" in
  --stdout) render ;;
  "") render >deploy/manifests/tide.yaml && echo "wrote deploy/manifests/tide.yaml" >&2 ;;
  *) echo "usage: scripts/render-manifests.sh [--stdout]" >&2; exit 2 ;;
esac
