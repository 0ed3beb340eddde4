//! What a revision does to a service writing to a big PostgreSQL table:
//! online DDL on against off, side by side in one run.
//!
//! A table `events` of 2,000,000 rows (and `users`, 10,000 rows) is made
//! with `alembix autogen` + `upgrade` and filled. The models then gain an
//! index, a foreign key, a unique constraint and a NOT NULL column with a
//! backfill; `alembix autogen` writes the revision (with `online_ddl` on,
//! then off, each on a fresh database) and `alembix upgrade` applies it
//! while a writer does single-row inserts and updates on `events` in a
//! loop, one at a time, each timed. Reported per mode: the writer's
//! longest stall, its p99 and median latency, the operations it finished
//! during the upgrade, and the upgrade's total time.
//!
//! ```text
//! cargo build --release -p alembix-cli -p alembix-bench
//! target/release/online                 # 2,000,000 rows
//! target/release/online --rows 200000   # quicker
//! ```
//!
//! Needs PostgreSQL at 127.0.0.1:5432 (user `postgres`, trust) or
//! `BENCH_PG_ADMIN_URL`; the `alembix` binary is taken from beside this
//! one, or from `ALEMBIX_BIN`.

mod cli_args;

use cli_args::arg;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};

const V1: &str = r#"use alembix::Model;

#[derive(Model)]
#[model(table = "users")]
pub struct User {
    pub id: i64,
    pub name: String,
}

#[derive(Model)]
#[model(table = "events")]
pub struct Event {
    pub id: i64,
    pub user_id: i64,
    pub code: String,
    pub n: i32,
    pub payload: Option<String>,
}
"#;

/// V1 with an index, a foreign key, a unique constraint and a NOT NULL
/// column filled by a backfill.
fn v2() -> String {
    V1.replace(
        "    pub user_id: i64,\n    pub code: String,\n    pub n: i32,\n",
        "    #[column(references = \"users.id\")]\n    pub user_id: i64,\n    #[column(unique)]\n    pub code: String,\n    #[column(index)]\n    pub n: i32,\n    #[column(backfill = \"'eu'\")]\n    pub region: String,\n",
    )
}

fn alembix_bin() -> PathBuf {
    if let Ok(p) = std::env::var("ALEMBIX_BIN") {
        return p.into();
    }
    let me = std::env::current_exe().expect("the bench's own path");
    let bin = me.with_file_name("alembix");
    assert!(
        bin.is_file(),
        "{} not found: build it with `cargo build --release -p alembix-cli -p alembix-bench`, or set ALEMBIX_BIN",
        bin.display()
    );
    bin
}

