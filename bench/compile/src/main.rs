//! Compile time of the same 50 models with relations in Alembix, SeaORM and
//! Diesel.
//!
//! ```text
//! cargo run --release --manifest-path bench/compile/Cargo.toml -- [--runs R] [--out DIR]
//! ```
//!
//! Writes a cargo workspace of three library crates (`gen_alembix`,
//! `gen_seaorm`, `gen_diesel`) into `DIR` (default
//! `$CARGO_TARGET_DIR/compile-bench`, else `target/compile-bench`), builds
//! each once so that every dependency is compiled (not timed), then `R`
//! times (default 3), the crates in rotated order, in the dev profile:
//!
//! * **clean build of the crate only**: the crate's own artifacts (its
//!   `deps/` outputs, fingerprint and incremental directories) are removed,
//!   dependencies stay built; `cargo build -p <crate>` is timed;
//! * **incremental rebuild**: one field of one model (`amount` of model 25)
//!   changes from `i32` to `i64` (and back, the next time);
//!   `cargo build -p <crate>` is timed.
//!
//! Medians are printed as a table.

mod gen_alembix;
mod gen_diesel;
mod gen_seaorm;
mod schema;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The library versions and features the crates use (those of the
/// `peers` runtime benchmark).
pub const SEA_ORM: &str = "2.0.4";
pub const SEA_ORM_FEATURES: &str =
    "features = [\"runtime-tokio\", \"sqlx-postgres\", \"sqlx-mysql\", \"sqlx-sqlite\"]";
pub const DIESEL: &str = "2.3.14";
pub const DIESEL_FEATURES: &str = "default-features = false, features = [\"postgres\", \"mysql\", \"sqlite\", \"chrono\", \"r2d2\", \"32-column-tables\", \"returning_clauses_for_sqlite_3_35\"]";

const CRATES: [&str; 3] = ["gen_alembix", "gen_seaorm", "gen_diesel"];

/// A generated file, relative to its crate.
pub struct File {
    path: String,
    text: String,
}

impl File {
    pub fn new(path: impl Into<String>, text: String) -> File {
        File {
            path: path.into(),
            text,
        }
    }
}

pub fn cargo_toml(name: &str, dep: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{dep}\n"
    )
}

fn crate_files(name: &str, repo: &str, edited: bool) -> Vec<File> {
    match name {
        "gen_alembix" => gen_alembix::files(repo, edited),
        "gen_seaorm" => gen_seaorm::files(edited),
        _ => gen_diesel::files(edited),
    }
}

/// Writes the files of one crate whose text changed (an unchanged file keeps
/// its modification time).
fn write_crate(dir: &Path, files: &[File]) -> Res<()> {
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(f.text.as_str()) {
            continue;
        }
        std::fs::create_dir_all(path.parent().ok_or("a file without a folder")?)?;
        std::fs::write(&path, &f.text)?;
    }
    Ok(())
}

fn lines_of(files: &[File]) -> usize {
    files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| f.text.lines().count())
        .sum()
}

struct Bench {
    out: PathBuf,
    target: PathBuf,
    repo: String,
}

impl Bench {
    /// Runs `cargo build -p name` in the generated workspace; its duration.
    fn build(&self, name: &str) -> Res<Duration> {
        let start = Instant::now();
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--quiet", "-p", name])
            .current_dir(&self.out)
            .env("CARGO_TARGET_DIR", &self.target)
            .status()?;
        let took = start.elapsed();
        if !status.success() {
            return Err(format!("cargo build -p {name} failed in {}", self.out.display()).into());
        }
        Ok(took)
    }

    /// Removes the crate's own build outputs, so the next build compiles it
    /// from scratch while its dependencies stay built.
    fn clean_crate(&self, name: &str) -> Res<()> {
        let debug = self.target.join("debug");
        for sub in ["deps", ".fingerprint", "incremental"] {
            let Ok(entries) = std::fs::read_dir(debug.join(sub)) else {
                continue;
            };
            for e in entries {
                let e = e?;
                let file = e.file_name().to_string_lossy().into_owned();
                let stem = file.strip_prefix("lib").unwrap_or(&file);
                if stem.starts_with(&format!("{name}-")) || stem.starts_with(&format!("{name}.")) {
                    let path = e.path();
                    if path.is_dir() {
                        std::fs::remove_dir_all(&path)?;
                    } else {
                        std::fs::remove_file(&path)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn write(&self, name: &str, edited: bool) -> Res<()> {
        write_crate(&self.out.join(name), &crate_files(name, &self.repo, edited))
    }
}

fn median(mut xs: Vec<Duration>) -> f64 {
    xs.sort();
    let n = xs.len();
    let mid = if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2
    };
    mid.as_secs_f64()
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

/// Build times of the three crates, in the order of `CRATES`.
type Times = [Vec<Duration>; 3];

/// `runs` rounds, the crates in rotated order: a clean build of the crate,
/// then the one-field change and back, each build timed.
fn measure(bench: &Bench, runs: usize) -> Res<(Times, Times)> {
    let mut clean: Times = Default::default();
    let mut incr: Times = Default::default();
    for run in 0..runs {
        for k in 0..CRATES.len() {
            let i = (k + run) % CRATES.len();
            let name = CRATES[i];
            bench.write(name, false)?;
            bench.clean_crate(name)?;
            clean[i].push(bench.build(name)?);
            bench.write(name, true)?;
            incr[i].push(bench.build(name)?);
            bench.write(name, false)?;
            incr[i].push(bench.build(name)?);
            eprintln!(
                "run {run}: {name} clean {:.2} s, incremental {:.2} / {:.2} s",
                clean[i].last().unwrap().as_secs_f64(),
                incr[i][incr[i].len() - 2].as_secs_f64(),
                incr[i].last().unwrap().as_secs_f64()
            );
        }
    }
    Ok((clean, incr))
}

fn real_main() -> Res<()> {
    let runs: usize = match arg("--runs") {
        Some(r) => r
            .parse()
            .map_err(|_| "--runs needs a number of at least 1")?,
        None => 3,
    };
    if runs == 0 {
        return Err("--runs needs a number of at least 1".into());
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .ok_or("bench/compile is not inside the repository")?
        .to_path_buf();
    let out = match arg("--out") {
        Some(o) => PathBuf::from(o),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo.join("target"))
            .join("compile-bench"),
    };
    std::fs::create_dir_all(&out)?;
    let members: Vec<String> = CRATES.iter().map(|c| format!("\"{c}\"")).collect();
    let ws = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(out.join("Cargo.toml"), ws)?;
    // The same dependency versions as this repository.
    std::fs::copy(repo.join("Cargo.lock"), out.join("Cargo.lock"))?;
    let bench = Bench {
        target: out.join("target"),
        out,
        repo: repo.display().to_string(),
    };
    for name in CRATES {
        bench.write(name, false)?;
    }
    for name in CRATES {
        eprintln!("{name}: building it and its dependencies (not timed)");
        bench.build(name)?;
    }
    let (clean, incr) = measure(&bench, runs)?;
    println!(
        "\n50 models, dev profile, median of {runs} clean builds and {} incremental rebuilds\n",
        runs * 2
    );
    println!(
        "| crate | lines of Rust | clean build of the crate (s) | incremental rebuild after one field (s) |"
    );
    println!("| --- | ---: | ---: | ---: |");
    for (i, name) in CRATES.iter().enumerate() {
        println!(
            "| {name} | {} | {:.2} | {:.2} |",
            lines_of(&crate_files(name, &bench.repo, false)),
            median(clean[i].clone()),
            median(incr[i].clone())
        );
    }
    Ok(())
}
