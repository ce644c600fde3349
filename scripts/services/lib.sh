# Shared helpers for the service scripts: each script starts one server on loopback with its data
# in a temp dir, is idempotent (start if not running, wait until ready, print the address), and
# takes `stop` to stop it. Sourced, not run.
set -euo pipefail

TIDE_SERVICES_DIR="${TIDE_SERVICES_DIR:-${TMPDIR:-/tmp}/tide-services}"
mkdir -p "$TIDE_SERVICES_DIR"

log() { echo "[$SERVICE] $*" >&2; }
die() { echo "[$SERVICE] ERROR: $*" >&2; exit 1; }

# svc_dir: this service's data directory.
svc_dir() { echo "$TIDE_SERVICES_DIR/$SERVICE"; }
pidfile() { echo "$(svc_dir)/pid"; }

# running: true when the pid in the pidfile is alive.
running() { [ -f "$(pidfile)" ] && kill -0 "$(cat "$(pidfile)")" 2>/dev/null; }

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s.
wait_until() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      [ -f "$(svc_dir)/log" ] && tail -n 30 "$(svc_dir)/log" >&2
      die "$what: not ready after ${seconds}s"
    fi
    running || { [ -f "$(svc_dir)/log" ] && tail -n 30 "$(svc_dir)/log" >&2; die "$what: the process exited"; }
    sleep 0.2
  done
}

# need_binary PATH: fails clearly when the Debian package is not installed.
need_binary() { [ -x "$1" ] || command -v "$1" >/dev/null || die "$1 not found: install it with scripts/test-integration.sh"; }

# start_bg COMMAND...: starts COMMAND in the background as its own process group, logging to the
# service's log file and recording its pid.
start_bg() {
  setsid "$@" >>"$(svc_dir)/log" 2>&1 < /dev/null &
  echo $! >"$(pidfile)"
}

# stop_service: stops the process in the pidfile (TERM, then KILL after 20 s).
stop_service() {
  if running; then
    local pid; pid=$(cat "$(pidfile)")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$(pidfile)"
}
