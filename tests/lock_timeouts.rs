//! The runner on live tables, through the `alembix` binary: a statement
//! that waits longer than `lock_timeout` for a lock another session holds
//! is rolled back and tried again `lock_retries` times, then fails naming
//! the session in its way, with the version table and the half-way mark
//! exact; and a `CREATE INDEX CONCURRENTLY` killed half-way leaves an
//! invalid index that the next run drops and builds again.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::time::{Duration, Instant};

use cli::{Cli, rid};
use common::Kind;
use sqlx::Connection as _;

/// `alembix.toml` with the lock limits of the test.
fn limits(t: &Cli, lock_timeout: &str, lock_retries: u32) {
    std::fs::write(
        t.path().join("alembix.toml"),
        format!(
            "database_url = \"{}\"\nmigrations = \"migrations\"\nlock_timeout = \"{lock_timeout}\"\nlock_retries = {lock_retries}\n",
            t.url
        ),
    )
    .unwrap();
}

/// A session that read `busy` in a transaction it keeps open (its lock
/// on the table blocks DDL until it ends), and its id as the database
/// names it.
enum Blocker {
    Pg(sqlx::PgConnection),
    My(sqlx::MySqlConnection),
}

impl Blocker {
    async fn open(t: &Cli) -> (Blocker, i64) {
        match t.backend() {
            alembix::Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&t.url).await.unwrap();
                sqlx::raw_sql("BEGIN; SELECT * FROM busy")
                    .execute(&mut c)
                    .await
                    .unwrap();
                let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
                (Blocker::Pg(c), i64::from(pid))
            }
            _ => {
                let mut c = sqlx::MySqlConnection::connect(&t.url).await.unwrap();
                sqlx::raw_sql("START TRANSACTION; SELECT * FROM busy")
                    .execute(&mut c)
                    .await
                    .unwrap();
                let id: i64 = sqlx::query_scalar("SELECT CAST(CONNECTION_ID() AS SIGNED)")
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
                (Blocker::My(c), id)
            }
        }
    }

    async fn end(self) {
        match self {
            Blocker::Pg(mut c) => {
                sqlx::raw_sql("ROLLBACK").execute(&mut c).await.unwrap();
                c.close().await.unwrap();
            }
            Blocker::My(mut c) => {
                sqlx::raw_sql("ROLLBACK").execute(&mut c).await.unwrap();
                c.close().await.unwrap();
            }
        }
    }
}

/// Revision 01 makes `busy`; 02 makes `side`, then alters `busy` (one
/// transactional step: PostgreSQL rolls `side` back with it, MariaDB's
/// DDL commits it on its own).
fn two_revisions(t: &Cli) {
    t.rev(
        "01",
        &[],
        "CREATE TABLE busy (id integer);",
        "DROP TABLE busy;",
    );
    t.rev(
        "02",
        &["01"],
        "CREATE TABLE side (id integer);\nALTER TABLE busy ADD COLUMN note varchar(20);",
        "ALTER TABLE busy DROP COLUMN note;\nDROP TABLE side;",
    );
}

async fn gives_up_naming_the_blocker(t: Cli) {
    two_revisions(&t);
    cli::alembix_bin();
    t.run(&["upgrade", &rid("01")]).ok();
    limits(&t, "1s", 1);
    let (blocker, id) = Blocker::open(&t).await;
    let started = Instant::now();
    let out = t.run(&["upgrade", "head"]).expect(2);
    let took = started.elapsed();
    let err = &out.stderr;
    assert!(
        took >= Duration::from_secs(2),
        "two tries of 1 s: {took:?}\n{err}"
    );
    assert!(err.contains("could not take a lock"), "{err}");
    assert!(err.contains("on any of 2 tries"), "{err}");
    assert!(err.contains("ALTER TABLE busy ADD COLUMN note"), "{err}");
    assert!(
        err.contains(&format!(
            "{} {id} (",
            match t.backend() {
                alembix::Backend::Postgres => "PostgreSQL backend pid",
                _ => "MySQL connection",
            }
        )),
        "the blocker's id {id}: {err}"
    );
    assert!(
        err.contains("lock_timeout") && err.contains("lock_retries"),
        "{err}"
    );
    assert_eq!(
        err.matches("trying again in").count(),
        1,
        "one retry: {err}"
    );
    assert_eq!(t.versions().await, vec![rid("01")]);
    let current = t.run(&["current"]).ok();
    match t.backend() {
        alembix::Backend::Postgres => {
            assert!(err.contains("SELECT pg_terminate_backend"), "{err}");
            assert!(!current.stdout.contains("Half-way"), "{}", current.stdout);
            assert!(!t.table_exists("side").await, "rolled back with the step");
        }
        _ => {
            // DDL commits itself: statement 1 stays, recorded once.
            assert!(err.contains(&format!("KILL {id}")), "{err}");
            assert!(
                current.stdout.contains("statement 1 of 2 finished"),
                "{}",
                current.stdout
            );
            assert!(t.table_exists("side").await);
        }
    }
    blocker.end().await;
    let out = t.run(&["upgrade", "head"]).ok();
    assert!(!out.stderr.contains("trying again"), "{}", out.stderr);
    assert_eq!(t.versions().await, vec![rid("02")]);
    assert!(!t.run(&["current"]).ok().stdout.contains("Half-way"));
    t.run(&["downgrade", "base"]).ok();
    assert!(!t.table_exists("busy").await && !t.table_exists("side").await);
}

