//! Scale of `alembix autogen`, `upgrade head` and `check`: generated
//! models of N tables (10 columns, 2 indexes and 1–2 foreign keys each).
//! For each size, on a fresh database of the backend asked for
//! (PostgreSQL by default, MariaDB/MySQL or SQLite), the commands are timed
//! as users run them: `autogen` against the empty database (it writes the
//! revision creating the N tables), `upgrade head` applying that revision
//! (the database is emptied again between runs), then `check` against the
//! upgraded database (which must find nothing to do).
//!
//! ```text
//! cargo build --release -p alembix-cli
//! cargo run --release -p alembix-bench --bin scale -- --tables 100,1000,10000 --runs 5
//! cargo run --release -p alembix-bench --bin scale -- --backend mysql --tables 1000 --runs 5
//! cargo run --release -p alembix-bench --bin scale -- --backend sqlite --tables 1000 --runs 5
//! ```
//!
//! The `alembix` binary is taken from `$CARGO_TARGET_DIR/release` (else
//! `target/release` of the workspace); `--bin PATH` names another.
//! Each figure is the median of `--runs` runs after a warm-up run (for
//! `upgrade head`, of `--upgrade-runs` runs, default 1, without warm-up;
//! with 0 the schema is made directly and stamped), wall-clock and CPU
//! (user + system) of the process.
//!
//! `--generate` also times `alembix models generate -o generated.rs`
//! (introspection, code generation, formatting) on the upgraded database:
//!
//! ```text
//! cargo run --release -p alembix-bench --bin scale -- --generate --tables 1000 --runs 5 --upgrade-runs 0
//! ```

#[path = "scale/db.rs"]
mod db;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use db::Scratch;

#[path = "scale/models.rs"]
mod models;
use models::{Res, median, models};

/// The CPU time (user + system) of the children waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Wall-clock and CPU time of one command.
#[derive(Clone, Copy)]
struct Timed {
    wall: Duration,
    cpu: Duration,
}

