#!/usr/bin/env bash
# The C client libraries Diesel links against, for the `peers` benchmark
# (`cargo run --release -p alembix-bench --features peers --bin peers`):
# libpq (PostgreSQL), libmariadb as libmysqlclient (MariaDB/MySQL) and
# libsqlite3, with their headers and pkg-config files. Debian/Ubuntu, as
# root. Nothing else in the workspace needs them: sqlx, SeaORM and Alembix
# speak the wire protocols themselves and build SQLite from source.
#
#   bash scripts/bench-peers-setup.sh
set -euo pipefail

packages=(libpq-dev default-libmysqlclient-dev libsqlite3-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "already installed: ${packages[*]}"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "error: installing ${missing[*]} needs root (run as root or with sudo)" >&2
    exit 2
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
echo "installed: ${missing[*]}"
