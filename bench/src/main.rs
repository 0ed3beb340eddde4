//! Alembix against hand-written sqlx, side by side, on PostgreSQL and SQLite.
//!
//! ```text
//! cargo run --release -p alembix-bench -- [--rows N] [--backend postgres|sqlite|all] [--runs R]
//! ```
//!
//! Every workload runs once as a warm-up, then `R` times (default 5) with the
//! order of the two sides alternated; the median of each side is reported.
//! Resetting the table between runs is not timed.

mod lite;
mod pg;
mod roundtrip;

use std::time::{Duration, Instant};

use alembix::{Db, Model};
use chrono::{DateTime, TimeZone, Utc};

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The model as an Alembix user declares it.
#[derive(Model, Debug, Clone)]
#[model(table = "bench_users")]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub age: i32,
    pub score: f64,
    pub created_at: DateTime<Utc>,
}

/// The same row as a sqlx user declares it.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub age: i32,
    pub score: f64,
    pub created_at: DateTime<Utc>,
}

/// Rows `0..n` of the data set, identical for both sides.
fn user_rows(n: usize) -> Vec<UserRow> {
    (0..n)
        .map(|i| UserRow {
            id: 0,
            name: format!("user number {i}"),
            email: format!("user{i}@example.com"),
            age: 18 + (i % 60) as i32,
            score: i as f64 * 0.37,
            created_at: Utc
                .timestamp_opt(1_700_000_000 + i as i64 * 37, 123_456_000)
                .unwrap(),
        })
        .collect()
}

fn to_model(r: &UserRow) -> User {
    User {
        id: r.id,
        name: r.name.clone(),
        email: r.email.clone(),
        age: r.age,
        score: r.score,
        created_at: r.created_at,
    }
}

/// The hand-written sqlx side of each workload, per backend.
trait Target {
    fn name(&self) -> &'static str;
    fn db(&self) -> &Db;
    /// Empties the table (and restarts its key sequence where there is one).
    async fn truncate(&self) -> Res<()>;
    /// After seeding: let the database settle (statistics, visibility).
    async fn settle(&self) -> Res<()>;
    async fn fetch_all(&self) -> Res<Vec<UserRow>>;
    async fn get(&self, id: i64) -> Res<UserRow>;
    async fn first_rows(&self, n: usize) -> Res<Vec<UserRow>>;
    /// The fastest hand-written bulk insert.
    async fn bulk_insert(&self, rows: &[UserRow]) -> Res<()>;
    /// Other hand-written bulk inserts, compared in their own table.
    fn bulk_variants(&self) -> Vec<&'static str>;
    async fn bulk_insert_variant(&self, variant: &str, rows: &[UserRow]) -> Res<()>;
    async fn insert_one(&self, row: &UserRow) -> Res<i64>;
    async fn update(&self, row: &UserRow) -> Res<()>;
    async fn count(&self) -> Res<i64>;
    async fn close(self) -> Res<()>;
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Workload {
    Fetch,
    Lookup,
    Update,
    BulkInsert,
    InsertOne,
}

impl Workload {
    fn key(self) -> &'static str {
        match self {
            Workload::Fetch => "fetch",
            Workload::Lookup => "lookup",
            Workload::Update => "update",
            Workload::BulkInsert => "bulk",
            Workload::InsertOne => "insert",
        }
    }

