#!/usr/bin/env bash
# Installs the ElasticScaler CRD (deploy/crd/elasticscaler.yaml) on the control plane of
# TIDE_TEST_KUBECONFIG with TIDE_TEST_K8S_BIN's kubectl (cluster.sh env), and waits until it is
# Established (bounded: fails after 60 tries).
set -euo pipefail
cd "$(dirname "$0")/../.."
kubectl_() { "$TIDE_TEST_K8S_BIN/kubectl" --kubeconfig "$TIDE_TEST_KUBECONFIG" "$@"; }
kubectl_ apply -f deploy/crd/elasticscaler.yaml >/dev/null
# kubectl wait fails at once (instead of waiting) while the CRD has no conditions yet: retry.
for i in $(seq 1 60); do
  kubectl_ wait --for=condition=Established crd/elasticscalers.tide.dev --timeout=30s >/dev/null 2>&1 && exit 0
  [ "$i" = 60 ] && { echo "ERROR: the ElasticScaler CRD was not Established within 60s" >&2; exit 1; }
  sleep 1
done
