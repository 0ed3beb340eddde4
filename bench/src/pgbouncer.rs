//! Key lookups through PgBouncer (transaction pooling), with and without
//! the statement cache, and directly; plus the probe that shows which way
//! of sending statements survives the pooler.
//!
//! ```sh
//! scripts/pgbouncer.sh start
//! cargo run --release -p alembix-bench --bin pgbouncer -- lookups URL   # 1,000 `User::get`, median of 5
//! cargo run --release -p alembix-bench --bin pgbouncer -- probe URL     # 8 clients x 300 statements, raw sqlx
//! ```
//!
//! One setting per process: the driver's no-statement-cache switch is for
//! the whole process, so each URL is measured in a process of its own.

use std::time::{Duration, Instant};

use alembix::{Db, Model};
use sqlx::{Connection, Row};

#[derive(Model, Debug, Clone)]
#[model(table = "bench_bouncer_users")]
struct User {
    id: i64,
    name: String,
}

const LOOKUPS: i64 = 1_000;
const RUNS: usize = 5;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (what, url) = (args.next(), args.next());
    match (what.as_deref(), url) {
        (Some("lookups"), Some(url)) => lookups(&url).await,
        (Some("probe"), Some(url)) => probe(&url).await,
        _ => {
            eprintln!("usage: pgbouncer lookups|probe URL");
            std::process::exit(2);
        }
    }
}

async fn lookups(url: &str) {
    let db = Db::connect(url).await.expect("connect");
    db.execute_sql("DROP TABLE IF EXISTS bench_bouncer_users")
        .await
        .expect("drop");
    db.create_all(&[User::table()]).await.expect("create");
    let rows: Vec<User> = (1..=LOOKUPS)
        .map(|i| User {
            id: i,
            name: format!("u{i}"),
        })
        .collect();
    User::insert_many(&db, &rows).await.expect("insert");
    let mut times: Vec<Duration> = Vec::new();
    for run in 0..=RUNS {
        let started = Instant::now();
        for id in 1..=LOOKUPS {
            let u = User::get(&db, id).await.expect("lookup");
            assert_eq!(u.id, id);
        }
        if run > 0 {
            times.push(started.elapsed()); // run 0 warms up
        }
    }
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "{LOOKUPS} lookups: median {:.1} ms ({:.1} µs each) over {RUNS} runs",
        median.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e6 / LOOKUPS as f64
    );
    db.execute_sql("DROP TABLE bench_bouncer_users")
        .await
        .expect("drop");
}

/// 8 clients, 300 statements each with one bound value, in four ways;
/// per way: statements that failed, and answers that were another
/// statement's (the wrong SQL ran with these values).
async fn probe(url: &str) {
    for (way, cache0, named, in_tx) in [
        ("named, cached (sqlx default)", false, true, false),
        ("named, statement-cache-capacity=0", true, true, false),
        ("unnamed (persistent(false))", true, false, false),
        ("unnamed, in a transaction", true, false, true),
    ] {
        let url = if cache0 {
            format!("{url}?statement-cache-capacity=0")
        } else {
            url.to_string()
        };
        let mut clients = Vec::new();
        for t in 0..8i32 {
            let url = url.clone();
            clients.push(tokio::spawn(
                async move { client(&url, t, named, in_tx).await },
            ));
        }
        let (mut failed, mut wrong) = (0, 0);
        for c in clients {
            let (f, w) = c.await.expect("client");
            failed += f;
            wrong += w;
        }
        println!("{way}: {failed} failed, {wrong} wrong of 2400");
    }
}

async fn client(url: &str, t: i32, named: bool, in_tx: bool) -> (u32, u32) {
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    let (mut failed, mut wrong) = (0, 0);
    for i in 0..300i32 {
        let sql = format!("SELECT $1::int4 + {}", i % 7);
        if in_tx {
            sqlx::raw_sql("BEGIN").execute(&mut c).await.expect("begin");
        }
        let q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(t * 1000 + i)
            .persistent(named);
        match q.fetch_one(&mut c).await {
            Ok(r) if r.get::<i32, _>(0) != t * 1000 + i + i % 7 => wrong += 1,
            Ok(_) => {}
            Err(_) => failed += 1,
        }
        if in_tx {
            let _ = sqlx::raw_sql("COMMIT").execute(&mut c).await;
        }
    }
    (failed, wrong)
}
