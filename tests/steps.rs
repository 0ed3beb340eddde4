//! Steps, progress and resume through the `alembix` binary on PostgreSQL,
//! MariaDB and SQLite: `kill -9` at random moments and at statement
//! boundaries never makes a statement run twice, failures say what really
//! committed, and concurrent deploys with no-transaction revisions apply
//! every statement once.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::time::{Duration, Instant};

use alembix::Backend;
use cli::{Cli, revision_text, rid};

/// A statement that takes a little time, so kills land mid-run.
fn pause(t: &Cli) -> &'static str {
    match t.backend() {
        Backend::Postgres => "SELECT pg_sleep(0.01);",
        Backend::MySql => "DO SLEEP(0.01);",
        Backend::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 60000) SELECT count(*) FROM c;"
        }
    }
}

/// How a revision of the test chains is split.
#[derive(Clone, Copy)]
enum Shape {
    /// One transactional step.
    Tx,
    /// `transaction: false`.
    NoTx,
    /// transaction, no-transaction, transaction.
    Mixed,
    /// no-transaction, then transaction.
    NoTxFirst,
}

fn shape(n: usize) -> Shape {
    [Shape::NoTxFirst, Shape::Tx, Shape::NoTx, Shape::Mixed][n % 4]
}

/// Two marker statements, each followed by a pause.
fn markers_sql(t: &Cli, rev: usize, part: usize) -> String {
    (1..=2)
        .map(|i| {
            format!(
                "INSERT INTO marker (label) VALUES ('r{rev}s{part}m{i}');\n{}\n",
                pause(t)
            )
        })
        .collect()
}

/// The labels revision `rev` inserts.
fn labels_of(rev: usize) -> Vec<String> {
    let parts = match shape(rev) {
        Shape::Tx | Shape::NoTx => 1,
        Shape::Mixed => 3,
        Shape::NoTxFirst => 2,
    };
    let mut out = Vec::new();
    for part in 1..=parts {
        for i in 1..=2 {
            out.push(format!("r{rev}s{part}m{i}"));
        }
    }
    out
}

/// Revision `rev` (1-based) of a chain: the first creates `marker`.
fn chain_rev(t: &Cli, rev: usize) {
    let name = format!("{rev:02}");
    let mut up = String::new();
    if rev == 1 {
        up.push_str("CREATE TABLE marker (label varchar(40) NOT NULL);\n");
    }
    let header_no_tx = matches!(shape(rev), Shape::NoTx | Shape::NoTxFirst);
    match shape(rev) {
        Shape::Tx | Shape::NoTx => up.push_str(&markers_sql(t, rev, 1)),
        Shape::Mixed => {
            up.push_str(&markers_sql(t, rev, 1));
            up.push_str("-- step: no-transaction\n");
            up.push_str(&markers_sql(t, rev, 2));
            up.push_str("-- step: transaction\n");
            up.push_str(&markers_sql(t, rev, 3));
        }
        Shape::NoTxFirst => {
            up.push_str(&markers_sql(t, rev, 1));
            up.push_str("-- step: transaction\n");
            up.push_str(&markers_sql(t, rev, 2));
        }
    }
    let down = if rev == 1 {
        "DROP TABLE marker;".to_string()
    } else {
        format!("DELETE FROM marker WHERE label LIKE 'r{rev}s%';")
    };
    let parents: Vec<String> = if rev == 1 {
        Vec::new()
    } else {
        vec![rid(&format!("{:02}", rev - 1))]
    };
    let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
    let mut text = revision_text(&rid(&name), &parents, &format!("chain {rev}"), &up, &down);
    if header_no_tx {
        text = text.replacen("-- created:", "-- transaction: false\n-- created:", 1);
    }
    t.write(&format!("20261122_1000_{}_{name}.sql", rid(&name)), &text);
}

/// Writes revisions `from..=to` of the chain.
fn chain(t: &Cli, from: usize, to: usize) {
    for rev in from..=to {
        chain_rev(t, rev);
    }
}