/// Runs `alembix args` in `dir`; panics with its output unless it exits 0.
fn alembix(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(alembix_bin())
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run alembix");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "alembix {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// One fresh database with the V1 schema filled, and its project dir.
struct Setup {
    admin: String,
    name: String,
    url: String,
    dir: tempfile::TempDir,
}

impl Setup {
    async fn new(admin: &str, rows: usize, online: bool) -> Setup {
        let name = format!("alembix_bench_online_{}_{online}", std::process::id());
        let mut conn = PgConnection::connect(admin).await.expect("connect admin");
        let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        sqlx::raw_sql(AssertSqlSafe(drop))
            .execute(&mut conn)
            .await
            .unwrap();
        let create = format!("CREATE DATABASE \"{name}\"");
        sqlx::raw_sql(AssertSqlSafe(create))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
        let url = format!("{base}/{name}");
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        std::fs::write(
            dir.path().join("alembix.toml"),
            format!("database_url = \"{url}\"\nmodels = [\"models.rs\"]\nonline_ddl = {online}\n"),
        )
        .unwrap();
        std::fs::write(dir.path().join("models.rs"), V1).unwrap();
        alembix(dir.path(), &["autogen", "-m", "v1"]);
        alembix(dir.path(), &["upgrade", "head"]);
        let mut db = PgConnection::connect(&url).await.unwrap();
        let fill = format!(
            "INSERT INTO users (name) SELECT 'u' || g FROM generate_series(1, 10000) g;
             INSERT INTO events (user_id, code, n, payload)
               SELECT 1 + g % 10000, 'c' || g, g % 1000, repeat('x', 40)
               FROM generate_series(1, {rows}) g;
             ANALYZE users; ANALYZE events;"
        );
        sqlx::raw_sql(AssertSqlSafe(fill))
            .execute(&mut db)
            .await
            .unwrap();
        Setup {
            admin: admin.to_string(),
            name,
            url,
            dir,
        }
    }

    async fn drop(self) {
        let mut conn = PgConnection::connect(&self.admin).await.unwrap();
        let drop = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        sqlx::raw_sql(AssertSqlSafe(drop))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

/// The writer: one connection, one single-row statement at a time,
/// alternating an insert and an update of a random existing row. It plays
/// the service version deployed with the new model, which writes the new
/// column as soon as it exists: an insert names `region` and, while the
/// column does not exist yet (SQLSTATE 42703), is sent again without it;
/// both tries are timed as one operation.
async fn writer(url: String, rows: usize, stop: Arc<AtomicBool>) -> Vec<Duration> {
    let mut db = PgConnection::connect(&url).await.unwrap();
    let mut lat = Vec::new();
    let mut with_region;
    let mut i: u64 = 0;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let t = Instant::now();
        if i.is_multiple_of(2) {
            let id = 1 + (seed % rows as u64) as i64;
            sqlx::query("UPDATE events SET n = n + 1 WHERE id = $1")
                .bind(id)
                .execute(&mut db)
                .await
                .unwrap();
        } else {
            let code = format!("w{}-{i}", std::process::id());
            let user = 1 + (seed % 10_000) as i64;
            with_region = true;
            loop {
                let r = if with_region {
                    sqlx::query(
                        "INSERT INTO events (user_id, code, n, region) VALUES ($1, $2, 0, 'eu')",
                    )
                    .bind(user)
                    .bind(&code)
                    .execute(&mut db)
                    .await
                } else {
                    sqlx::query("INSERT INTO events (user_id, code, n) VALUES ($1, $2, 0)")
                        .bind(user)
                        .bind(&code)
                        .execute(&mut db)
                        .await
                };
                match r {
                    Ok(_) => break,
                    // The column is not there yet; or it appeared (and
                    // became NOT NULL) while this insert waited for the
                    // revision's lock.
                    Err(sqlx::Error::Database(e))
                        if with_region && e.code().as_deref() == Some("42703") =>
                    {
                        with_region = false;
                    }
                    Err(sqlx::Error::Database(e))
                        if !with_region
                            && matches!(e.code().as_deref(), Some("23502" | "23514")) =>
                    {
                        with_region = true;
                    }
                    Err(e) => panic!("writer: {e}"),
                }
            }
        }
        lat.push(t.elapsed());
    }
    lat
}

/// One mode's figures.
struct Figures {
    upgrade: Duration,
    longest: Duration,
    p99: Duration,
    median: Duration,
    ops: usize,
    steps: usize,
}

async fn measure(admin: &str, rows: usize, online: bool) -> Figures {
    let s = Setup::new(admin, rows, online).await;
    std::fs::write(s.dir.path().join("models.rs"), v2()).unwrap();
    alembix(s.dir.path(), &["autogen", "-m", "v2"]);
    let file = std::fs::read_dir(s.dir.path().join("migrations"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with("_v2.sql"))
        .expect("the v2 revision");
    let text = std::fs::read_to_string(&file).unwrap();
    let steps = 1 + text
        .split("-- migrate:downgrade")
        .next()
        .unwrap_or("")
        .matches("\n-- step: ")
        .count();
    let stop = Arc::new(AtomicBool::new(false));
    let w = tokio::spawn(writer(s.url.clone(), rows, stop.clone()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let dir = s.dir.path().to_path_buf();
    let t = Instant::now();
    tokio::task::spawn_blocking(move || alembix(&dir, &["upgrade", "head"]))
        .await
        .unwrap();
    let upgrade = t.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut lat = w.await.unwrap();
    let check = Command::new(alembix_bin())
        .arg("check")
        .current_dir(s.dir.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "not clean after the upgrade:\n{}",
        String::from_utf8_lossy(&check.stdout)
    );
    s.drop().await;
    lat.sort();
    let at = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    Figures {
        upgrade,
        longest: *lat.last().unwrap(),
        p99: at(0.99),
        median: at(0.5),
        ops: lat.len(),
        steps,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let rows = arg("--rows", 2_000_000);
    let admin = std::env::var("BENCH_PG_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    println!(
        "PostgreSQL, `events` with {rows} rows; one revision adds an index, a foreign key, a unique constraint and a NOT NULL column with a backfill, applied while one writer does single-row inserts and updates\n"
    );
    println!(
        "| online_ddl | steps | upgrade s | writer longest stall ms | p99 ms | median ms | writer ops |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut figures = Vec::new();
    for online in [true, false] {
        let f = measure(&admin, rows, online).await;
        println!(
            "| {online} | {} | {:.2} | {} | {} | {} | {} |",
            f.steps,
            f.upgrade.as_secs_f64(),
            ms(f.longest),
            ms(f.p99),
            ms(f.median),
            f.ops
        );
        figures.push(f);
    }
    println!(
        "\nlongest stall, off / on: {:.1}x",
        figures[1].longest.as_secs_f64() / figures[0].longest.as_secs_f64()
    );
}
