//! The everyday queries of issue 13 against hand-written sqlx, side by side
//! on PostgreSQL, MariaDB and SQLite:
//!
//! * a three-table join (comments → posts → authors) with a filter, an
//!   order and a limit, run 1,000 times;
//! * a nested load of 1,000 posts with their comments (~10 each) and each
//!   comment's author: one query per level on both sides.
//!
//! ```text
//! cargo run --release -p alembix-bench --bin queries -- [--runs R] [--nested-runs N] [--pool P] [--separate-pools] [--backend postgres|mariadb|sqlite|all]
//! ```
//!
//! Both sides read the same tables. Every workload runs once as a warm-up,
//! then `R` times (default 7) with the order of the two sides alternated;
//! the median of each side is reported, with the ratio alembix/sqlx. The
//! join's 1,000 queries alternate between the sides in blocks of 50 within
//! each run (see `measure_joins`). The nested load, about 20 ms, runs `N`
//! times (default 5 × `R`): its median over `R` runs moved by more than the
//! 5 % it is meant to show.
//!
//! Both sides run on the same connections: the sqlx side uses the sqlx
//! pool under the `Db` (`Db::as_postgres` and its like). With a pool each,
//! the ratio moved from 0.99 to 1.11 between invocations: the server
//! processes behind the connections differ in speed (a join's execution
//! took 0.88 ms on one and 1.07 ms on another, in one run), and each side
//! drew its own. `--separate-pools` gives each side a pool of its own
//! again; `--pool P` makes the pool (or each pool) at most `P` connections
//! instead of the default 10.
//!
//! `--only sqlx|alembix` runs that side alone (`--runs` times, no warm-up,
//! no table): for counting one side's client instructions under
//! `valgrind --tool=callgrind`, which do not depend on the machine's load.
//! The difference of two such counts is what one side costs more.

mod data;
mod side_alembix;
mod side_sqlx;

use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How many times the join runs per measurement.
pub const JOINS: usize = 1_000;
/// Joins one side runs before the other side's turn (see [`measure_joins`]).
pub const JOIN_BLOCK: usize = 50;
/// Posts loaded with their comments and authors.
pub const PARENTS: usize = 1_000;

/// One joined row, as both sides return it.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinRow {
    pub comment_id: i64,
    pub body: String,
    pub post_title: String,
    pub author_name: String,
}

/// A post with its comments, each with its author: the nested load's result
/// reduced to what both sides must agree on.
#[derive(Debug, Clone, PartialEq)]
pub struct Nested {
    pub post_id: i64,
    pub comments: Vec<(i64, String)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Postgres,
    MariaDb,
    Sqlite,
}

impl Backend {
    fn label(self) -> &'static str {
        match self {
            Backend::Postgres => "PostgreSQL",
            Backend::MariaDb => "MariaDB",
            Backend::Sqlite => "SQLite",
        }
    }
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

/// Times `a` (sqlx) and `b` (alembix) alternately, `runs` times after one
/// warm-up each; medians in ms.
async fn measure<A, B, FA, FB>(runs: usize, mut a: A, mut b: B) -> Res<(f64, f64)>
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: Future<Output = Res<()>>,
    FB: Future<Output = Res<()>>,
{
    a().await?;
    b().await?;
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for run in 0..runs {
        for first in [run % 2 == 0, run % 2 != 0] {
            let start = Instant::now();
            if first {
                a().await?;
                ta.push(start.elapsed());
            } else {
                b().await?;
                tb.push(start.elapsed());
            }
        }
    }
    Ok((median(ta), median(tb)))
}

/// Times the [`JOINS`] joins of `a` (sqlx) and `b` (alembix), `runs` times
/// after one warm-up each, in blocks of [`JOIN_BLOCK`] joins that alternate
/// between the sides (which side starts alternates too): both sides run
/// under the same conditions of the machine, whose speed drifts by more
/// than the 5 % the workload is meant to show over the few seconds one
/// side's whole 1,000 joins take. A side's time for a run is the sum of its
/// blocks; medians in ms.
async fn measure_joins<A, B, FA, FB>(runs: usize, mut a: A, mut b: B) -> Res<(f64, f64)>
where
    A: FnMut(i32) -> FA,
    B: FnMut(i32) -> FB,
    FA: Future<Output = Res<Vec<JoinRow>>>,
    FB: Future<Output = Res<Vec<JoinRow>>>,
{
    for k in 0..JOINS as i32 {
        std::hint::black_box(a(k).await?);
        std::hint::black_box(b(k).await?);
    }
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let (mut sa, mut sb) = (Duration::ZERO, Duration::ZERO);
        for (block, start) in (0..JOINS).step_by(JOIN_BLOCK).enumerate() {
            let ks = start as i32..(start + JOIN_BLOCK).min(JOINS) as i32;
            let a_first = (run + block) % 2 == 0;
            for side_a in [a_first, !a_first] {
                let clock = Instant::now();
                for k in ks.clone() {
                    if side_a {
                        std::hint::black_box(a(k).await?);
                    } else {
                        std::hint::black_box(b(k).await?);
                    }
                }
                if side_a {
                    sa += clock.elapsed();
                } else {
                    sb += clock.elapsed();
                }
            }
        }
        ta.push(sa);
        tb.push(sb);
    }
    Ok((median(ta), median(tb)))
}