/// The marker labels in the database, sorted (empty without the table).
async fn labels(t: &Cli) -> Vec<String> {
    if !t.table_exists("marker").await {
        return Vec::new();
    }
    let mut v = t.strings("SELECT label FROM marker").await;
    v.sort();
    v
}

/// Every label once, and no other.
async fn assert_each_once(t: &Cli, upto: usize, context: &str) {
    let mut expected: Vec<String> = (1..=upto).flat_map(labels_of).collect();
    expected.sort();
    assert_eq!(labels(t).await, expected, "{context}");
}

/// No label twice (a statement ran twice).
async fn assert_no_duplicate(t: &Cli, context: &str) {
    let l = labels(t).await;
    let mut d = l.clone();
    d.dedup();
    assert_eq!(l.len(), d.len(), "a marker twice {context}: {l:?}");
}

/// A small seeded generator (xorshift), for reproducible kill times.
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// After a kill: `current` and `check` describe the state.
async fn describe_after_kill(t: &Cli, head: &str, context: &str) {
    let current = t.run(&["current"]).ok();
    let check = t.run(&["check"]);
    let at_head = t.versions().await == vec![rid(head)];
    if current.stdout.contains("Half-way:") {
        assert_eq!(
            check.code, 1,
            "check on a half-way database {context}: {check:?}"
        );
        assert!(check.stdout.contains("half-way"), "{context}: {check:?}");
        assert!(
            current.stdout.contains("not run yet")
                || current.stdout.contains("every statement finished"),
            "{context}: {}",
            current.stdout
        );
    } else if !at_head {
        assert_eq!(check.code, 1, "{context}: {check:?}");
    }
    assert_no_duplicate(t, context).await;
}

async fn crash_random(t: Cli) {
    chain(&t, 1, 20);
    cli::alembix_bin();
    let started = Instant::now();
    let mut rng = Seeded(0x5eed_1234_abcd_0042);
    let mut kills = 0;
    while kills < 15 {
        let mut child = t.spawn(&["upgrade", "head"]);
        std::thread::sleep(Duration::from_millis(60 + rng.below(500)));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok();
        child.wait().unwrap();
        if finished {
            // The run ended before the kill: start over from base.
            assert_each_once(&t, 20, "a run that finished").await;
            t.run(&["downgrade", "base"]).ok();
            continue;
        }
        kills += 1;
        describe_after_kill(&t, "20", &format!("after kill {kills}")).await;
    }
    let out = t.run(&["upgrade", "head"]).ok();
    assert!(!out.stderr.contains("error"), "{}", out.stderr);
    assert_eq!(t.versions().await, vec![rid("20")]);
    assert_each_once(&t, 20, "after 15 kills").await;
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
}

async fn crash_boundaries(t: Cli) {
    chain(&t, 1, 4);
    cli::alembix_bin();
    let total = (1..=4).map(|r| labels_of(r).len()).sum::<usize>();
    for k in 1..total {
        let mut child = t.spawn(&["upgrade", "head"]);
        let deadline = Instant::now() + Duration::from_secs(20);
        // Kill as soon as k markers are committed: in the pause after one.
        while labels(&t).await.len() < k && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().ok();
        child.wait().unwrap();
        describe_after_kill(&t, "04", &format!("killed after {k} markers")).await;
        t.run(&["upgrade", "head"]).ok();
        assert_eq!(t.versions().await, vec![rid("04")]);
        assert_each_once(&t, 4, &format!("killed after {k} markers, resumed")).await;
        t.run(&["downgrade", "base"]).ok();
        assert!(labels(&t).await.is_empty());
    }
}

