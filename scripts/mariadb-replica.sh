#!/usr/bin/env bash
# A MariaDB primary and its replica (GTID replication), for the
# read-replica tests: two private `mariadbd` servers of Debian's binaries,
# each with its own data directory, socket and pid file under one directory,
# run as the `mysql` user, stopped and removed by `stop`. The shared server
# on 3306 is left alone (it has no binary log, and is not reconfigured).
#
#   bash scripts/mariadb-replica.sh start   # prints "PRIMARY_URL REPLICA_URL" when both answer
#   bash scripts/mariadb-replica.sh stop    # stops only servers this script started
#   bash scripts/mariadb-replica.sh url     # the same line as start, without starting
#
# `start` and `url` print one line: the primary's URL, a space, the
# replica's URL (`mysql://root@127.0.0.1:3307 mysql://root@127.0.0.1:3308`);
# `read -r primary replica < <(bash scripts/mariadb-replica.sh start)`
# splits it. `start` returns once both servers answer and the replica's IO
# and SQL threads run; it does nothing but print when the servers it
# started are still up.
#
# The primary: binary log, server_id=1, gtid_strict_mode, binlog_format=ROW.
# The replica: server_id=2, read_only, replicating from the primary with
# `MASTER_USE_GTID=slave_pos`. Both have `root` with an empty password.
#
# Settings: ALEMBIX_MARIADB_PRIMARY_PORT (default 3307),
# ALEMBIX_MARIADB_REPLICA_PORT (default 3308), ALEMBIX_MARIADB_REPLICA_DIR
# (default /tmp/alembix-mariadb-replica).
set -euo pipefail

PRIMARY_PORT=${ALEMBIX_MARIADB_PRIMARY_PORT:-3307}
REPLICA_PORT=${ALEMBIX_MARIADB_REPLICA_PORT:-3308}
DIR=${ALEMBIX_MARIADB_REPLICA_DIR:-/tmp/alembix-mariadb-replica}
MARK="$DIR/.started-by-alembix"
URLS="mysql://root@127.0.0.1:$PRIMARY_PORT mysql://root@127.0.0.1:$REPLICA_PORT"

# Runs the client on one of the servers (by port), as root over TCP.
sql() {
    local port=$1
    shift
    mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root --batch --skip-column-names "$@"
}

answers() {
    mariadb-admin --no-defaults -h 127.0.0.1 -P "$1" -u root --connect-timeout=2 ping >/dev/null 2>&1
}

# Whether anything listens on the port (a server of someone else, say).
taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Creates a server's data directory (root with an empty password) and
# starts it in the background with `$@` as extra options. Each server, and
# the bootstrap that creates its system tables, keeps its temporary files
# in a directory of its own. With both in /tmp, the replica's bootstrap,
# running while the primary started, once found its temporary tables gone
# ("Could not remove temporary table '/tmp/#sql-temptable-...', error: 2",
# then "Unknown table 'mysql.tmp_user_nopasswd,...'") and failed.
launch() {
    local name=$1 port=$2
    shift 2
    local home="$DIR/$name"
    install -d -o mysql -g mysql -m 750 "$home" "$home/data" "$home/tmp"
    mariadb-install-db --no-defaults --user=mysql --basedir=/usr \
        --datadir="$home/data" --tmpdir="$home/tmp" \
        --auth-root-authentication-method=normal \
        --skip-test-db --skip-name-resolve >"$home/install.log" 2>&1 || {
        echo "error: mariadb-install-db failed for the $name; see $home/install.log" >&2
        exit 1
    }
    # setsid: the server outlives this shell and its process group.
    setsid /usr/sbin/mariadbd --no-defaults --user=mysql --basedir=/usr \
        --datadir="$home/data" --tmpdir="$home/tmp" --port="$port" \
        --bind-address=127.0.0.1 \
        --socket="$home/mysqld.sock" --pid-file="$home/mysqld.pid" \
        --log-error="$home/error.log" --skip-name-resolve \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
        --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
        --max-connections=200 "$@" </dev/null >/dev/null 2>&1 &
}

wait_until() {
    local what=$1
    shift
    for _ in $(seq 1 60); do
        if "$@"; then
            return 0
        fi
        sleep 1
    done
    echo "error: $what within 60 s; see $DIR/*/error.log" >&2
    exit 1
}

replicating() {
    local status
    status=$(mariadb --no-defaults -h 127.0.0.1 -P "$REPLICA_PORT" -u root \
        -e "SHOW SLAVE STATUS\G" 2>/dev/null) || return 1
    grep -q "Slave_IO_Running: Yes" <<<"$status" && grep -q "Slave_SQL_Running: Yes" <<<"$status"
}

start() {
    if [ -f "$MARK" ] && answers "$PRIMARY_PORT" && answers "$REPLICA_PORT"; then
        echo "$URLS"
        return 0
    fi
    if [ -f "$MARK" ]; then
        # Left half-running by an earlier start: begin again.
        stop
    fi
    for port in "$PRIMARY_PORT" "$REPLICA_PORT"; do
        if taken "$port"; then
            echo "error: something else listens on port $port; set ALEMBIX_MARIADB_PRIMARY_PORT/ALEMBIX_MARIADB_REPLICA_PORT" >&2
            exit 1
        fi
    done
    rm -rf "$DIR"
    install -d -m 755 "$DIR"
    touch "$MARK"
    launch primary "$PRIMARY_PORT" --server-id=1 --log-bin="$DIR/primary/data/binlog" \
        --gtid-strict-mode=1 --binlog-format=ROW
    launch replica "$REPLICA_PORT" --server-id=2 --read-only=1 \
        --relay-log="$DIR/replica/data/relay" --skip-slave-start
    wait_until "the primary did not answer" answers "$PRIMARY_PORT"
    wait_until "the replica did not answer" answers "$REPLICA_PORT"
    sql "$REPLICA_PORT" -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1', \
        MASTER_PORT=$PRIMARY_PORT, MASTER_USER='root', MASTER_PASSWORD='', \
        MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos; START SLAVE;"
    wait_until "replication did not start" replicating
    echo "$URLS"
}

# Stops the server whose pid file is in `$1`, waiting until it is gone.
halt() {
    local pidfile="$DIR/$1/mysqld.pid" pid
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
}

stop() {
    if [ ! -f "$MARK" ]; then
        return 0
    fi
    halt replica
    halt primary
    rm -rf "$DIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) echo "$URLS" ;;
    *)
        echo "usage: $0 start|stop|url" >&2
        exit 2
        ;;
esac
