//! Read replicas on a real PostgreSQL hot standby (`scripts/pg-replica.sh
//! start`, which `.ci/run` runs; URL in `ALEMBIX_TEST_PG_REPLICA`, default
//! `postgres://postgres@127.0.0.1:5433`). Which server served a statement
//! is read from its span's `db.replica` field.
//!
//! Replay pausing is global to the standby, and each test waits for the
//! standby to replay its database: the tests of this file run one at a
//! time (a lock), and the pause is always undone (a drop guard).

mod common;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use alembix::{Db, Model, PoolOptions};
use futures_util::{FutureExt, TryStreamExt};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "notes")]
struct Note {
    id: i64,
    body: String,
}

/// The tests of this file, one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn primary_server() -> String {
    std::env::var("ALEMBIX_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| common::PG_URL.to_string())
        .trim_end_matches('/')
        .to_string()
}

fn replica_server() -> String {
    std::env::var("ALEMBIX_TEST_PG_REPLICA")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5433".to_string())
        .trim_end_matches('/')
        .to_string()
}

fn quick() -> PoolOptions {
    PoolOptions {
        max_connections: 2,
        acquire_timeout: Duration::from_secs(5),
        ..PoolOptions::default()
    }
}

/// Runs one statement on a server's `postgres` database and returns its
/// first column as text (`None` without rows).
async fn admin_query(server: &str, sql: &str) -> Result<Option<String>, String> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect(&format!("{server}/postgres"))
        .await
        .map_err(|e| e.to_string())?;
    let out = sqlx::query_scalar::<_, Option<String>>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_optional(&pool)
        .await
        .map(Option::flatten)
        .map_err(|e| e.to_string());
    pool.close().await;
    out
}

/// Whether the replica answers as a standby; fails under CI, else says
/// loudly that the test is skipped.
async fn replica_up() -> bool {
    let server = replica_server();
    match admin_query(&server, "SELECT pg_is_in_recovery()::text").await {
        Ok(Some(t)) if t == "true" => true,
        other => {
            let why = format!("{server} is not a reachable standby: {other:?}");
            if std::env::var_os("CI").is_some() {
                panic!("{why} (CI is set, so this test fails; run scripts/pg-replica.sh start)");
            }
            use std::io::Write;
            let _ = write!(
                std::io::stderr(),
                "\n====================================================\n\
                 SKIPPED: {why}\n\
                 ====================================================\n"
            );
            false
        }
    }
}

/// Resumes replay on the standby, from `Drop` too (in a thread of its own).
fn resume_replay() {
    let server = replica_server();
    let done = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        rt.block_on(admin_query(&server, "SELECT pg_wal_replay_resume()::text"))
    })
    .join();
    if !matches!(done, Ok(Ok(_))) {
        eprintln!("could not resume replay on the standby: {done:?}");
    }
}

/// Replay paused while it lives.
struct Paused;

impl Paused {
    async fn start() -> Paused {
        admin_query(&replica_server(), "SELECT pg_wal_replay_pause()::text")
            .await
            .expect("pause replay");
        Paused
    }
}

impl Drop for Paused {
    fn drop(&mut self) {
        resume_replay();
    }
}