/// Probe: a `transaction: false` revision killed after its first marker
/// is half-way, and the rerun does not insert that marker again.
async fn no_transaction_kill(t: Cli) {
    chain(&t, 1, 1);
    t.run(&["upgrade", "head"]).ok();
    chain(&t, 2, 2);
    cli::alembix_bin();
    let mut child = t.spawn(&["upgrade", "head"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while labels(&t).await.len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().ok();
    child.wait().unwrap();
    let seen = labels(&t).await.len();
    assert!((3..=4).contains(&seen), "killed inside 02: {seen} markers");
    assert_eq!(t.versions().await, vec![rid("01")]);
    let current = t.run(&["current"]).ok();
    assert!(current.stdout.contains("Half-way:"), "{}", current.stdout);
    assert!(current.stdout.contains(&rid("02")), "{}", current.stdout);
    let check = t.run(&["check"]).expect(1);
    assert!(check.stdout.contains("half-way"), "{}", check.stdout);
    let out = t.run(&["upgrade", "head"]).ok();
    assert!(out.stdout.contains("Resuming revision"), "{}", out.stdout);
    assert_eq!(t.versions().await, vec![rid("02")]);
    assert_each_once(&t, 2, "resumed").await;
    assert!(!t.run(&["current"]).ok().stdout.contains("Half-way"));
    // One log row per revision run, finished.
    assert_eq!(t.strings("SELECT revision FROM alembix_log").await.len(), 2);
}

/// 8 concurrent `upgrade head` × 3 rounds with no-transaction revisions.
async fn concurrent_steps(t: Cli) {
    cli::alembix_bin();
    for round in 0..3 {
        let head = 4 * (round + 1);
        chain(&t, 4 * round + 1, head);
        t.run_concurrently(8, &["upgrade", "head"], &format!("round {round}"));
        assert_eq!(t.versions().await, vec![rid(&format!("{head:02}"))]);
        assert_each_once(&t, head, &format!("round {round}")).await;
    }
}

macro_rules! per_backend {
    ($case:ident, $($attr:meta),*) => {
        ::paste::paste! {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn [<$case _postgres>]() {
                common::run_with_url(common::Kind::Postgres, Default::default(), |db, url| $case(Cli::new(db, url))).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn [<$case _mariadb>]() {
                common::run_with_url(common::Kind::MariaDb, Default::default(), |db, url| $case(Cli::new(db, url))).await;
            }
            $(#[$attr])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn [<$case _sqlite>]() {
                common::run_with_url(common::Kind::Sqlite, Default::default(), |db, url| $case(Cli::new(db, url))).await;
            }
        }
    };
}

per_backend!(crash_random,);
per_backend!(crash_boundaries,);
per_backend!(no_transaction_kill,);
// SQLite included: the lock file holds across the commits of no-transaction steps.
per_backend!(concurrent_steps,);

/// Probe (MariaDB): DDL that fails still commits the DML before it. The
/// message says so instead of "rolled back", the database is half-way, a
/// rerun does not insert again, and `--skip-statement` is the way out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_ddl_commits_mariadb() {
    common::run_with_url(
        common::Kind::MariaDb,
        Default::default(),
        |db, url| async move {
            let t = Cli::new(db, url);
            t.db.execute_sql("CREATE TABLE t (id int)").await.unwrap();
            t.rev(
                "01",
                &[],
                "INSERT INTO t VALUES (1);\nCREATE TABLE t (id int);",
                "DELETE FROM t;",
            );
            let out = t.run(&["upgrade", "head"]).expect(2);
            assert!(!out.stderr.contains("rolled back"), "{}", out.stderr);
            assert!(
                out.stderr.contains("already ran and stay applied"),
                "{}",
                out.stderr
            );
            assert!(
                out.stderr.contains("1: INSERT INTO t VALUES (1)"),
                "{}",
                out.stderr
            );
            assert!(
                out.stderr
                    .contains("committed when the failing DDL statement 2 started"),
                "{}",
                out.stderr
            );
            assert!(
                out.stderr.contains("half-way through revision"),
                "{}",
                out.stderr
            );
            assert!(out.stderr.contains("--skip-statement"), "{}", out.stderr);
            let count = || t.strings("SELECT CAST(COUNT(*) AS CHAR) FROM t");
            assert_eq!(count().await, vec!["1"]);
            let current = t.run(&["current"]).ok();
            assert!(
                current.stdout.contains("statement 1 of 2 finished"),
                "{}",
                current.stdout
            );
            assert!(
                current.stdout.contains("not run yet: statement 2"),
                "{}",
                current.stdout
            );
            // The rerun resumes at the DDL: it fails again, the row stays one.
            let again = t.run(&["upgrade", "head"]).expect(2);
            assert!(
                again.stdout.contains("Resuming revision"),
                "{}",
                again.stdout
            );
            assert!(again.stderr.contains("already exists"), "{}", again.stderr);
            assert_eq!(count().await, vec!["1"]);
            // Repaired by hand (the table is right): skip the statement.
            let out = t.run(&["upgrade", "head", "--skip-statement"]).ok();
            assert!(out.stdout.contains("Skipped statement 2"), "{}", out.stdout);
            assert_eq!(t.versions().await, vec![rid("01")]);
            assert_eq!(count().await, vec!["1"]);
            let skipped = t
                .strings("SELECT skipped FROM alembix_log WHERE revision = '010000000000'")
                .await;
            assert_eq!(skipped, vec!["2"]);
            t.run(&["check"]).ok();
        },
    )
    .await;
}

/// A half-way mark blocks other runs, and `stamp` clears it.
async fn halfway_blocks_and_stamp_clears(t: Cli) {
    t.rev(
        "01",
        &[],
        "CREATE TABLE a (id integer);\n-- step: no-transaction\nINSERT INTO a VALUES (1);\nINSERT INTO no_such_table VALUES (1);",
        "DROP TABLE a;",
    );
    let out = t.run(&["upgrade", "head"]).expect(2);
    assert!(
        out.stderr.contains("statements 1-2 of 3 finished"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("rolled back"), "{}", out.stderr);
    let down = t.run(&["downgrade", "base"]).expect(2);
    assert!(
        down.stderr.contains("cannot downgrade now"),
        "{}",
        down.stderr
    );
    assert!(
        down.stderr.contains("half-way through revision"),
        "{}",
        down.stderr
    );
    let history = t.run(&["history", "-i"]).ok();
    assert!(history.stderr.contains("half-way"), "{}", history.stderr);
    let stamp = t.run(&["stamp", &rid("01")]).ok();
    assert!(
        stamp.stdout.contains("Cleared the half-way mark"),
        "{}",
        stamp.stdout
    );
    assert_eq!(t.versions().await, vec![rid("01")]);
    assert!(!t.run(&["current"]).ok().stdout.contains("Half-way"));
    assert_eq!(
        t.strings("SELECT CAST(COUNT(*) AS CHAR) FROM a").await,
        vec!["1"]
    );
}

per_backend!(halfway_blocks_and_stamp_clears,);

/// A log table made before the progress columns keeps working and gets
/// them from the next run.
async fn old_log_table_upgrades(t: Cli) {
    t.rev("01", &[], "CREATE TABLE a (id integer);", "DROP TABLE a;");
    t.run(&["upgrade", "head"]).ok();
    for column in ["steps_done", "statements_done", "state", "skipped"] {
        t.db.execute_sql(&format!("ALTER TABLE alembix_log DROP COLUMN {column}"))
            .await
            .unwrap();
    }
    let current = t.run(&["current"]).ok();
    assert!(current.stdout.contains(&rid("01")), "{}", current.stdout);
    let history = t.run(&["history", "--verbose", "-i"]).ok();
    assert!(history.stdout.contains("Applied:"), "{}", history.stdout);
    t.run(&["check"]).ok();
    t.rev(
        "02",
        &["01"],
        "CREATE TABLE b (id integer);\n-- step: no-transaction\nINSERT INTO b VALUES (1);",
        "DROP TABLE b;",
    );
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.versions().await, vec![rid("02")]);
    let states = t
        .strings("SELECT COALESCE(state, 'old') FROM alembix_log ORDER BY id")
        .await;
    assert_eq!(states, vec!["old", "done"]);
    t.run(&["check"]).ok();
}

per_backend!(old_log_table_upgrades,);
