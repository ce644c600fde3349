#!/usr/bin/env bash
# Installs Debian's prometheus (server + promtool) for the backtest's Prometheus-input test, once.
# Idempotent: does nothing when both binaries exist. The test itself builds the TSDB blocks and
# starts the server on 127.0.0.1 (test/integration/backtest-prometheus.test.ts).
set -euo pipefail
if [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 prometheus >/dev/null
test -x /usr/bin/prometheus && test -x /usr/bin/promtool
