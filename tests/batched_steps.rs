//! A transactional step's statements go to the server in one round trip
//! (joined with their log writes where DDL commits itself): a failure in
//! the middle of such a batch still names the failing statement and its
//! line, what finished is what the log and the database say, and the next
//! run resumes after the last finished statement without running one twice.

#[path = "common/cli.rs"]
mod cli;
mod common;

use cli::{Cli, rid};

async fn fails_mid_batch(t: Cli) {
    t.db.execute_sql("CREATE TABLE taken (id int)")
        .await
        .unwrap();
    t.rev(
        "01",
        &[],
        "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\nCREATE TABLE taken (id int);\nCREATE TABLE d (id int);",
        "DROP TABLE d;\nDROP TABLE c;\nDROP TABLE b;\nDROP TABLE a;",
    );
    let out = t.run(&["upgrade", "head"]).expect(2);
    assert!(
        out.stderr.contains("CREATE TABLE taken (id int)"),
        "names the statement: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains(":12:"),
        "names the line: {}",
        out.stderr
    );
    assert!(!t.table_exists("d").await, "nothing after the failure ran");
    let current = t.run(&["current"]).ok();
    if !t.backend().caps().transactional_ddl {
        // DDL commits itself: statements 1-3 stay, each recorded once.
        assert!(t.table_exists("a").await && t.table_exists("c").await);
        assert!(
            current.stdout.contains("statements 1-3 of 5 finished"),
            "{}",
            current.stdout
        );
        t.run(&["upgrade", "head", "--skip-statement"]).ok();
        assert!(t.table_exists("d").await, "resumed after the skipped one");
    } else {
        // The step rolled back as one.
        assert!(out.stderr.contains("rolled back"), "{}", out.stderr);
        assert!(!t.table_exists("a").await && !t.table_exists("c").await);
        assert!(!current.stdout.contains("Half-way"), "{}", current.stdout);
        t.db.execute_sql("DROP TABLE taken").await.unwrap();
        t.run(&["upgrade", "head"]).ok();
        assert!(t.table_exists("taken").await && t.table_exists("d").await);
    }
    assert_eq!(t.versions().await, vec![rid("01")]);
    t.run(&["downgrade", "base"]).ok();
    assert!(!t.table_exists("a").await && !t.table_exists("d").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fails_mid_batch_postgres() {
    common::run_with_url(common::Kind::Postgres, Default::default(), |db, url| {
        fails_mid_batch(Cli::new(db, url))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fails_mid_batch_mariadb() {
    common::run_with_url(common::Kind::MariaDb, Default::default(), |db, url| {
        fails_mid_batch(Cli::new(db, url))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fails_mid_batch_sqlite() {
    common::run_with_url(common::Kind::Sqlite, Default::default(), |db, url| {
        fails_mid_batch(Cli::new(db, url))
    })
    .await;
}
