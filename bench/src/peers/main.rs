//! Alembix, SeaORM, Diesel and hand-written sqlx side by side on
//! PostgreSQL, MariaDB and SQLite.
//!
//! ```text
//! cargo run --release -p alembix-bench --features peers --bin peers -- \
//!     [--runs R] [--backend postgres|mysql|sqlite|all] [--only WORKLOAD]
//! ```
//!
//! Every workload runs once per side as a warm-up (where the sides' results
//! are also compared), then `R` times (default 5) with the order of the four
//! sides rotated from one run to the next; the median of each side is
//! reported with its ratio to sqlx, one table per backend.

mod data;
mod side_alembix;
mod side_diesel;
mod side_seaorm;
mod side_sqlx;
mod sqlx_queries;

use std::time::Duration;

use data::{Backend, Env};

pub type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Rows read by the fetch workload, and inserted by the bulk insert.
pub const ROWS: usize = 10_000;
/// Key lookups, one after another.
pub const LOOKUPS: usize = 2_000;
/// Rows updated by key, and rows inserted one by one.
pub const SINGLES: usize = 1_000;
/// Parents loaded with their children (10 each).
pub const PARENTS: usize = 1_000;
/// Runs of the join query.
pub const JOINS: usize = 1_000;
/// Transactions of 10 statements.
pub const TXS: usize = 500;

/// A row of the insert workloads, the same data for every side.
#[derive(Debug, Clone)]
pub struct NewRow {
    pub name: String,
    pub email: String,
    pub age: i32,
    pub score: f64,
    pub active: bool,
}

/// Rows `0..n` of the insert data set.
pub fn new_rows(n: usize) -> Vec<NewRow> {
    (0..n)
        .map(|i| NewRow {
            name: format!("new user {i}"),
            email: format!("new{i}@example.com"),
            age: 18 + (i % 60) as i32,
            score: i as f64 * 0.37,
            active: i % 4 != 0,
        })
        .collect()
}

/// The key of the `k`-th lookup: scattered over the table.
pub fn lookup_id(k: usize) -> i64 {
    ((k * 7919) % ROWS + 1) as i64
}

/// The filter and the page of the `k`-th join.
pub fn join_params(k: usize) -> (i32, u64) {
    (((k * 7) % 90) as i32, ((k * 13) % 50) as u64)
}

/// The three users the `k`-th transaction touches.
pub fn tx_ids(k: usize) -> [i64; 3] {
    let k = k as i64;
    [
        (k * 17) % 1_000 + 1,
        (k * 31 + 500) % 1_000 + 1,
        (k * 7919) % ROWS as i64 + 1,
    ]
}

/// A measured run: its time and a checksum the four sides must agree on.
pub type Timed = (Duration, u64);

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Workload {
    Fetch,
    Lookup,
    Update,
    Bulk,
    Insert,
    Eager,
    Join,
    Tx,
}

impl Workload {
    const ALL: [Workload; 8] = [
        Workload::Fetch,
        Workload::Lookup,
        Workload::Update,
        Workload::Bulk,
        Workload::Insert,
        Workload::Eager,
        Workload::Join,
        Workload::Tx,
    ];

    fn key(self) -> &'static str {
        match self {
            Workload::Fetch => "fetch",
            Workload::Lookup => "lookup",
            Workload::Update => "update",
            Workload::Bulk => "bulk",
            Workload::Insert => "insert",
            Workload::Eager => "eager",
            Workload::Join => "join",
            Workload::Tx => "tx",
        }
    }

    fn label(self) -> String {
        match self {
            Workload::Fetch => format!("fetch {ROWS} rows"),
            Workload::Lookup => format!("{LOOKUPS} key lookups"),
            Workload::Update => format!("update {SINGLES} rows by key"),
            Workload::Bulk => format!("bulk insert {ROWS} rows"),
            Workload::Insert => format!("insert {SINGLES} rows one by one"),
            Workload::Eager => format!("eager-load {PARENTS} parents + 10 children each"),
            Workload::Join => format!("join, filter, order, limit x{JOINS}"),
            Workload::Tx => format!("transaction of 10 statements x{TXS}"),
        }
    }
}