    fn label(self, cfg: &Config) -> String {
        match self {
            Workload::Fetch => format!("fetch {} rows", cfg.rows),
            Workload::Lookup => format!("{} key lookups", cfg.lookups()),
            Workload::Update => format!("update {} rows by key", cfg.singles()),
            Workload::BulkInsert => format!("bulk insert {} rows", cfg.rows),
            Workload::InsertOne => format!("insert {} rows one by one", cfg.singles()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Sqlx,
    Alembix,
}

struct Config {
    rows: usize,
    runs: usize,
    postgres: bool,
    sqlite: bool,
    variants: bool,
    only: Option<String>,
    check: bool,
}

impl Config {
    fn lookups(&self) -> usize {
        self.rows.min(2_000)
    }
    fn singles(&self) -> usize {
        self.rows.min(1_000)
    }
}

fn fail(msg: impl Into<String>) -> Box<dyn std::error::Error + Send + Sync> {
    msg.into().into()
}

fn parse_args() -> Res<Config> {
    let mut cfg = Config {
        rows: 10_000,
        runs: 5,
        postgres: true,
        sqlite: true,
        variants: true,
        only: None,
        check: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| fail(format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--rows" => cfg.rows = value("--rows")?.parse()?,
            "--runs" => cfg.runs = value("--runs")?.parse()?,
            "--backend" => {
                let b = value("--backend")?;
                (cfg.postgres, cfg.sqlite) = match b.as_str() {
                    "postgres" => (true, false),
                    "sqlite" => (false, true),
                    "all" => (true, true),
                    _ => {
                        return Err(fail(format!(
                            "unknown backend {b:?}: postgres, sqlite or all"
                        )));
                    }
                };
            }
            "--no-variants" => cfg.variants = false,
            "--only" => cfg.only = Some(value("--only")?),
            "--check" => cfg.check = true,
            "-h" | "--help" => {
                println!(
                    "usage: bench [--rows N] [--backend postgres|sqlite|all] [--runs R] [--no-variants] \
                     [--only fetch|lookup|update|bulk|insert] [--check]"
                );
                std::process::exit(0);
            }
            _ => return Err(fail(format!("unknown argument {arg:?} (try --help)"))),
        }
    }
    if cfg.rows == 0 || cfg.runs == 0 {
        return Err(fail("--rows and --runs must be at least 1"));
    }
    Ok(cfg)
}

/// One timed run of one side of a workload; the untimed preparation first.
async fn run_once<T: Target>(t: &T, cfg: &Config, w: Workload, side: Side) -> Res<Duration> {
    let db = t.db();
    match w {
        Workload::Fetch => {
            let start = Instant::now();
            let n = match side {
                Side::Sqlx => t.fetch_all().await?.len(),
                Side::Alembix => User::find().all(db).await?.len(),
            };
            let took = start.elapsed();
            check(n == cfg.rows, "fetch returned the wrong number of rows")?;
            Ok(took)
        }
        Workload::Lookup => {
            let ids = lookup_ids(t, cfg).await?;
            let mut sum = 0i64;
            let start = Instant::now();
            match side {
                Side::Sqlx => {
                    for id in &ids {
                        sum += t.get(*id).await?.age as i64;
                    }
                }
                Side::Alembix => {
                    for id in &ids {
                        sum += User::get(db, *id).await?.age as i64;
                    }
                }
            }
            let took = start.elapsed();
            check(sum > 0, "lookups found nothing")?;
            Ok(took)
        }
        Workload::Update => match side {
            Side::Sqlx => {
                let mut rows = t.first_rows(cfg.singles()).await?;
                let start = Instant::now();
                for r in &mut rows {
                    r.score += 1.0;
                    r.age = (r.age + 1) % 100;
                    t.update(r).await?;
                }
                Ok(start.elapsed())
            }
            Side::Alembix => {
                let mut rows = User::find()
                    .order_by(User::id.asc())
                    .limit(cfg.singles() as u64)
                    .all(db)
                    .await?;
                let start = Instant::now();
                for r in &mut rows {
                    r.score += 1.0;
                    r.age = (r.age + 1) % 100;
                    r.save(db).await?;
                }
                Ok(start.elapsed())
            }
        },
        Workload::BulkInsert => {
            t.truncate().await?;
            let data = user_rows(cfg.rows);
            let took = match side {
                Side::Sqlx => {
                    let start = Instant::now();
                    t.bulk_insert(&data).await?;
                    start.elapsed()
                }
                Side::Alembix => {
                    let models: Vec<User> = data.iter().map(to_model).collect();
                    let start = Instant::now();
                    User::insert_many(db, &models).await?;
                    start.elapsed()
                }
            };
            check(t.count().await? == cfg.rows as i64, "bulk insert lost rows")?;
            Ok(took)
        }
        Workload::InsertOne => {
            t.truncate().await?;
            let data = user_rows(cfg.singles());
            let took = match side {
                Side::Sqlx => {
                    let start = Instant::now();
                    for r in &data {
                        t.insert_one(r).await?;
                    }
                    start.elapsed()
                }
                Side::Alembix => {
                    let models: Vec<User> = data.iter().map(to_model).collect();
                    let start = Instant::now();
                    for m in &models {
                        m.insert(db).await?;
                    }
                    start.elapsed()
                }
            };
            check(t.count().await? == cfg.singles() as i64, "insert lost rows")?;
            Ok(took)
        }
    }
}

fn check(ok: bool, msg: &str) -> Res<()> {
    if ok { Ok(()) } else { Err(fail(msg)) }
}

/// The keys to look up: a fixed scattered sample of the table.
async fn lookup_ids<T: Target>(t: &T, cfg: &Config) -> Res<Vec<i64>> {
    let mut all: Vec<i64> = t.first_rows(cfg.rows).await?.iter().map(|r| r.id).collect();
    all.sort_unstable();
    let n = all.len();
    Ok((0..cfg.lookups())
        .map(|i| all[(i * 7919 + 13) % n])
        .collect())
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

/// Warm-up, then `runs` runs of each side in alternating order; the medians.
async fn measure<T: Target>(t: &T, cfg: &Config, w: Workload) -> Res<(f64, f64)> {
    run_once(t, cfg, w, Side::Sqlx).await?;
    run_once(t, cfg, w, Side::Alembix).await?;
    let (mut s, mut a) = (Vec::new(), Vec::new());
    for i in 0..cfg.runs {
        let order = if i % 2 == 0 {
            [Side::Sqlx, Side::Alembix]
        } else {
            [Side::Alembix, Side::Sqlx]
        };
        for side in order {
            let d = run_once(t, cfg, w, side).await?;
            match side {
                Side::Sqlx => s.push(d),
                Side::Alembix => a.push(d),
            }
        }
    }
    if std::env::var_os("BENCH_SAMPLES").is_some() {
        let ms = |v: &[Duration]| -> Vec<String> {
            v.iter()
                .map(|d| format!("{:.1}", d.as_secs_f64() * 1000.0))
                .collect()
        };
        eprintln!("  {w:?} sqlx {:?}\n  {w:?} alembix {:?}", ms(&s), ms(&a));
    }
    Ok((median(s), median(a)))
}

struct Line {
    backend: &'static str,
    workload: String,
    sqlx: f64,
    alembix: f64,
}

async fn bench_target<T: Target>(t: T, cfg: &Config, out: &mut Vec<Line>) -> Res<()> {
    if cfg.check {
        roundtrip::check(t.db()).await?;
        return t.close().await;
    }
    t.db().create_all(&[User::table()]).await?;
    // Reads and updates work on a table of `rows` rows.
    t.truncate().await?;
    t.bulk_insert(&user_rows(cfg.rows)).await?;
    t.settle().await?;
    for w in [
        Workload::Fetch,
        Workload::Lookup,
        Workload::Update,
        Workload::BulkInsert,
        Workload::InsertOne,
    ] {
        if cfg.only.as_ref().is_some_and(|o| o != w.key()) {
            continue;
        }
        let (sqlx, alembix) = measure(&t, cfg, w).await?;
        eprintln!(
            "{:<10} {:<28} sqlx {:>9.2} ms  alembix {:>9.2} ms  x{:.2}",
            t.name(),
            w.label(cfg),
            sqlx,
            alembix,
            alembix / sqlx
        );
        out.push(Line {
            backend: t.name(),
            workload: w.label(cfg),
            sqlx,
            alembix,
        });
    }
    if cfg.variants {
        bulk_variants(&t, cfg).await?;
    }
    t.close().await
}

/// Every hand-written bulk insert form against `insert_many`, in one table.
async fn bulk_variants<T: Target>(t: &T, cfg: &Config) -> Res<()> {
    let data = user_rows(cfg.rows);
    let models: Vec<User> = data.iter().map(to_model).collect();
    let mut names: Vec<&str> = t.bulk_variants();
    names.push("alembix insert_many");
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    for run in 0..=cfg.runs {
        // Rotate the order so no form always runs first.
        for k in 0..names.len() {
            let i = (k + run) % names.len();
            t.truncate().await?;
            let start = Instant::now();
            if i + 1 == names.len() {
                User::insert_many(t.db(), &models).await?;
            } else {
                t.bulk_insert_variant(names[i], &data).await?;
            }
            let took = start.elapsed();
            check(t.count().await? == cfg.rows as i64, "bulk insert lost rows")?;
            if run > 0 {
                times[i].push(took);
            }
        }
    }
    println!(
        "\n{} bulk insert of {} rows (median of {}):\n\n| form | ms |\n| --- | ---: |",
        t.name(),
        cfg.rows,
        cfg.runs
    );
    for (name, ts) in names.iter().zip(times) {
        println!("| {name} | {:.2} |", median(ts));
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = real_main().await {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

async fn real_main() -> Res<()> {
    let cfg = parse_args()?;
    let mut lines = Vec::new();
    if cfg.postgres {
        let t = pg::Pg::setup("postgres://postgres@127.0.0.1:5432").await?;
        let admin = t.admin.clone();
        let name = t.dbname.clone();
        let result = bench_target(t, &cfg, &mut lines).await;
        pg::drop_database(&admin, &name).await?;
        result?;
    }
    if cfg.sqlite {
        let dir = tempfile::tempdir()?;
        let t = lite::Lite::setup(&dir.path().join("bench.db")).await?;
        bench_target(t, &cfg, &mut lines).await?;
    }
    if cfg.check {
        return Ok(());
    }
    println!(
        "\n{} rows, median of {} runs after a warm-up, sides alternated\n",
        cfg.rows, cfg.runs
    );
    println!("| backend | workload | sqlx ms | alembix ms | ratio (alembix/sqlx) |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for l in &lines {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} |",
            l.backend,
            l.workload,
            l.sqlx,
            l.alembix,
            l.alembix / l.sqlx
        );
    }
    Ok(())
}
