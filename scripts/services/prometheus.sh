#!/usr/bin/env bash
# Prometheus on 127.0.0.1:${TIDE_PROMETHEUS_PORT:-19090}, basic auth (user tide, password
# tide-test-password), scraping every second a test exporter on
# 127.0.0.1:${TIDE_PROMETHEUS_EXPORTER_PORT:-19101} and `tide run --metrics-address` on
# 127.0.0.1:${TIDE_RUN_METRICS_PORT:-19102}. Usage: prometheus.sh [start|stop]; prints host:port.
# TIDE_PROMETHEUS_AUTH=none serves without basic auth (npm run bench:controller: Prometheus checks
# the bcrypt password of every request one at a time, which caps it at a few queries a second on a
# loaded machine, far below 1,000 scalers' 67 a second).
SERVICE=prometheus
. "$(dirname "$0")/lib.sh"
PORT="${TIDE_PROMETHEUS_PORT:-19090}"
EXPORTER_PORT="${TIDE_PROMETHEUS_EXPORTER_PORT:-19101}"
RUN_METRICS_PORT="${TIDE_RUN_METRICS_PORT:-19102}"
DIR=$(svc_dir)

if [ "${1:-start}" = stop ]; then stop_service; exit 0; fi
need_binary /usr/bin/prometheus
if ! running; then
  rm -rf "$DIR" && mkdir -p "$DIR/data"
  cat >"$DIR/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: tide-test
    static_configs: [{targets: ['127.0.0.1:$EXPORTER_PORT']}]
  - job_name: tide-run
    static_configs: [{targets: ['127.0.0.1:$RUN_METRICS_PORT']}]
YAML
  # bcrypt of the test-only password "tide-test-password" (not a secret).
  cat >"$DIR/web.yml" <<'YAML'
basic_auth_users:
  tide: $2a$06$MfovdivLQC9aHmzq7DseBO1W63CSermowoRc2/ZU3FytJ94dOtyxy
YAML
  port_open 127.0.0.1 "$PORT" && die "port $PORT is taken by another process (set TIDE_PROMETHEUS_PORT)"
  auth=(--web.config.file="$DIR/web.yml")
  [ "${TIDE_PROMETHEUS_AUTH:-basic}" = none ] && auth=()
  start_bg /usr/bin/prometheus --config.file="$DIR/prometheus.yml" "${auth[@]}" \
    --storage.tsdb.path="$DIR/data" --web.listen-address="127.0.0.1:$PORT"
fi
ready() { curl -fsS -u tide:tide-test-password "http://127.0.0.1:$PORT/-/ready"; }
wait_until 60 "prometheus on 127.0.0.1:$PORT" ready
echo "127.0.0.1:$PORT"