/// Whether a statement of the run waits for a lock on `busy` now.
async fn alter_waits(t: &Cli) -> bool {
    let sql = match t.backend() {
        alembix::Backend::Postgres => {
            "SELECT COUNT(*)::text FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event_type = 'Lock' AND query LIKE '%ALTER TABLE busy%'"
        }
        _ => {
            "SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.PROCESSLIST \
             WHERE DB = DATABASE() AND STATE = 'Waiting for table metadata lock'"
        }
    };
    t.strings(sql).await != vec!["0"]
}

/// Runs `upgrade head` while a blocker holds `busy`, ending the blocker
/// about 1.2 s after the run's statement starts waiting (in the pause
/// after its first 1 s try); the run's stderr.
async fn upgrade_past_blocker(t: &Cli) -> String {
    let (blocker, _) = Blocker::open(t).await;
    let mut child = t.spawn(&["upgrade", "head"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !alter_waits(t).await {
        assert!(child.try_wait().unwrap().is_none(), "alembix ended early");
        assert!(Instant::now() < deadline, "the statement never waited");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    blocker.end().await;
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

/// The blocker ends during the pause after the first try, and the second
/// try goes through: a transactional step as a whole, a no-transaction
/// step from the statement that waited (what committed before it is not
/// run again).
async fn retry_after_release(t: Cli) {
    two_revisions(&t);
    cli::alembix_bin();
    t.run(&["upgrade", &rid("01")]).ok();
    limits(&t, "1s", 5);
    let stderr = upgrade_past_blocker(&t).await;
    let retry = format!("lock timeout: statement 2 of revision {}", rid("02"));
    assert!(stderr.contains(&retry), "{stderr}");
    assert!(stderr.contains("trying again in"), "{stderr}");
    assert_eq!(t.versions().await, vec![rid("02")]);
    assert!(t.table_exists("side").await);
    t.rev(
        "03",
        &["02"],
        "-- step: no-transaction\nINSERT INTO side (id) VALUES (1);\nALTER TABLE busy ADD COLUMN more integer;",
        "ALTER TABLE busy DROP COLUMN more;\nDELETE FROM side;",
    );
    let stderr = upgrade_past_blocker(&t).await;
    let retry = format!("lock timeout: statement 2 of revision {}", rid("03"));
    assert!(stderr.contains(&retry), "{stderr}");
    assert_eq!(t.versions().await, vec![rid("03")]);
    let rows = t.strings("SELECT CAST(COUNT(*) AS CHAR) FROM side").await;
    assert_eq!(
        rows,
        vec!["1"],
        "the insert before the waiting statement ran once"
    );
}

/// The pids of this database's sessions running `CREATE INDEX
/// CONCURRENTLY` while waiting on a lock.
async fn waiting_builds(t: &Cli) -> Vec<String> {
    t.strings(
        "SELECT pid::text FROM pg_stat_activity WHERE datname = current_database() \
         AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'",
    )
    .await
}

async fn invalid_indexes(t: &Cli) -> Vec<String> {
    t.strings(
        "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE NOT i.indisvalid AND n.nspname = 'public'",
    )
    .await
}

/// PostgreSQL: `kill -9` while a concurrent build waits (and the build's
/// backend ended, as when the machine dies) leaves an invalid index; the
/// next run drops it and builds it again.
async fn killed_concurrent_build(t: Cli) {
    t.rev(
        "01",
        &[],
        "CREATE TABLE items (id integer, slug text);\nINSERT INTO items VALUES (1, 'a'), (2, 'b');",
        "DROP TABLE items;",
    );
    t.rev(
        "02",
        &["01"],
        "-- step: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ix_items_slug ON items (slug);",
        "-- step: no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS ix_items_slug;",
    );
    cli::alembix_bin();
    t.run(&["upgrade", &rid("01")]).ok();
    let mut blocker = sqlx::PgConnection::connect(&t.url).await.unwrap();
    sqlx::raw_sql("BEGIN; INSERT INTO items VALUES (3, 'c')")
        .execute(&mut blocker)
        .await
        .unwrap();
    let mut child = t.spawn(&["upgrade", "head"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let build = loop {
        if let Some(pid) = waiting_builds(&t).await.pop() {
            break pid;
        }
        assert!(child.try_wait().unwrap().is_none(), "alembix ended early");
        assert!(Instant::now() < deadline, "the build never waited");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let ended = t
        .strings(&format!("SELECT pg_terminate_backend({build})::text"))
        .await;
    assert_eq!(ended, vec!["true"]);
    while !t
        .strings(&format!(
            "SELECT pid::text FROM pg_stat_activity WHERE pid = {build}"
        ))
        .await
        .is_empty()
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(invalid_indexes(&t).await, vec!["ix_items_slug"]);
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut blocker)
        .await
        .unwrap();
    blocker.close().await.unwrap();
    let out = t.run(&["upgrade", "head"]).ok();
    assert!(
        out.stderr.contains("dropped index ix_items_slug"),
        "{}",
        out.stderr
    );
    assert!(invalid_indexes(&t).await.is_empty());
    let valid = t
        .strings(
            "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE c.relname = 'ix_items_slug'",
        )
        .await;
    assert_eq!(valid, vec!["true"]);
    assert_eq!(t.versions().await, vec![rid("02")]);
}

/// PostgreSQL: `statement_timeout` ends a statement that runs too long;
/// it is not tried again.
async fn statement_timeout_ends_long_statements(t: Cli) {
    t.rev("01", &[], "SELECT pg_sleep(3);", "SELECT 1;");
    std::fs::write(
        t.path().join("alembix.toml"),
        format!(
            "database_url = \"{}\"\nmigrations = \"migrations\"\nstatement_timeout = \"500ms\"\n",
            t.url
        ),
    )
    .unwrap();
    let out = t.run(&["upgrade", "head"]).expect(2);
    assert!(out.stderr.contains("statement timeout"), "{}", out.stderr);
    assert!(!out.stderr.contains("trying again"), "{}", out.stderr);
    assert!(t.versions().await.is_empty());
}

/// MariaDB: an `ALTER` whose `ALGORITHM=` clause the change cannot have
/// fails with what to do.
async fn refused_online_alter(t: Cli) {
    t.rev(
        "01",
        &[],
        "CREATE TABLE busy (id integer);",
        "DROP TABLE busy;",
    );
    t.rev(
        "02",
        &["01"],
        "ALTER TABLE busy MODIFY id bigint, ALGORITHM=INSTANT;",
        "SELECT 1;",
    );
    let out = t.run(&["upgrade", "head"]).expect(2);
    let err = &out.stderr;
    assert!(err.contains("ALGORITHM=INSTANT is not supported"), "{err}");
    assert!(
        err.contains("hint: the server would copy the table or block its writes"),
        "{err}"
    );
    assert!(
        err.contains("quiet window") && err.contains("online_ddl = false"),
        "{err}"
    );
    assert_eq!(t.versions().await, vec![rid("01")]);
}

macro_rules! on {
    ($case:ident, $($kind:ident),*) => {
        $( ::paste::paste! {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn [<$case _ $kind:lower>]() {
                common::run_with_url(Kind::$kind, Default::default(), |db, url| $case(Cli::new(db, url))).await;
            }
        } )*
    };
}

on!(gives_up_naming_the_blocker, Postgres, MariaDb);
on!(retry_after_release, Postgres, MariaDb);
on!(killed_concurrent_build, Postgres);
on!(statement_timeout_ends_long_statements, Postgres);
on!(refused_online_alter, MariaDb);