/// Runs `alembix ARGS` in `dir`; an error unless it succeeds.
fn alembix(bin: &Path, dir: &Path, args: &[&str]) -> Res<Timed> {
    let cpu = children_cpu();
    let start = Instant::now();
    let out = Command::new(bin).args(args).current_dir(dir).output()?;
    let wall = start.elapsed();
    let cpu = children_cpu() - cpu;
    if !out.status.success() {
        return Err(format!(
            "alembix {} failed ({:?}):\n{}{}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(Timed { wall, cpu })
}

/// Medians of wall-clock and CPU times.
fn medians(v: &[Timed]) -> Timed {
    Timed {
        wall: median(v.iter().map(|t| t.wall).collect()),
        cpu: median(v.iter().map(|t| t.cpu).collect()),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// What the command line asks for.
struct Args {
    sizes: Vec<usize>,
    runs: usize,
    upgrade_runs: usize,
    backend: String,
    bin: PathBuf,
    /// Also time `models generate` (`--generate`).
    generate: bool,
}

fn args() -> Res<Args> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let mut a = Args {
        sizes: vec![100, 1000, 10000],
        runs: 5,
        upgrade_runs: 1,
        backend: "postgres".into(),
        bin: target.join("release/alembix"),
        generate: false,
    };
    let mut argv: Vec<String> = std::env::args().skip(1).collect();
    a.generate = argv.iter().any(|x| x == "--generate");
    argv.retain(|x| x != "--generate");
    for pair in argv.chunks(2) {
        let value = pair
            .get(1)
            .ok_or_else(|| format!("{} needs a value", pair[0]))?;
        match pair[0].as_str() {
            "--tables" => {
                a.sizes = value
                    .split(',')
                    .map(|x| x.trim().parse())
                    .collect::<Result<_, _>>()?;
            }
            "--runs" => a.runs = value.parse()?,
            "--upgrade-runs" => a.upgrade_runs = value.parse()?,
            "--backend" => a.backend = value.clone(),
            "--bin" => a.bin = PathBuf::from(value),
            other => {
                return Err(format!(
                    "unknown argument {other}; use --backend postgres|mysql|sqlite --tables 100,1000 --runs 5 --upgrade-runs 1 --bin PATH [--generate]"
                )
                .into());
            }
        }
    }
    if a.runs == 0 {
        return Err("--runs needs at least 1".into());
    }
    if !a.bin.exists() {
        return Err(format!(
            "{} is missing: build the CLI first (cargo build --release -p alembix-cli)",
            a.bin.display()
        )
        .into());
    }
    Ok(a)
}

/// The three medians of one size.
struct Row {
    autogen: Timed,
    upgrade: Option<Timed>,
    check: Timed,
    /// `models generate -o generated.rs`, with `--generate`.
    generate: Option<Timed>,
}

/// Times `autogen` (empty database), `upgrade head` and `check` in `dir`.
async fn measure(a: &Args, n: usize, dir: &Path, scratch: &Scratch) -> Res<Row> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(dir.join("src/models.rs"), models(n))?;
    std::fs::write(
        dir.join("alembix.toml"),
        format!("database_url = \"{}\"\n", scratch.url),
    )?;
    let migrations = dir.join("migrations");
    let mut times = Vec::new();
    for _ in 0..a.runs + 1 {
        // Each run writes the one revision of an empty script directory.
        let _ = std::fs::remove_dir_all(&migrations);
        std::fs::create_dir_all(&migrations)?;
        times.push(alembix(&a.bin, dir, &["autogen", "-m", "scale"])?);
    }
    times.remove(0); // warm-up
    let autogen = medians(&times);
    let mut times = Vec::new();
    let mut failed = None;
    for i in 0..a.upgrade_runs {
        if i > 0 {
            scratch.reset().await?;
        }
        match alembix(&a.bin, dir, &["upgrade", "head"]) {
            Ok(t) => times.push(t),
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let upgrade = match failed {
        None if times.is_empty() => {
            seed(&a.bin, dir, scratch).await?;
            None
        }
        None => Some(medians(&times)),
        Some(e) => {
            // Still time `check`: the schema made directly, stamped at head.
            eprintln!("{n} tables: upgrade head failed, schema made directly: {e}");
            seed(&a.bin, dir, scratch).await?;
            None
        }
    };
    let mut times = Vec::new();
    for _ in 0..a.runs + 1 {
        times.push(alembix(&a.bin, dir, &["check"])?);
    }
    times.remove(0);
    let check = medians(&times);
    let generate = if a.generate {
        let mut times = Vec::new();
        for _ in 0..a.runs + 1 {
            times.push(alembix(
                &a.bin,
                dir,
                &["models", "generate", "-o", "generated.rs"],
            )?);
        }
        times.remove(0);
        Some(medians(&times))
    } else {
        None
    };
    Ok(Row {
        autogen,
        upgrade,
        check,
        generate,
    })
}

/// The models' schema made directly (not through `upgrade head`) and the
/// database stamped at the revision.
async fn seed(bin: &Path, dir: &Path, scratch: &Scratch) -> Res<()> {
    scratch.reset().await?;
    let schema = alembix_autogen::scan::scan(dir, &["src/**/*.rs".into()])?;
    scratch
        .seed(&alembix_schema::create_schema(&schema, scratch.dialect())?)
        .await?;
    alembix(bin, dir, &["stamp", "head"])?;
    Ok(())
}

fn cell(t: Timed) -> String {
    format!("{:.0} ms ({:.0} ms)", ms(t.wall), ms(t.cpu))
}

#[tokio::main]
async fn main() -> Res<()> {
    let a = args()?;
    println!(
        "`alembix` on {}: wall-clock (CPU) medians, {} runs ({} of upgrade head)",
        a.backend, a.runs, a.upgrade_runs
    );
    println!();
    println!(
        "| tables | autogen (empty database) | upgrade head | check | check per table | models generate |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for &n in &a.sizes {
        let dir = tempfile::tempdir()?;
        let scratch = Scratch::create(&a.backend, &n.to_string(), dir.path()).await?;
        let result = measure(&a, n, dir.path(), &scratch).await;
        if std::env::var_os("ALEMBIX_SCALE_KEEP").is_some() {
            // For a look at the database afterwards.
            eprintln!("kept: {} ({})", scratch.url, dir.keep().display());
        } else {
            scratch.drop().await?;
        }
        let row = result?;
        println!(
            "| {n} | {} | {} | {} | {:.2} ms | {} |",
            cell(row.autogen),
            row.upgrade.map_or_else(
                || if a.upgrade_runs == 0 {
                    "not run"
                } else {
                    "failed"
                }
                .into(),
                cell
            ),
            cell(row.check),
            ms(row.check.wall) / n as f64,
            row.generate.map_or_else(|| "not run".into(), cell)
        );
    }
    Ok(())
}
