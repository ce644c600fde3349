#!/usr/bin/env bash
# Integration tests against real servers on 127.0.0.1.
#
#  1. Installs the missing Debian packages (scripts/install-debian.sh: apt-get update once, only
#     when something is missing).
#  2. Runs every scripts/services/*.sh with `start`: each starts its server on loopback on a
#     non-default port with data in a temp dir (idempotent: start if not running, wait until
#     ready) and prints its address (host:port) as its last line of output; a script that only
#     installs something prints nothing. The address is exported as TIDE_TEST_<NAME>
#     (redis.sh -> TIDE_TEST_REDIS, rabbitmq-management -> TIDE_TEST_RABBITMQ_MANAGEMENT).
#  3. Runs `npx vitest run --project integration` (extra arguments are passed on).
#  4. Stops every service at exit (`<script> stop`).
# Fails (non-zero) when a package cannot be installed or a server cannot be started: never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

# Debian packages the service scripts need (file the package installs = package).
scripts/install-debian.sh /usr/bin/curl=curl /usr/bin/prometheus=prometheus \
  /usr/bin/redis-server=redis-server /usr/sbin/rabbitmq-server=rabbitmq-server \
  /usr/lib/postgresql=postgresql /usr/sbin/mariadbd=mariadb-server \
  /usr/sbin/nats-server=nats-server /usr/bin/java=openjdk-17-jre-headless /usr/bin/mvn=maven

export TIDE_SERVICES_DIR="${TIDE_SERVICES_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tide-services.XXXXXX")}"
# Servers that drop root (postgres, mysql, rabbitmq users) must reach their data dirs.
chmod 755 "$TIDE_SERVICES_DIR"
services=()
stop_all() {
  local code=$?
  for script in "${services[@]}"; do "$script" stop >/dev/null 2>&1 || true; done
  case "$TIDE_SERVICES_DIR" in */tide-services.*) rm -rf "$TIDE_SERVICES_DIR" ;; esac
  echo "integration run: ${SECONDS}s wall time (exit $code)" >&2
  exit "$code"
}
trap stop_all EXIT INT TERM

for script in scripts/services/*.sh; do
  name=$(basename "$script" .sh)
  [ "$name" = lib ] && continue
  services+=("$script")
  t0=$SECONDS
  address=$("$script" start | tail -n 1) || { echo "ERROR: $script failed to start" >&2; exit 1; }
  if [ -n "$address" ]; then
    var="TIDE_TEST_$(echo "$name" | tr 'a-z-' 'A-Z_')"
    export "$var=$address"
    echo "$var=$address ($((SECONDS - t0))s)" >&2
  fi
done
echo "servers ready after $((SECONDS - started))s" >&2

npx vitest run --project integration "$@"