/// The four sides, in the order of the table's columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Which {
    Sqlx,
    Alembix,
    SeaOrm,
    Diesel,
}

const SIDES: [Which; 4] = [Which::Sqlx, Which::Alembix, Which::SeaOrm, Which::Diesel];

/// Every side connected to one backend's database.
struct Sides {
    sqlx: side_sqlx::Sqlx,
    alembix: side_alembix::Alembix,
    seaorm: side_seaorm::SeaOrm,
    diesel: side_diesel::Diesel,
}

impl Sides {
    async fn connect(env: &Env) -> Res<Sides> {
        Ok(Sides {
            sqlx: side_sqlx::Sqlx::connect(env).await?,
            alembix: side_alembix::Alembix::connect(env).await?,
            seaorm: side_seaorm::SeaOrm::connect(env).await?,
            diesel: side_diesel::Diesel::connect(env)?,
        })
    }

    /// One timed run of one side; untimed preparation (emptying the insert
    /// table, loading the rows to update) happens inside.
    async fn run(&self, env: &Env, w: Workload, side: Which) -> Res<Timed> {
        if matches!(w, Workload::Bulk | Workload::Insert | Workload::Tx) {
            env.clear_inserts().await?;
        }
        match side {
            Which::Sqlx => self.sqlx.run(w).await,
            Which::Alembix => self.alembix.run(w).await,
            Which::SeaOrm => self.seaorm.run(w).await,
            Which::Diesel => self.diesel.run(w).await,
        }
    }

    async fn close(self) {
        self.sqlx.close().await;
        self.alembix.close().await;
        self.seaorm.close().await;
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
    mid.as_secs_f64() * 1000.0
}

/// The CPU time this process has used so far (user + system, every thread,
/// including the SQLite engine and Diesel's C clients), from
/// `/proc/self/stat`; 10 ms resolution (100 ticks a second). Zero where
/// there is no `/proc`.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    // utime and stime: fields 14 and 15, the 12th and 13th after the name.
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// The medians of one workload: wall time and client CPU time per side, in
/// the order of `SIDES`, in ms.
pub struct Medians {
    wall: [f64; 4],
    cpu: [f64; 4],
}

/// Warm-up (with the checksums compared), then `runs` rounds with the order
/// of the sides rotated; the median of each side, in the order of `SIDES`.
async fn measure(sides: &Sides, env: &Env, w: Workload, runs: usize) -> Res<Medians> {
    let mut sums = Vec::new();
    for side in SIDES {
        let (_, sum) = sides.run(env, w, side).await?;
        sums.push(sum);
    }
    if sums.contains(&0) || sums.iter().any(|s| *s != sums[0]) {
        return Err(format!("{}: the sides disagree: {sums:?}", w.label()).into());
    }
    let mut times: [Vec<Duration>; 4] = Default::default();
    let mut cpu: [Vec<Duration>; 4] = Default::default();
    for run in 0..runs {
        for k in 0..SIDES.len() {
            let i = (k + run) % SIDES.len();
            let before = cpu_time();
            let (took, _) = sides.run(env, w, SIDES[i]).await?;
            cpu[i].push(cpu_time().saturating_sub(before));
            times[i].push(took);
        }
    }
    if std::env::var_os("BENCH_SAMPLES").is_some() {
        for (side, ts) in SIDES.iter().zip(&times) {
            let ms: Vec<String> = ts
                .iter()
                .map(|d| format!("{:.1}", d.as_secs_f64() * 1e3))
                .collect();
            eprintln!("  {w:?} {side:?} {ms:?}");
        }
    }
    Ok(Medians {
        wall: times.map(median),
        cpu: cpu.map(median),
    })
}

struct Args {
    runs: usize,
    backends: Vec<Backend>,
    only: Option<String>,
}

fn parse_args() -> Res<Args> {
    let mut out = Args {
        runs: 5,
        backends: vec![Backend::Postgres, Backend::MariaDb, Backend::Sqlite],
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--runs" => {
                out.runs = value()?
                    .parse()
                    .map_err(|_| "--runs needs a number of at least 1")?;
            }
            "--backend" => {
                out.backends = match value()?.as_str() {
                    "postgres" => vec![Backend::Postgres],
                    "mysql" | "mariadb" => vec![Backend::MariaDb],
                    "sqlite" => vec![Backend::Sqlite],
                    "all" => out.backends,
                    other => {
                        return Err(format!(
                            "unknown backend {other:?}: postgres, mysql, sqlite or all"
                        )
                        .into());
                    }
                }
            }
            "--only" => {
                let w = value()?;
                if !Workload::ALL.iter().any(|x| x.key() == w) {
                    let keys: Vec<&str> = Workload::ALL.iter().map(|x| x.key()).collect();
                    return Err(format!("unknown workload {w:?}: one of {keys:?}").into());
                }
                out.only = Some(w);
            }
            "-h" | "--help" => {
                println!(
                    "usage: peers [--runs R] [--backend postgres|mysql|sqlite|all] \
                     [--only fetch|lookup|update|bulk|insert|eager|join|tx]"
                );
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {arg:?} (try --help)").into()),
        }
    }
    if out.runs == 0 {
        return Err("--runs needs a number of at least 1".into());
    }
    Ok(out)
}

