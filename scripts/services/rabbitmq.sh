#!/usr/bin/env bash
# RabbitMQ with the management plugin: AMQP on 127.0.0.1:${TIDE_RABBITMQ_PORT:-35672}, the
# management HTTP API on 127.0.0.1:${TIDE_RABBITMQ_MANAGEMENT_PORT:-35673}, user tide, password
# tide-test-password, statistics every 500 ms. Usage: rabbitmq.sh [start|stop]; prints the AMQP
# host:port (the management port is the AMQP port + 1 unless set).
SERVICE=rabbitmq
. "$(dirname "$0")/lib.sh"
PORT="${TIDE_RABBITMQ_PORT:-35672}"
MGMT_PORT="${TIDE_RABBITMQ_MANAGEMENT_PORT:-$((PORT + 1))}"
DIST_PORT=$((PORT + 2))
DIR=$(svc_dir)
export RABBITMQ_NODENAME="tide-test-$PORT@localhost" ERL_EPMD_PORT="${TIDE_RABBITMQ_EPMD_PORT:-$((PORT + 3))}"
export RABBITMQ_CONFIG_FILE="$DIR/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$DIR/mnesia" RABBITMQ_LOG_BASE="$DIR/logs" RABBITMQ_DIST_PORT="$DIST_PORT"
export RABBITMQ_PID_FILE="$DIR/rabbitmq.pid" RABBITMQ_LOGS=-

if [ "${1:-start}" = stop ]; then
  running && { timeout 30 rabbitmqctl -n "$RABBITMQ_NODENAME" stop >/dev/null 2>&1 || true; }
  stop_service
  # Erlang started an epmd daemon for this node on its own port: stop it too.
  epmd -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1 || true
  exit 0
fi
need_binary /usr/sbin/rabbitmq-server
if ! running; then
  rm -rf "$DIR" && mkdir -p "$DIR/mnesia" "$DIR/logs"
  for p in "$PORT" "$MGMT_PORT" "$DIST_PORT"; do
    port_open 127.0.0.1 "$p" && die "port $p is taken by another process (set TIDE_RABBITMQ_PORT)"
  done
  echo '[rabbitmq_management].' >"$DIR/enabled_plugins"
  cat >"$DIR/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
collect_statistics_interval = 500
default_user = tide
default_pass = tide-test-password
loopback_users = none
CONF
  if [ "$(id -u)" = 0 ]; then
    chown -R rabbitmq:rabbitmq "$DIR"
    start_bg runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server
  else
    start_bg /usr/lib/rabbitmq/bin/rabbitmq-server
  fi
fi
ready() { curl -fsS -u tide:tide-test-password "http://127.0.0.1:$MGMT_PORT/api/overview"; }
wait_until 120 "rabbitmq on 127.0.0.1:$PORT" ready
echo "127.0.0.1:$PORT"
