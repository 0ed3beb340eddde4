//! Scale of `alembix check`: generated schemas of N tables (10 columns, 2
//! indexes and 1–2 foreign keys each), created from generated model files,
//! then `alembix check` timed as users run it, on PostgreSQL (default),
//! MariaDB/MySQL or SQLite.
//!
//! With `--upgrade`, times instead the first `alembix upgrade head` of the
//! same schema against the backend's own client running its `--sql` output
//! (see `scale_upgrade.rs`).
//!
//! ```text
//! cargo build --release -p alembix-cli
//! cargo run --release -p alembix-bench --bin scale -- --tables 100,1000,5000 --runs 5
//! cargo run --release -p alembix-bench --bin scale -- --backend mysql --tables 100,1000 --runs 5
//! cargo run --release -p alembix-bench --bin scale -- --backend sqlite --tables 100,1000,5000 --runs 5
//! cargo run --release -p alembix-bench --bin scale -- --upgrade --backend postgres --tables 1000 --runs 5
//! ```

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use alembix_schema::create_schema;

#[path = "scale_db.rs"]
mod scale_db;
#[path = "scale_upgrade.rs"]
mod scale_upgrade;
use scale_db::{Res, Scratch, median, models};

#[tokio::main]
async fn main() -> Res<()> {
    let mut sizes = vec![100usize, 1000, 5000];
    let mut runs = 5usize;
    let mut backend = "postgres".to_string();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    let mut upgrade = false;
    while i < args.len() {
        if args[i] == "--upgrade" {
            upgrade = true;
            i += 1;
            continue;
        }
        let value = args
            .get(i + 1)
            .ok_or_else(|| format!("{} needs a value", args[i]))?;
        match args[i].as_str() {
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
                    "unknown argument {other}; use [--upgrade] --backend postgres|mysql|sqlite --tables 100,1000 --runs 5"
                )
                .into());
            }
        }
        i += 2;
    }
    // Built next to this binary (`cargo build --release -p alembix-cli`).
    let bin = std::env::current_exe()?.with_file_name("alembix");
    if !bin.exists() {
        return Err("build the CLI first: cargo build --release -p alembix-cli".into());
    }
    if upgrade {
        return upgrade_sizes(&backend, &sizes, runs, &bin).await;
    }
    println!("`alembix check` on {backend}");
    println!();
    println!("| tables | alembix check (median of {runs}) | per table |");
    println!("| ---: | ---: | ---: |");
    for n in sizes {
        let dir = tempfile::tempdir()?;
        let scratch = Scratch::create(&backend, &n.to_string(), dir.path()).await?;
        let result = async {
            std::fs::create_dir_all(dir.path().join("src"))?;
            std::fs::create_dir_all(dir.path().join("migrations"))?;
            std::fs::write(dir.path().join("src/models.rs"), models(n))?;
            std::fs::write(
                dir.path().join("alembix.toml"),
                format!("database_url = \"{}\"\n", scratch.url),
            )?;
            // The database holds exactly the models' schema.
            let schema = alembix_autogen::scan::scan(dir.path(), &["src/**/*.rs".into()])?;
            scratch
                .run(&create_schema(&schema, scratch.dialect)?)
                .await?;
            let mut times = Vec::new();
            for _ in 0..runs + 1 {
                let start = Instant::now();
                let out = Command::new(&bin)
                    .arg("check")
                    .current_dir(dir.path())
                    .output()?;
                let took = start.elapsed();
                if !out.status.success() {
                    return Err(format!(
                        "alembix check failed ({:?}):\n{}{}",
                        out.status.code(),
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    )
                    .into());
                }
                times.push(took);
            }
            times.remove(0); // warm-up
            Ok::<_, Box<dyn std::error::Error>>(median(times))
        }
        .await;
        if std::env::var_os("ALEMBIX_SCALE_KEEP").is_some() {
            // For a look at the database afterwards.
            eprintln!("kept: {} ({})", scratch.url, dir.keep().display());
        } else {
            scratch.drop().await?;
        }
        let t = result?;
        println!(
            "| {n} | {:.0} ms | {:.2} ms |",
            t.as_secs_f64() * 1000.0,
            t.as_secs_f64() * 1000.0 / n as f64
        );
    }
    Ok(())
}

/// `--upgrade`: `alembix upgrade head` against the client, per size.
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
