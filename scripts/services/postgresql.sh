#!/usr/bin/env bash
# PostgreSQL on 127.0.0.1:${TIDE_POSTGRESQL_PORT:-15432}: database tide, user tide, password
# tide-test-password (scram-sha-256). Usage: postgresql.sh [start|stop]; prints host:port.
SERVICE=postgresql
. "$(dirname "$0")/lib.sh"
PORT="${TIDE_POSTGRESQL_PORT:-15432}"
DIR=$(svc_dir)
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

if [ "${1:-start}" = stop ]; then stop_service; exit 0; fi
[ -n "$BIN" ] || die "no /usr/lib/postgresql/*/bin: install the postgresql package"
# The server refuses to run as root: run it as the postgres user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! running; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  port_open 127.0.0.1 "$PORT" && die "port $PORT is taken by another process (set TIDE_POSTGRESQL_PORT)"
  echo tide-test-password >"$DIR/pwfile"
  [ "$(id -u)" = 0 ] && chown -R postgres "$DIR"
  as_pg "$BIN/initdb" -D "$DIR/data" -U tide --pwfile="$DIR/pwfile" --auth=scram-sha-256 \
    -E UTF8 --no-sync >>"$DIR/log" 2>&1 || { tail -n 20 "$DIR/log" >&2; die "initdb failed"; }
  if [ "$(id -u)" = 0 ]; then
    setsid runuser -u postgres -- "$BIN/postgres" -D "$DIR/data" -p "$PORT" -c listen_addresses=127.0.0.1 \
      -c unix_socket_directories="$DIR" -c fsync=off >>"$DIR/log" 2>&1 </dev/null &
  else
    setsid "$BIN/postgres" -D "$DIR/data" -p "$PORT" -c listen_addresses=127.0.0.1 \
      -c unix_socket_directories="$DIR" -c fsync=off >>"$DIR/log" 2>&1 </dev/null &
  fi
  echo $! >"$(pidfile)"
fi
ready() { PGPASSWORD=tide-test-password "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U tide -d postgres -tAc 'select 1'; }
wait_until 60 "postgresql on 127.0.0.1:$PORT" ready
PGPASSWORD=tide-test-password "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U tide -d postgres -tAc \
  "select 1 from pg_database where datname='tide'" | grep -q 1 ||
  PGPASSWORD=tide-test-password "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U tide tide
echo "127.0.0.1:$PORT"
