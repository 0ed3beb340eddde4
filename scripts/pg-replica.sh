#!/usr/bin/env bash
# A PostgreSQL hot standby of the local server (127.0.0.1:5432), for the
# read-replica tests: `pg_basebackup -R` into its own data directory, run on
# its own port by the `postgres` user, stopped and removed by `stop`.
#
#   bash scripts/pg-replica.sh start   # prints the replica's URL when it answers
#   bash scripts/pg-replica.sh stop    # stops only a replica this script started
#   bash scripts/pg-replica.sh url
#
# Settings: ALEMBIX_REPLICA_PORT (default 5433), ALEMBIX_REPLICA_DIR
# (default /tmp/alembix-pg-replica). The primary must accept replication
# connections from 127.0.0.1: `start` adds a `host replication` trust line to
# the primary's pg_hba.conf when none is there, and reloads it.
set -euo pipefail

PORT=${ALEMBIX_REPLICA_PORT:-5433}
DIR=${ALEMBIX_REPLICA_DIR:-/tmp/alembix-pg-replica}
MARK="$DIR/.started-by-alembix"
URL="postgres://postgres@127.0.0.1:$PORT"

bin_dir() {
    local v
    v=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then
        echo "/usr/lib/postgresql/$v/bin"
    else
        dirname "$(command -v pg_ctl)"
    fi
}

as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

allow_replication() {
    local hba
    hba=$(psql -h 127.0.0.1 -U postgres -Atc "SHOW hba_file")
    if ! grep -Eq '^\s*host\s+replication\s+all\s+127\.0\.0\.1/32' "$hba"; then
        echo "host replication all 127.0.0.1/32 trust" >>"$hba"
        psql -h 127.0.0.1 -U postgres -Atc "SELECT pg_reload_conf()" >/dev/null
        echo "allowed replication connections from 127.0.0.1 in $hba" >&2
    fi
}

start() {
    local bin
    bin=$(bin_dir)
    if [ -f "$MARK" ] && pg_isready -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1; then
        echo "$URL"
        return 0
    fi
    if pg_isready -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1; then
        echo "error: something else answers on port $PORT; set ALEMBIX_REPLICA_PORT" >&2
        exit 1
    fi
    allow_replication
    rm -rf "$DIR"
    install -d -o postgres -g postgres -m 700 "$DIR"
    as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$DIR" -R -X stream -c fast
    # Debian keeps the configuration outside the data directory: the standby
    # gets its own, small one.
    as_postgres sh -c "cat >'$DIR/postgresql.conf'" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
hot_standby = on
hot_standby_feedback = on
max_connections = 100
shared_buffers = 32MB
CONF
    as_postgres sh -c "cat >'$DIR/pg_hba.conf'" <<CONF
local all all trust
host all all 127.0.0.1/32 trust
CONF
    as_postgres touch "$MARK"
    as_postgres "$bin/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start >/dev/null
    for _ in $(seq 1 60); do
        if [ "$(psql "$URL/postgres" -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ]; then
            echo "$URL"
            return 0
        fi
        sleep 1
    done
    echo "error: the standby did not answer within 60 s; see $DIR/server.log" >&2
    exit 1
}

stop() {
    if [ ! -f "$MARK" ]; then
        return 0
    fi
    as_postgres "$(bin_dir)/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) echo "$URL" ;;
    *)
        echo "usage: $0 start|stop|url" >&2
        exit 2
        ;;
esac
