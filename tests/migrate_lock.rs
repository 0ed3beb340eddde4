//! The migration lock through the `alembix` binary, on PostgreSQL, MariaDB
//! and SQLite: it covers the whole run (`transaction: false` revisions
//! included) when many processes deploy at once, `lock_wait` bounds the
//! wait, and a waiting process names the holder.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::time::{Duration, Instant};

use alembix::Backend;
use cli::{Cli, rid};

const PROCESSES: usize = 8;
const ROUNDS: usize = 3;
const PER_ROUND: usize = 4;

/// Revision `n` of the chain: every statement inserts its own marker;
/// odd revisions run outside a transaction (`transaction: false`).
fn chain_rev(t: &Cli, n: usize) {
    let name = format!("{n:02}");
    let parents: Vec<String> = if n == 1 {
        Vec::new()
    } else {
        vec![format!("{:02}", n - 1)]
    };
    let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
    let mut up = String::new();
    if n == 1 {
        up.push_str("CREATE TABLE marker (mark varchar(32) NOT NULL);\n");
    }
    for s in 1..=3 {
        up.push_str(&format!("INSERT INTO marker (mark) VALUES ('r{n}s{s}');\n"));
    }
    t.rev(&name, &parents, &up, "SELECT 1;");
    if n % 2 == 1 {
        let file = t
            .migrations()
            .join(format!("20261122_1000_{}_{name}.sql", rid(&name)));
        let text = std::fs::read_to_string(&file).unwrap();
        let text = text.replacen("-- message:", "-- transaction: false\n-- message:", 1);
        std::fs::write(&file, text).unwrap();
    }
}

async fn concurrent_rounds(t: Cli) {
    cli::alembix_bin();
    let mut expected = Vec::new();
    for round in 0..ROUNDS {
        for n in round * PER_ROUND + 1..=(round + 1) * PER_ROUND {
            chain_rev(&t, n);
            expected.extend((1..=3).map(|s| format!("r{n}s{s}")));
        }
        t.run_concurrently(PROCESSES, &["upgrade", "head"], &format!("round {round}"));
        let head = format!("{:02}", (round + 1) * PER_ROUND);
        assert_eq!(t.versions().await, vec![rid(&head)], "round {round}");
        let mut marks = t.strings("SELECT mark FROM marker").await;
        marks.sort();
        let mut want = expected.clone();
        want.sort();
        assert_eq!(marks, want, "round {round}: every marker exactly once");
        let log = t.strings("SELECT revision FROM alembix_log").await;
        assert_eq!(
            log.len(),
            (round + 1) * PER_ROUND,
            "one log row per revision"
        );
    }
}

/// PostgreSQL and MariaDB: the session lock is still held while a
/// `transaction: false` revision runs (the revision looks for it).
async fn held_during_non_transactional(t: Cli) {
    let probe = match t.backend() {
        Backend::Postgres => {
            "INSERT INTO marker (mark) SELECT 'held' FROM pg_locks \
             WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid();"
        }
        Backend::MySql => {
            "INSERT INTO marker (mark) SELECT 'held' FROM DUAL WHERE IS_USED_LOCK(\
             CONCAT('alembix:', LEFT(SHA1(CONCAT(DATABASE(), ':', 'alembix_version')), 40))) \
             = CONNECTION_ID();"
        }
        Backend::Sqlite => return,
    };
    t.rev(
        "a1",
        &[],
        "CREATE TABLE marker (mark varchar(32) NOT NULL);",
        "DROP TABLE marker;",
    );
    t.rev("a2", &["a1"], probe, "SELECT 1;");
    let file = t
        .migrations()
        .join(format!("20261122_1000_{}_a2.sql", rid("a2")));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("-- message:", "-- transaction: false\n-- message:", 1),
    )
    .unwrap();
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.strings("SELECT mark FROM marker").await, vec!["held"]);
}

/// The lock key of `pg_try_advisory_lock` for the default version table
/// (the driver's FNV-1a of `alembix:<table>`, shifted to 63 bits).
fn pg_key() -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in "alembix:alembix_version".bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 1) as i64
}

/// What an Alembix holder records about itself.
const HOLDER_LINE: &str = "alembix:4242:deploy-host:1767323045:alembix upgrade head";

/// Holds the migration lock from the test as another process would; the
/// returned text must appear in the waiting process's messages.
enum Held {
    Pg(sqlx::PgConnection),
    My(sqlx::MySqlConnection),
    File(std::fs::File),
}