struct Line {
    backend: &'static str,
    workload: String,
    sqlx: f64,
    alembix: f64,
}

/// Which sides run: both, timed side by side, or one alone.
#[derive(Clone, Copy, PartialEq)]
enum Sides {
    Both,
    Sqlx,
    Alembix,
}

async fn bench_backend(
    backend: Backend,
    (runs, nested_runs): (usize, usize),
    sides: Sides,
    (pool, separate): (Option<u32>, bool),
    out: &mut Vec<Line>,
) -> Res<()> {
    let env = data::Env::setup(backend).await?;
    let mut opts = alembix::PoolOptions::default();
    if let Some(max) = pool {
        opts.max_connections = max;
    }
    let ax = alembix::Db::connect_with(&env.url, opts).await?;
    let sq = if separate {
        side_sqlx::Sqlx::connect(&env.url, pool).await?
    } else {
        side_sqlx::Sqlx::sharing(&ax)
    };
    // Both sides must return the same thing before anything is timed.
    for k in [0, 7, 33] {
        let (a, b) = (sq.join(k).await?, side_alembix::join(&ax, k).await?);
        if a != b || a.is_empty() {
            return Err(format!("{}: the join results differ for k = {k}", backend.label()).into());
        }
    }
    if sq.nested().await? != side_alembix::nested(&ax).await? {
        return Err(format!("{}: the nested loads differ", backend.label()).into());
    }
    if sides != Sides::Both {
        for _ in 0..runs {
            for k in 0..JOINS {
                if sides == Sides::Sqlx {
                    std::hint::black_box(sq.join(k as i32).await?);
                } else {
                    std::hint::black_box(side_alembix::join(&ax, k as i32).await?);
                }
            }
            if sides == Sides::Sqlx {
                std::hint::black_box(sq.nested().await?);
            } else {
                std::hint::black_box(side_alembix::nested(&ax).await?);
            }
        }
        ax.close().await;
        sq.close().await;
        return env.teardown().await;
    }
    let (s, a) = measure_joins(runs, |k| sq.join(k), |k| side_alembix::join(&ax, k)).await?;
    report(
        backend,
        format!("3-table join, filter/order/limit, x{JOINS}"),
        s,
        a,
        out,
    );
    let (s, a) = measure(
        nested_runs,
        || async { std::hint::black_box(sq.nested().await).map(|_| ()) },
        || async { std::hint::black_box(side_alembix::nested(&ax).await).map(|_| ()) },
    )
    .await?;
    report(
        backend,
        format!("nested load of {PARENTS} posts → comments → authors"),
        s,
        a,
        out,
    );
    ax.close().await;
    sq.close().await;
    env.teardown().await
}

fn report(backend: Backend, workload: String, sqlx: f64, alembix: f64, out: &mut Vec<Line>) {
    eprintln!(
        "{:<10} {:<50} sqlx {:>9.2} ms  alembix {:>9.2} ms  x{:.3}",
        backend.label(),
        workload,
        sqlx,
        alembix,
        alembix / sqlx
    );
    out.push(Line {
        backend: backend.label(),
        workload,
        sqlx,
        alembix,
    });
}

#[tokio::main]
async fn main() {
    if let Err(e) = real_main().await {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

async fn real_main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let runs = cli_args::arg("--runs", 7);
    let nested_runs = cli_args::arg("--nested-runs", runs * 5);
    let pool = args
        .iter()
        .any(|a| a == "--pool")
        .then(|| cli_args::arg("--pool", 10) as u32);
    let separate = args.iter().any(|a| a == "--separate-pools");
    let which = args
        .iter()
        .position(|a| a == "--backend")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .unwrap_or("all");
    let backends: Vec<Backend> = match which {
        "postgres" => vec![Backend::Postgres],
        "mariadb" => vec![Backend::MariaDb],
        "sqlite" => vec![Backend::Sqlite],
        "all" => vec![Backend::Postgres, Backend::MariaDb, Backend::Sqlite],
        other => {
            return Err(
                format!("unknown backend {other:?}: postgres, mariadb, sqlite or all").into(),
            );
        }
    };
    let sides = match args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
    {
        None => Sides::Both,
        Some("sqlx") => Sides::Sqlx,
        Some("alembix") => Sides::Alembix,
        Some(other) => return Err(format!("unknown side {other:?}: sqlx or alembix").into()),
    };
    let mut lines = Vec::new();
    for b in backends {
        bench_backend(b, (runs, nested_runs), sides, (pool, separate), &mut lines).await?;
    }
    if sides != Sides::Both {
        return Ok(());
    }
    println!(
        "\nmedian of {runs} runs (nested load: {nested_runs}) after a warm-up, sides alternated\n"
    );
    println!("| backend | workload | sqlx ms | alembix ms | ratio (alembix/sqlx) |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for l in &lines {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.3} |",
            l.backend,
            l.workload,
            l.sqlx,
            l.alembix,
            l.alembix / l.sqlx
        );
    }
    Ok(())
}

#[path = "../cli_args.rs"]
mod cli_args;
