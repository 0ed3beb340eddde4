//! Read throughput with one primary and one hot standby against the primary
//! alone, in the same run: concurrent key lookups (`Model::get`, which a
//! `Db` with replicas sends to a replica) from a pool of the same size.
//!
//! ```sh
//! bash scripts/pg-replica.sh start        # the standby on 127.0.0.1:5433
//! cargo run --release -p alembix-bench --bin replicas -- [--runs R] [--tasks T] [--lookups N]
//! bash scripts/pg-replica.sh stop
//! ```
//!
//! Servers: `ALEMBIX_BENCH_PRIMARY` (default `postgres://postgres@127.0.0.1:5432`)
//! and `ALEMBIX_BENCH_REPLICA` (default `postgres://postgres@127.0.0.1:5433`).
//! A database is created on the primary, filled with 10,000 rows, waited for
//! on the standby, and dropped at the end. Each setup runs once as a
//! warm-up, then `R` times alternated; medians are reported, with the
//! number of transactions the standby counted for the database as proof
//! that the reads went there.

use std::time::{Duration, Instant};

use alembix::{Db, Model, PoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[path = "cli_args.rs"]
mod cli_args;

#[derive(Model, Debug, Clone)]
#[model(table = "bench_replica_users")]
struct User {
    id: i64,
    #[column(max_length = 40)]
    name: String,
}

const ROWS: i64 = 10_000;

fn server(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

#[tokio::main]
async fn main() -> Res<()> {
    let runs = cli_args::arg("--runs", 5);
    let tasks = cli_args::arg("--tasks", 16);
    let lookups = cli_args::arg("--lookups", 20_000);
    let primary = server(
        "ALEMBIX_BENCH_PRIMARY",
        "postgres://postgres@127.0.0.1:5432",
    );
    let replica = server(
        "ALEMBIX_BENCH_REPLICA",
        "postgres://postgres@127.0.0.1:5433",
    );
    let name = format!("alembix_bench_rep_{}", std::process::id());
    admin(&primary, &format!("CREATE DATABASE \"{name}\"")).await?;
    let out = run(&primary, &replica, &name, runs, tasks, lookups).await;
    admin(
        &primary,
        &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
    )
    .await?;
    out
}

async fn admin(server: &str, sql: &str) -> Res<()> {
    let mut c = PgConnection::connect(&format!("{server}/postgres")).await?;
    sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .execute(&mut c)
        .await?;
    Ok(())
}

async fn run(
    primary: &str,
    replica: &str,
    name: &str,
    runs: usize,
    tasks: usize,
    lookups: usize,
) -> Res<()> {
    let (p_url, r_url) = (format!("{primary}/{name}"), format!("{replica}/{name}"));
    let opts = PoolOptions {
        max_connections: tasks as u32,
        ..PoolOptions::default()
    };
    let alone = Db::builder(&p_url).options(opts.clone()).connect().await?;
    alone.create_all(&[User::table()]).await?;
    let rows: Vec<User> = (1..=ROWS)
        .map(|id| User {
            id,
            name: format!("user {id}"),
        })
        .collect();
    User::insert_many(&alone, &rows).await?;
    wait_replayed(&r_url).await?;
    let both = Db::builder(&p_url)
        .replica(&r_url)
        .options(opts)
        .connect()
        .await?;
    let before = standby_commits(replica, name).await?;
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for run in 0..=runs {
        for first in [run % 2 == 0, run % 2 != 0] {
            let db = if first { &alone } else { &both };
            let t = lookups_on(db, tasks, lookups).await?;
            if run > 0 {
                if first { &mut ta } else { &mut tb }.push(t);
            }
        }
    }
    let served = standby_commits(replica, name).await? - before;
    let (a, b) = (median(ta), median(tb));
    let rate = |t: f64| lookups as f64 / t;
    println!("{lookups} key lookups from {tasks} tasks (pool of {tasks}), median of {runs}:\n");
    println!("| setup | ms | lookups/s | ratio to primary alone |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| primary alone | {:.1} | {:.0} | 1.000 |",
        a * 1e3,
        rate(a)
    );
    println!(
        "| primary + 1 replica | {:.1} | {:.0} | {:.3} |",
        b * 1e3,
        rate(b),
        rate(b) / rate(a)
    );
    println!(
        "\ntransactions the standby counted for the database: {served} (the replica setup sent {} lookups)",
        lookups * (runs + 1)
    );
    alone.close().await;
    both.close().await;
    Ok(())
}

/// `lookups` key lookups spread over `tasks` tasks; the elapsed seconds.
async fn lookups_on(db: &Db, tasks: usize, lookups: usize) -> Res<f64> {
    let started = Instant::now();
    let mut handles = Vec::new();
    for t in 0..tasks {
        let db = db.clone();
        let n = lookups / tasks + usize::from(t < lookups % tasks);
        handles.push(tokio::spawn(async move {
            for i in 0..n {
                let id = ((t * 7919 + i * 104_729) as i64 % ROWS) + 1;
                let u = User::get(&db, id).await?;
                assert_eq!(u.id, id);
            }
            Ok::<_, alembix::Error>(())
        }));
    }
    for h in handles {
        h.await??;
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Waits until the standby has the table with every row.
async fn wait_replayed(url: &str) -> Res<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(mut c) = PgConnection::connect(url).await {
            let n: Result<i64, _> = sqlx::query_scalar("SELECT count(*) FROM bench_replica_users")
                .fetch_one(&mut c)
                .await;
            if n.is_ok_and(|n| n == ROWS) {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err("the standby did not replay the benchmark's table within 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Committed transactions the standby counted for database `name`.
async fn standby_commits(replica: &str, name: &str) -> Res<i64> {
    let mut c = PgConnection::connect(&format!("{replica}/postgres")).await?;
    let n: i64 = sqlx::query_scalar("SELECT xact_commit FROM pg_stat_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&mut c)
        .await?;
    Ok(n)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