async fn hold(t: &Cli) -> (Held, String) {
    use sqlx::Connection as _;
    match t.backend() {
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&t.url).await.unwrap();
            sqlx::query("SELECT set_config('application_name', $1, false)")
                .bind(HOLDER_LINE)
                .execute(&mut c)
                .await
                .unwrap();
            let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(pg_key())
                .fetch_one(&mut c)
                .await
                .unwrap();
            assert!(got);
            (Held::Pg(c), "pid 4242 on deploy-host since".into())
        }
        Backend::MySql => {
            let mut c = sqlx::MySqlConnection::connect(&t.url).await.unwrap();
            let (got, id): (i64, i64) = sqlx::query_as(
                "SELECT GET_LOCK(CONCAT('alembix:', LEFT(SHA1(CONCAT(DATABASE(), ':', 'alembix_version')), 40)), 0), CAST(CONNECTION_ID() AS SIGNED)",
            )
            .fetch_one(&mut c)
            .await
            .unwrap();
            assert_eq!(got, 1);
            (Held::My(c), format!("MySQL connection {id} (root@"))
        }
        Backend::Sqlite => {
            use std::io::Write;
            let db = t.url.trim_start_matches("sqlite://");
            let mut f = std::fs::File::create(format!("{db}.alembix-lock")).unwrap();
            f.lock().unwrap();
            writeln!(f, "{HOLDER_LINE}").unwrap();
            (Held::File(f), "pid 4242 on deploy-host since".into())
        }
    }
}

async fn release(held: Held) {
    use sqlx::Connection as _;
    match held {
        Held::Pg(c) => c.close().await.unwrap(),
        Held::My(c) => c.close().await.unwrap(),
        Held::File(f) => drop(f),
    }
}

fn set_lock_wait(t: &Cli, timeout: &str) {
    std::fs::write(
        t.path().join("alembix.toml"),
        format!(
            "database_url = \"{}\"\nmigrations = \"migrations\"\nlock_wait = \"{timeout}\"\n",
            t.url
        ),
    )
    .unwrap();
}

async fn timeout_names_the_holder(t: Cli) {
    t.rev(
        "b1",
        &[],
        "CREATE TABLE t_b1 (id integer);",
        "DROP TABLE t_b1;",
    );
    set_lock_wait(&t, "1s");
    cli::alembix_bin();
    let (held, who) = hold(&t).await;
    let started = Instant::now();
    let out = t.run(&["upgrade", "head"]);
    let took = started.elapsed();
    let out = out.expect(2);
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(6),
        "gave up after {took:?}\n{}",
        out.stderr
    );
    assert!(out.stderr.contains("error: timed out"), "{}", out.stderr);
    let waits: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("waiting for the migration lock held by "))
        .collect();
    assert_eq!(
        waits.len(),
        1,
        "one line without a terminal:\n{}",
        out.stderr
    );
    assert!(waits[0].contains(&who), "{}", out.stderr);
    let error = out
        .stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap();
    assert!(error.contains(&who), "the error names the holder: {error}");
    if t.backend() != Backend::MySql {
        assert!(
            waits[0].ends_with("(alembix upgrade head)"),
            "{}",
            out.stderr
        );
    }
    assert!(!t.table_exists("t_b1").await);

    // A process that waits, then gets the lock when it is released.
    set_lock_wait(&t, "60s");
    let child = t.spawn(&["upgrade", "head"]);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    release(held).await;
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("waiting for the migration lock").count(),
        1,
        "{stderr}"
    );
    assert_eq!(t.versions().await, vec![rid("b1")]);
}

/// SQLite: another connection writing (no lock file involved) holds the
/// write lock; `lock_wait` still bounds the wait.
async fn sqlite_writer_bounded_by_lock_wait(t: Cli) {
    if t.backend() != Backend::Sqlite {
        return;
    }
    use sqlx::Connection as _;
    t.rev(
        "c1",
        &[],
        "CREATE TABLE t_c1 (id integer);",
        "DROP TABLE t_c1;",
    );
    set_lock_wait(&t, "1s");
    cli::alembix_bin();
    let mut c = sqlx::SqliteConnection::connect(&t.url).await.unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut c)
        .await
        .unwrap();
    let started = Instant::now();
    let out = t.run(&["upgrade", "head"]).expect(2);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "gave up after {took:?}");
    assert!(out.stderr.contains("timed out"), "{}", out.stderr);
    sqlx::raw_sql("ROLLBACK").execute(&mut c).await.unwrap();
    c.close().await.unwrap();
    t.run(&["upgrade", "head"]).ok();
}

cli_tests!(
    concurrent_rounds,
    held_during_non_transactional,
    timeout_names_the_holder,
    sqlite_writer_bounded_by_lock_wait,
);
