#!/usr/bin/env bash
# NATS with JetStream on 127.0.0.1:${TIDE_NATS_PORT:-14222}, user tide, password
# tide-test-password, storage in a temp dir. Usage: nats.sh [start|stop]; prints host:port.
SERVICE=nats
. "$(dirname "$0")/lib.sh"
PORT="${TIDE_NATS_PORT:-14222}"
DIR=$(svc_dir)

if [ "${1:-start}" = stop ]; then stop_service; exit 0; fi
need_binary /usr/sbin/nats-server
if ! running; then
  rm -rf "$DIR" && mkdir -p "$DIR/js"
  port_open 127.0.0.1 "$PORT" && die "port $PORT is taken by another process (set TIDE_NATS_PORT)"
  cat >"$DIR/nats.conf" <<CONF
listen: 127.0.0.1:$PORT
http: 127.0.0.1:$((PORT + 1))
jetstream { store_dir: "$DIR/js", max_memory_store: 64MB, max_file_store: 256MB }
authorization { user: tide, password: tide-test-password }
CONF
  start_bg /usr/sbin/nats-server -c "$DIR/nats.conf"
fi
ready() { curl -fsS "http://127.0.0.1:$((PORT + 1))/healthz?js-enabled-only=true"; }
wait_until 30 "nats on 127.0.0.1:$PORT" ready
echo "127.0.0.1:$PORT"