/// Waits until the standby has replayed all the primary has written.
async fn caught_up() {
    let lsn = admin_query(
        &primary_server(),
        "SELECT pg_current_wal_insert_lsn()::text",
    )
    .await
    .expect("the primary's position")
    .expect("a position");
    let sql = format!("SELECT (pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn)::text");
    let deadline = Instant::now() + Duration::from_secs(60);
    while admin_query(&replica_server(), &sql).await != Ok(Some("true".into())) {
        assert!(Instant::now() < deadline, "the standby did not catch up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs `body` with a fresh database with a `notes` table, replayed on
/// the standby; `body` gets the database's URLs on both servers. Drops
/// the database afterwards, even when `body` panics.
async fn with_database<F, Fut>(body: F)
where
    F: FnOnce(String, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let _serial = SERIAL.lock().await;
    if !replica_up().await {
        return;
    }
    resume_replay();
    let name = common::unique_name();
    admin_query(&primary_server(), &format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("CREATE DATABASE");
    let primary = format!("{}/{name}", primary_server());
    let replica = format!("{}/{name}", replica_server());
    let outcome = AssertUnwindSafe(async {
        let db = Db::connect_with(&primary, quick()).await.expect("connect");
        db.create_all(&[Note::table()]).await.expect("create notes");
        db.close().await;
        caught_up().await;
        body(primary.clone(), replica.clone()).await
    })
    .catch_unwind()
    .await;
    resume_replay();
    let drop_sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    admin_query(&primary_server(), &drop_sql)
        .await
        .expect("DROP DATABASE");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The `db.replica` field of each statement `fut` sent: `None` for the
/// primary.
async fn served<F: Future>(fut: F) -> (F::Output, Vec<Option<u64>>) {
    let (out, sent) = common::trace::capture(fut).await;
    (out, sent.iter().map(|s| s.replica).collect())
}

fn note(id: i64, body: &str) -> Note {
    Note {
        id,
        body: body.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_replicas_and_writes_to_the_primary() {
    with_database(|primary, replica| async move {
        // The same standby twice: round-robin alternates between them.
        let db = Db::builder(&primary)
            .replica(&replica)
            .replica(&replica)
            .options(quick())
            .connect()
            .await
            .expect("connect");
        assert_eq!(db.replica_count(), 2);
        let (_, by) = served(note(1, "one").insert(&db)).await;
        assert_eq!(by, [None], "an insert goes to the primary");
        caught_up().await;

        let reader = db.new_session();
        let (rows, by) = served(async {
            let a = Note::find().all(&reader).await.unwrap();
            let b = Note::find().count(&reader).await.unwrap();
            let c = Note::get(&reader, 1).await.unwrap();
            let d: Vec<Note> = Note::find().stream(&reader).try_collect().await.unwrap();
            (a, b, c, d)
        })
        .await;
        assert_eq!(rows.0, [note(1, "one")]);
        assert_eq!((rows.1, &rows.2, &rows.3), (1, &note(1, "one"), &rows.0));
        assert!(by.iter().all(Option::is_some), "served by replicas: {by:?}");
        assert!(by.contains(&Some(0)) && by.contains(&Some(1)), "{by:?}");

        // Locking reads, transactions, raw SQL and a pinned handle: the primary.
        let (_, by) = served(async {
            Note::find().for_update().all(&reader).await.unwrap();
            let tx = reader.begin().await.unwrap();
            Note::find().all(&tx).await.unwrap();
            tx.commit().await.unwrap();
            Note::find().all(&reader.primary()).await.unwrap();
        })
        .await;
        assert_eq!(by, [None; 5], "BEGIN and COMMIT included");
        assert_eq!(reader.session_token(), "0/0", "nothing written");
        // Raw SQL may write: it goes to the primary and moves the session.
        let (_, by) = served(Note::from_sql("SELECT * FROM notes").all(&reader)).await;
        assert_eq!(by, [None]);
        assert_ne!(reader.session_token(), "0/0");
        db.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_see_their_writes_while_the_replica_lags() {
    with_database(|primary, replica| async move {
        let db = Db::connect_with_replicas(&primary, &[&replica])
            .await
            .expect("connect");
        let _paused = Paused::start().await;

        let writer = db.new_session();
        note(1, "written").insert(&writer).await.unwrap();
        let (rows, by) = served(Note::find().all(&writer)).await;
        assert_eq!(rows.unwrap(), [note(1, "written")], "reads its own write");
        assert_eq!(by, [None], "from the primary: the replica is behind");

        let fresh = db.new_session();
        let (rows, by) = served(Note::find().all(&fresh)).await;
        assert_eq!(rows.unwrap(), [], "the paused replica has not the row");
        assert_eq!(by, [Some(0)]);

        // The token carries the position to another handle.
        let token = writer.session_token();
        assert_ne!(token, "0/0");
        let later = fresh.with_session(&token).unwrap();
        let (rows, by) = served(Note::find().all(&later)).await;
        assert_eq!(rows.unwrap(), [note(1, "written")]);
        assert_eq!(by, [None]);
        assert!(fresh.with_session("not a token").is_err());

        // A committed transaction moves its handle's session too.
        let txer = db.new_session();
        txer.transaction(|tx| async move { note(2, "in tx").insert(&tx).await.map(drop) })
            .await
            .unwrap();
        let (count, by) = served(Note::find().count(&txer)).await;
        assert_eq!((count.unwrap(), by), (2, vec![None]));

        drop(_paused);
        // Once replayed, the writer's reads go to the replica again.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (rows, by) = served(Note::find().count(&writer)).await;
            assert_eq!(rows.unwrap(), 2);
            if by == [Some(0)] {
                break;
            }
            assert!(Instant::now() < deadline, "the replica never served again");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        db.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_replica_is_skipped() {
    with_database(|primary, replica| async move {
        let bogus = "postgres://postgres@127.0.0.1:1/nothing";
        let db = Db::builder(&primary)
            .replica(bogus)
            .options(quick())
            .connect()
            .await
            .expect("a down replica is not an error");
        note(1, "one").insert(&db).await.unwrap();
        let (rows, by) = served(Note::find().all(&db.new_session())).await;
        assert_eq!(rows.unwrap(), [note(1, "one")]);
        assert_eq!(by, [None], "the primary serves");

        // With a live replica beside it, reads go to the live one.
        let db = Db::builder(&primary)
            .replica(bogus)
            .replica(&replica)
            .options(quick())
            .connect()
            .await
            .unwrap();
        caught_up().await;
        for _ in 0..4 {
            let (rows, by) = served(Note::find().all(&db.new_session())).await;
            assert_eq!(rows.unwrap(), [note(1, "one")]);
            assert_eq!(by, [Some(1)]);
        }
        db.close().await;
    })
    .await;
}

/// The servers named in `alembix.toml` (`database_url`, `replica_urls`):
/// reads go to the replica the file names. (The environment's
/// `DATABASE_URL` would win over the file: the test runs only without it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_from_alembix_toml() {
    if std::env::var_os("DATABASE_URL").is_some()
        || std::env::var_os("DATABASE_REPLICA_URLS").is_some()
    {
        panic!(
            "unset DATABASE_URL and DATABASE_REPLICA_URLS to run this test: they win over the file"
        );
    }
    with_database(|primary, replica| async move {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alembix.toml");
        let toml = format!(
            "database_url = \"{primary}\"\nreplica_urls = [\"{replica}\"]\nlock = \"table\"\n"
        );
        std::fs::write(&path, toml).unwrap();
        let db = Db::builder_from_config(&path)
            .unwrap()
            .options(quick())
            .connect()
            .await
            .unwrap();
        assert_eq!(db.replica_count(), 1);
        let (_, by) = served(note(1, "one").insert(&db)).await;
        assert_eq!(by, [None], "the insert goes to the primary");
        caught_up().await;
        let (rows, by) = served(Note::find().all(&db.new_session())).await;
        assert_eq!(rows.unwrap(), [note(1, "one")]);
        assert_eq!(by, [Some(0)], "the replica of replica_urls serves");
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn replicas_are_refused_where_they_cannot_be() {
    let err = Db::builder("sqlite::memory:")
        .replica("sqlite::memory:")
        .connect()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("SQLite"), "{err}");
    let err = Db::builder(common::PG_URL)
        .replica(common::MARIADB_URL)
        .connect()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("backend"), "{err}");
    let err = Db::builder(common::MARIADB_URL)
        .replica(common::MARIADB_URL)
        .max_lag(Duration::from_secs(1))
        .connect()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("max_lag"), "{err}");
}
