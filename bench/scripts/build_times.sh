#!/usr/bin/env bash
# Clean build time of the quickstart example with every backend and with
# SQLite alone, side by side in one run. The example is copied into a
# throwaway crate that depends on the runtime with the chosen features, and
# each configuration is built from an empty target directory (the registry
# cache is shared, so downloads are not timed).
#
#   bash bench/scripts/build_times.sh [ROUNDS]   # default 1 round of each, alternated
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_crate() { # name features
    local dir=$work/$1
    mkdir -p "$dir/src/models"
    cp "$root/examples/quickstart.rs" "$dir/src/main.rs"
    cp "$root/examples/models/mod.rs" "$dir/src/models/mod.rs"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "quickstart-$1"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
alembix = { path = "$root/crates/alembix", $2 }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
tempfile = "3"
TOML
    cp "$root/Cargo.lock" "$dir/Cargo.lock"
}

make_crate all 'default-features = true'
make_crate sqlite 'default-features = false, features = ["sqlite"]'

declare -A total cpu
for config in all sqlite; do total[$config]=0; cpu[$config]=0; done
for _ in $(seq 1 "$rounds"); do
    for config in all sqlite; do
        dir=$work/$config
        rm -rf "$dir/target"
        # Wall time, and CPU time (user + system of cargo and every compiler
        # it runs), which another load on the machine disturbs much less.
        /usr/bin/time -f "%e %U %S" -o "$work/time" \
            cargo build --quiet --manifest-path "$dir/Cargo.toml" --target-dir "$dir/target"
        read -r secs user sys < "$work/time"
        total[$config]=$(echo "${total[$config]} + $secs" | bc)
        cpu[$config]=$(echo "${cpu[$config]} + $user + $sys" | bc)
        crates=$(ls "$dir/target/debug/deps" | grep -c '\.rlib$' || true)
        size=$(du -sm "$dir/target" | cut -f1)
        echo "round: $config ${secs}s wall, $(echo "$user + $sys" | bc)s CPU, $crates rlibs, ${size} MB" >&2
        eval "crates_$config=$crates; size_$config=$size"
    done
done

all=$(echo "scale=1; ${total[all]} / $rounds" | bc)
lite=$(echo "scale=1; ${total[sqlite]} / $rounds" | bc)
all_cpu=$(echo "scale=1; ${cpu[all]} / $rounds" | bc)
lite_cpu=$(echo "scale=1; ${cpu[sqlite]} / $rounds" | bc)
echo
echo "| quickstart, clean debug build (mean of $rounds) | wall s | CPU s | compiled crates | target size |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| all backends (default features) | $all | $all_cpu | $crates_all | ${size_all} MB |"
echo "| SQLite only | $lite | $lite_cpu | $crates_sqlite | ${size_sqlite} MB |"
echo "| ratio SQLite only / all | $(echo "scale=2; $lite / $all" | bc) | $(echo "scale=2; $lite_cpu / $all_cpu" | bc) | | |"
echo
echo "sqlx drivers in the SQLite-only build:"
cargo tree --manifest-path "$work/sqlite/Cargo.toml" -e normal --prefix none | grep -E '^sqlx-(postgres|mysql|sqlite) ' | sort -u
