#!/usr/bin/env bash
# The C client libraries Diesel links against, for the `peers` benchmark
# (`cargo run --release -p alembix-bench --features peers --bin peers`):
# libpq (PostgreSQL) and libmariadb as libmysqlclient (MariaDB/MySQL), with
# their headers and pkg-config files. Debian/Ubuntu, as root. SQLite needs
# nothing: sqlx builds it from source (libsqlite3-sys "bundled") and Diesel
# links the same build. Nothing else in the workspace needs these: sqlx,
# SeaORM and Alembix speak the wire protocols themselves.
#
#   bash scripts/bench-peers-setup.sh
set -euo pipefail

packages=(libpq-dev default-libmysqlclient-dev pkg-config)
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
