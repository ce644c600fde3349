#!/usr/bin/env bash
# Regenerates every copy of the ElasticScaler CRD from the spec schema (after `npm run build`):
# deploy/crd/elasticscaler.yaml, the Helm chart's copy, and the plain manifests rendered from it.
set -euo pipefail
cd "$(dirname "$0")/.."
node dist/src/cli/index.js crd > deploy/crd/elasticscaler.yaml
cp deploy/crd/elasticscaler.yaml deploy/helm/tide/files/elasticscaler.yaml
scripts/render-manifests.sh
