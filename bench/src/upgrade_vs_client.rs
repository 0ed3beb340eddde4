//! The first `alembix upgrade head` of a generated schema of N tables
//! against the backend's own client (`psql -1 -f`, `mariadb <`, `sqlite3`)
//! running the same `upgrade head --sql` output, alternating, median of
//! `--runs` (see `scale_upgrade.rs`).
//!
//! ```text
//! cargo build --release -p alembix-cli
//! cargo run --release -p alembix-bench --bin upgrade_vs_client -- --backend postgres --tables 1000 --runs 5
//! ```

use std::path::Path;

#[path = "scale/db.rs"]
#[allow(dead_code)] // `reset` and `seed` serve the `scale` binary
mod db;
#[path = "scale/models.rs"]
mod models;
#[path = "scale_upgrade.rs"]
mod scale_upgrade;
use models::Res;

#[tokio::main]
async fn main() -> Res<()> {
    let mut sizes = vec![1000usize];
    let mut runs = 5usize;
    let mut backend = "postgres".to_string();
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair
            .get(1)
            .ok_or_else(|| format!("{} needs a value", pair[0]))?;
        match pair[0].as_str() {
            "--tables" => {
                sizes = value
                    .split(',')
                    .map(|x| x.trim().parse())
                    .collect::<Result<_, _>>()?;
            }
            "--runs" => runs = value.parse()?,
            "--backend" => backend = value.clone(),
            other => {
                return Err(format!(
                    "unknown argument {other}; use --backend postgres|mysql|sqlite --tables 1000 --runs 5"
                )
                .into());
            }
        }
    }
    // Built next to this binary (`cargo build --release -p alembix-cli`).
    let bin = std::env::current_exe()?.with_file_name("alembix");
    if !bin.exists() {
        return Err("build the CLI first: cargo build --release -p alembix-cli".into());
    }
    upgrade_sizes(&backend, &sizes, runs, &bin).await
}

/// `alembix upgrade head` against the client, per size.
async fn upgrade_sizes(backend: &str, sizes: &[usize], runs: usize, bin: &Path) -> Res<()> {
    println!(
        "first `upgrade head` on {backend}: alembix against the client on `upgrade head --sql`"
    );
    println!();
    println!("| tables | alembix ms (median of {runs}) | client ms | ratio |");
    println!("| ---: | ---: | ---: | ---: |");
    for &n in sizes {
        let t = scale_upgrade::compare(backend, n, runs, bin).await?;
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {n} | {:.0} | {:.0} | {:.3} |",
            ms(t.alembix),
            ms(t.client),
            ms(t.alembix) / ms(t.client)
        );
    }
    Ok(())
}
