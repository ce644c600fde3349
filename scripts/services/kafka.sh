#!/usr/bin/env bash
# A Kafka-protocol broker on 127.0.0.1:${TIDE_KAFKA_PORT:-19092}: kfake (franz-go's in-memory
# cluster, built from the Go module proxy by kafka-fake/main.go), because neither Debian nor npm
# ships a Kafka broker. It advertises port ${TIDE_KAFKA_PORT}+1 in its metadata, where the
# integration test puts its TCP proxy. No authentication (see kafka-fake/main.go).
# Usage: kafka.sh [start|stop]; prints host:port.
SERVICE=kafka
. "$(dirname "$0")/lib.sh"
PORT="${TIDE_KAFKA_PORT:-19092}"
DIR=$(svc_dir)
SRC="$(cd "$(dirname "$0")/kafka-fake" && pwd)"

if [ "${1:-start}" = stop ]; then stop_service; exit 0; fi
export PATH="$PATH:/usr/local/go/bin"
CACHE="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}"
export GOPATH="${GOPATH:-${HOME:-/tmp}/go}" GOCACHE="${GOCACHE:-$CACHE/go-build}"
command -v go >/dev/null || die "go not found: kfake is built from Go modules (apt-get install golang-go)"
if ! running; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  port_open 127.0.0.1 "$PORT" && die "port $PORT is taken by another process (set TIDE_KAFKA_PORT)"
  BIN="$CACHE/tide/kafka-fake-$(cat "$SRC/go.sum" "$SRC/main.go" | sha256sum | cut -c1-12)"
  if [ ! -x "$BIN" ]; then
    mkdir -p "$(dirname "$BIN")"
    (cd "$SRC" && go build -o "$BIN.tmp" . && mv "$BIN.tmp" "$BIN") >>"$DIR/log" 2>&1 ||
      { tail -n 20 "$DIR/log" >&2; die "building kafka-fake failed"; }
  fi
  start_bg "$BIN" -port "$PORT" -advertise-port "$((PORT + 1))"
fi
wait_until 30 "kafka on 127.0.0.1:$PORT" port_open 127.0.0.1 "$PORT"
echo "127.0.0.1:$PORT"
