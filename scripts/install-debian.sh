#!/usr/bin/env bash
# Installs the Debian packages whose files are missing, idempotently: install-debian.sh
# PATH=PACKAGE... (apt-get update once, only when something is missing; the packages' own init
# scripts are kept from starting servers on the default ports). Fails when one cannot install.
set -euo pipefail
missing=()
for pair in "$@"; do
  path=${pair%%=*} package=${pair#*=}
  [ -e "$path" ] || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
policy_added=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d; policy_added=1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
[ -n "$policy_added" ] && $SUDO rm -f /usr/sbin/policy-rc.d
for pair in "$@"; do
  path=${pair%%=*} package=${pair#*=}
  [ -e "$path" ] || { echo "ERROR: $package did not install $path" >&2; exit 1; }
done
