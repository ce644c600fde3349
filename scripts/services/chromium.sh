#!/usr/bin/env bash
# Installs Debian's chromium for the report's browser test, once. Idempotent: does nothing when
# /usr/bin/chromium exists. Never downloads a browser from anywhere but the Debian archive.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 chromium >/dev/null
test -x /usr/bin/chromium
