#!/usr/bin/env bash
# MariaDB on 127.0.0.1:${TIDE_MARIADB_PORT:-13306}: database tide, user tide, password
# tide-test-password. Usage: mariadb.sh [start|stop]; prints host:port.
SERVICE=mariadb
. "$(dirname "$0")/lib.sh"
PORT="${TIDE_MARIADB_PORT:-13306}"
DIR=$(svc_dir)

if [ "${1:-start}" = stop ]; then stop_service; exit 0; fi
need_binary /usr/sbin/mariadbd
USER_OPT=(); [ "$(id -u)" = 0 ] && USER_OPT=(--user=mysql)
if ! running; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  port_open 127.0.0.1 "$PORT" && die "port $PORT is taken by another process (set TIDE_MARIADB_PORT)"
  [ "$(id -u)" = 0 ] && chown -R mysql "$DIR"
  mariadb-install-db "${USER_OPT[@]}" --datadir="$DIR/data" --auth-root-authentication-method=socket \
    --skip-test-db >>"$DIR/log" 2>&1 || { tail -n 20 "$DIR/log" >&2; die "mariadb-install-db failed"; }
  start_bg /usr/sbin/mariadbd --no-defaults "${USER_OPT[@]}" --datadir="$DIR/data" --port="$PORT" \
    --bind-address=127.0.0.1 --socket="$DIR/sock" --pid-file="$DIR/mariadbd.pid" \
    --skip-name-resolve --innodb-buffer-pool-size=32M --log-error="$DIR/log"
fi
ready() { mariadb --no-defaults --socket="$DIR/sock" -uroot -e 'select 1'; }
wait_until 60 "mariadb on 127.0.0.1:$PORT" ready
mariadb --no-defaults --socket="$DIR/sock" -uroot -e "
  CREATE DATABASE IF NOT EXISTS tide;
  CREATE USER IF NOT EXISTS 'tide'@'127.0.0.1' IDENTIFIED BY 'tide-test-password';
  GRANT ALL ON tide.* TO 'tide'@'127.0.0.1';"
echo "127.0.0.1:$PORT"
