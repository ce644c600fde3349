#!/usr/bin/env bash
# Redis on 127.0.0.1:${TIDE_REDIS_PORT:-16379}, password tide-test-password, no persistence.
# Usage: redis.sh [start|stop]; prints host:port.
SERVICE=redis
. "$(dirname "$0")/lib.sh"
PORT="${TIDE_REDIS_PORT:-16379}"
DIR=$(svc_dir)

if [ "${1:-start}" = stop ]; then stop_service; exit 0; fi
need_binary /usr/bin/redis-server
if ! running; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  port_open 127.0.0.1 "$PORT" && die "port $PORT is taken by another process (set TIDE_REDIS_PORT)"
  start_bg /usr/bin/redis-server --bind 127.0.0.1 --port "$PORT" --dir "$DIR" --save '' \
    --appendonly no --requirepass tide-test-password --daemonize no
fi
ready() { redis-cli -h 127.0.0.1 -p "$PORT" --no-auth-warning -a tide-test-password ping | grep -q PONG; }
wait_until 30 "redis on 127.0.0.1:$PORT" ready
echo "127.0.0.1:$PORT"