async fn bench_backend(backend: Backend, args: &Args) -> Res<Vec<(Workload, Medians)>> {
    let env = Env::setup(backend).await?;
    let result = async {
        let sides = Sides::connect(&env).await?;
        let mut lines = Vec::new();
        for w in Workload::ALL {
            if args.only.as_ref().is_some_and(|o| o != w.key()) {
                continue;
            }
            let m = measure(&sides, &env, w, args.runs).await?;
            let ms = m.wall;
            eprintln!(
                "{:<10} {:<46} sqlx {:>8.2}  alembix {:>8.2}  sea-orm {:>8.2}  diesel {:>8.2} ms",
                backend.label(),
                w.label(),
                ms[0],
                ms[1],
                ms[2],
                ms[3]
            );
            lines.push((w, m));
        }
        sides.close().await;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(lines)
    }
    .await;
    env.teardown().await?;
    result
}

fn print_table(backend: Backend, runs: usize, lines: &[(Workload, Medians)]) {
    println!(
        "\n{}, median of {runs} runs after a warm-up, sides rotated; ms (ratio to sqlx)\n",
        backend.label()
    );
    print_rows(lines, |m| m.wall);
    println!(
        "\n{}, client CPU time (user + system of this process, 10 ms resolution, \
         untimed preparation included); ms (ratio to sqlx)\n",
        backend.label()
    );
    print_rows(lines, |m| m.cpu);
}

fn print_rows(lines: &[(Workload, Medians)], pick: impl Fn(&Medians) -> [f64; 4]) {
    println!("| workload | sqlx | alembix | sea-orm | diesel |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (w, m) in lines {
        let ms = pick(m);
        let cell = |x: f64| format!("{x:.2} ({:.2})", x / ms[0]);
        println!(
            "| {} | {:.2} | {} | {} | {} |",
            w.label(),
            ms[0],
            cell(ms[1]),
            cell(ms[2]),
            cell(ms[3])
        );
    }
}

#[tokio::main]
async fn main() {
    if let Err(e) = real_main().await {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

async fn real_main() -> Res<()> {
    let args = parse_args()?;
    let mut tables = Vec::new();
    for &b in &args.backends {
        tables.push((b, bench_backend(b, &args).await?));
    }
    for (b, lines) in &tables {
        print_table(*b, args.runs, lines);
    }
    Ok(())
}
