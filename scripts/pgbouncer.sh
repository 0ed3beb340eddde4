#!/usr/bin/env bash
# A PgBouncer in transaction pooling mode in front of the local PostgreSQL,
# for the tests that check Alembix through a pooler.
#
#   scripts/pgbouncer.sh start   # install Debian's pgbouncer if missing, write
#                                # its config, start it, wait until it answers
#   scripts/pgbouncer.sh url     # the URL to connect through it
#   scripts/pgbouncer.sh stop    # stop the PgBouncer this script started
#   scripts/pgbouncer.sh status  # running or not
#
# Environment: ALEMBIX_PGBOUNCER_PORT (default 6432), PGHOST_PORT of the
# server behind it (default 5432), ALEMBIX_PGBOUNCER_DIR (default
# /tmp/alembix-pgbouncer-PORT: config, pid file, log). Authentication is
# `trust` for the user postgres, as the local server is set up.
#
# PgBouncer 1.18 (Debian bookworm) has no `max_prepared_statements` (1.21+):
# connect with `statement_cache = 0` in alembix.toml (or
# `?statement-cache-capacity=0` in the URL); see docs/scaling-out.md.
set -euo pipefail

port=${ALEMBIX_PGBOUNCER_PORT:-6432}
server_port=${PGHOST_PORT:-5432}
dir=${ALEMBIX_PGBOUNCER_DIR:-/tmp/alembix-pgbouncer-$port}
pidfile=$dir/pgbouncer.pid
url="postgres://postgres@127.0.0.1:$port"

up() { pg_isready -q -h 127.0.0.1 -p "$port" -d postgres -U postgres; }

running() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

# Runs PgBouncer's own commands as postgres when this is root: PgBouncer
# refuses to run as root.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

install_pgbouncer() {
    command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] && return 0
    echo "installing pgbouncer (apt-get)"
    if [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer >/dev/null
    else
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer >/dev/null
    fi
}

write_config() {
    mkdir -p "$dir"
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$server_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
pidfile = $pidfile
logfile = $dir/pgbouncer.log
INI
    printf '"postgres" ""\n' >"$dir/userlist.txt"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres:postgres "$dir"
    fi
}

start() {
    if running; then
        echo "PgBouncer is already running on 127.0.0.1:$port (pid $(cat "$pidfile"))"
        return 0
    fi
    if up; then
        echo "error: something else answers on 127.0.0.1:$port; set ALEMBIX_PGBOUNCER_PORT" >&2
        exit 1
    fi
    install_pgbouncer
    write_config
    local bin
    bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
    as_owner "$bin" -d -q "$dir/pgbouncer.ini"
    for _ in $(seq 1 30); do
        if up; then
            echo "PgBouncer is up on 127.0.0.1:$port (transaction pooling, pid $(cat "$pidfile"))"
            return 0
        fi
        sleep 1
    done
    echo "error: PgBouncer did not answer on 127.0.0.1:$port within 30 s; see $dir/pgbouncer.log" >&2
    exit 1
}

stop() {
    if ! running; then
        echo "PgBouncer (started by this script on port $port) is not running"
        return 0
    fi
    local pid
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || { echo "PgBouncer (pid $pid) stopped"; return 0; }
        sleep 0.1
    done
    echo "error: PgBouncer (pid $pid) did not stop" >&2
    exit 1
}

case ${1:-} in
start) start ;;
stop) stop ;;
url) echo "$url" ;;
status) if running; then echo "running (pid $(cat "$pidfile"))"; else echo "not running"; fi ;;
*)
    echo "usage: $0 start|stop|url|status" >&2
    exit 2
    ;;
esac
