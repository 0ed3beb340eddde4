//! Read replicas on a real MariaDB primary and replica with GTID
//! replication (`scripts/mariadb-replica.sh start`, which `.ci/run` runs;
//! URLs in `ALEMBIX_TEST_MARIADB_PRIMARY` and `ALEMBIX_TEST_MARIADB_REPLICA`,
//! defaults `mysql://root@127.0.0.1:3307` and `mysql://root@127.0.0.1:3308`).
//! Which server served a statement is read from its span's `db.replica`
//! field.
//!
//! Stopping the replica's SQL thread is global to the replica, and each
//! test waits for the replica to have applied its database: the tests of
//! this file run one at a time (a lock), and the SQL thread is always
//! started again (a drop guard).

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
    #[column(max_length = 100)]
    body: String,
}

/// The tests of this file, one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn server(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

fn primary_server() -> String {
    server(
        "ALEMBIX_TEST_MARIADB_PRIMARY",
        "mysql://root@127.0.0.1:3307",
    )
}

fn replica_server() -> String {
    server(
        "ALEMBIX_TEST_MARIADB_REPLICA",
        "mysql://root@127.0.0.1:3308",
    )
}

fn quick() -> PoolOptions {
    PoolOptions {
        max_connections: 2,
        acquire_timeout: Duration::from_secs(5),
        ..PoolOptions::default()
    }
}

async fn admin_pool(server: &str) -> Result<sqlx::MySqlPool, String> {
    sqlx::mysql::MySqlPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect(server)
        .await
        .map_err(|e| e.to_string())
}

/// Runs one query on a server and returns its first column (text) of its
/// first row (`None` without rows).
async fn admin_query(server: &str, sql: &str) -> Result<Option<String>, String> {
    let pool = admin_pool(server).await?;
    let out = sqlx::query_scalar::<_, Option<String>>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_optional(&pool)
        .await
        .map(Option::flatten)
        .map_err(|e| e.to_string());
    pool.close().await;
    out
}

/// Runs statements on a server in the text protocol (replication
/// commands, session settings).
async fn admin_exec(server: &str, sql: &str) -> Result<(), String> {
    let pool = admin_pool(server).await?;
    let out = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&pool)
        .await
        .map(drop)
        .map_err(|e| e.to_string());
    pool.close().await;
    out
}

/// Whether the primary writes a binary log and the replica replicates;
/// fails under CI, else says loudly that the test is skipped.
async fn servers_up() -> bool {
    let (primary, replica) = (primary_server(), replica_server());
    let log_bin = admin_query(&primary, "SELECT CAST(@@log_bin AS CHAR)").await;
    // `SHOW SLAVE STATUS` has a row once the replica was set up.
    let replicating = match admin_pool(&replica).await {
        Ok(pool) => {
            let row = sqlx::raw_sql(sqlx::AssertSqlSafe("SHOW SLAVE STATUS"))
                .fetch_optional(&pool)
                .await;
            pool.close().await;
            row.map(|row| row.is_some()).map_err(|e| e.to_string())
        }
        Err(e) => Err(e),
    };
    if log_bin == Ok(Some("ON".into())) && replicating == Ok(true) {
        return true;
    }
    let why = format!(
        "no MariaDB primary with a binary log at {primary} and replica of it at {replica} \
         (log_bin: {log_bin:?}, replica set up: {replicating:?})"
    );
    if std::env::var_os("CI").is_some() {
        panic!("{why} (CI is set, so this test fails; run scripts/mariadb-replica.sh start)");
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

/// Starts the replica's SQL thread, from `Drop` too (in a thread of its
/// own). Starting a running thread only warns.
fn start_sql_thread() {
    let server = replica_server();
    let done = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        rt.block_on(admin_exec(&server, "START SLAVE SQL_THREAD"))
    })
    .join();
    if !matches!(done, Ok(Ok(_))) {
        eprintln!("could not start the replica's SQL thread: {done:?}");
    }
}

/// The replica's SQL thread stopped while it lives: the replica receives
/// the primary's writes but applies none.
struct SqlThreadStopped;

impl SqlThreadStopped {
    async fn start() -> SqlThreadStopped {
        admin_exec(&replica_server(), "STOP SLAVE SQL_THREAD")
            .await
            .expect("stop the SQL thread");
        SqlThreadStopped
    }
}

impl Drop for SqlThreadStopped {
    fn drop(&mut self) {
        start_sql_thread();
    }
}

/// Waits until the replica has applied all the primary has written.
async fn caught_up() {
    let pos = admin_query(&primary_server(), "SELECT CAST(@@gtid_binlog_pos AS CHAR)")
        .await
        .expect("the primary's position")
        .unwrap_or_default();
    let sql = format!("SELECT CAST(MASTER_GTID_WAIT('{pos}', 60) AS CHAR)");
    let waited = admin_query(&replica_server(), &sql).await;
    assert_eq!(waited, Ok(Some("0".into())), "the replica did not catch up");
}

/// Runs `body` with a fresh database with a `notes` table, applied on the
/// replica; `body` gets the database's URLs on both servers. Drops the
/// database afterwards, even when `body` panics.
async fn with_database<F, Fut>(body: F)
where
    F: FnOnce(String, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let _serial = SERIAL.lock().await;
    if !servers_up().await {
        return;
    }
    start_sql_thread();
    let name = common::unique_name();
    admin_exec(&primary_server(), &format!("CREATE DATABASE `{name}`"))
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
    start_sql_thread();
    admin_exec(
        &primary_server(),
        &format!("DROP DATABASE IF EXISTS `{name}`"),
    )
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

/// Whether a token is a MariaDB GTID list (`0-1-42,7-1-3`).
fn is_gtid_list(token: &str) -> bool {
    !token.is_empty()
        && token.split(',').all(|gtid| {
            let parts: Vec<&str> = gtid.split('-').collect();
            parts.len() == 3 && parts.iter().all(|p| p.parse::<u64>().is_ok())
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_the_replica_and_writes_to_the_primary() {
    with_database(|primary, replica| async move {
        // The same replica twice: round-robin alternates between them.
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
        // Raw SQL may write: it goes to the primary and moves the session
        // to the primary's GTID position.
        let (_, by) = served(Note::from_sql("SELECT * FROM notes").all(&reader)).await;
        assert_eq!(by, [None]);
        let token = reader.session_token();
        assert!(is_gtid_list(&token), "{token}");
        db.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_see_their_writes_while_the_replica_lags() {
    with_database(|primary, replica| async move {
        // A write in a second replication domain: positions carry both.
        let domain = format!(
            "SET SESSION gtid_domain_id = 7; INSERT INTO `{}`.notes VALUES (100, 'domain 7')",
            primary.rsplit('/').next().unwrap()
        );
        admin_exec(&primary_server(), &domain).await.unwrap();
        caught_up().await;
        let db = Db::connect_with_replicas(&primary, &[&replica])
            .await
            .expect("connect");
        let _stopped = SqlThreadStopped::start().await;

        let writer = db.new_session();
        note(1, "written").insert(&writer).await.unwrap();
        let (rows, by) = served(Note::find().filter(Note::id.lt(100)).all(&writer)).await;
        assert_eq!(rows.unwrap(), [note(1, "written")], "reads its own write");
        assert_eq!(by, [None], "from the primary: the replica is behind");

        let fresh = db.new_session();
        let (rows, by) = served(Note::find().filter(Note::id.lt(100)).all(&fresh)).await;
        assert_eq!(rows.unwrap(), [], "the stopped replica has not the row");
        assert_eq!(by, [Some(0)]);

        // The token carries the position, every domain of it, to another
        // handle.
        let token = writer.session_token();
        assert!(is_gtid_list(&token), "{token}");
        assert!(token.contains(",7-1-"), "both domains: {token}");
        let later = fresh.with_session(&token).unwrap();
        assert_eq!(later.session_token(), token);
        let (rows, by) = served(Note::find().filter(Note::id.lt(100)).all(&later)).await;
        assert_eq!(rows.unwrap(), [note(1, "written")]);
        assert_eq!(by, [None]);
        assert!(fresh.with_session("not a token").is_err());
        let err = fresh.with_session("16/B374D848").unwrap_err();
        assert!(matches!(err, alembix::Error::Usage(_)), "{err}");

        // A committed transaction moves its handle's session too.
        let txer = db.new_session();
        txer.transaction(|tx| async move { note(2, "in tx").insert(&tx).await.map(drop) })
            .await
            .unwrap();
        assert!(is_gtid_list(&txer.session_token()));
        let (count, by) = served(Note::find().count(&txer)).await;
        assert_eq!((count.unwrap(), by), (3, vec![None]));

        drop(_stopped);
        // Once applied, the writer's reads go to the replica again.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (rows, by) = served(Note::find().count(&writer)).await;
            assert_eq!(rows.unwrap(), 3);
            if by == [Some(0)] {
                break;
            }
            assert!(Instant::now() < deadline, "the replica never served again");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (count, by) = served(Note::find().count(&later)).await;
        assert_eq!((count.unwrap(), by), (3, vec![Some(0)]));
        db.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_replica_is_skipped() {
    with_database(|primary, replica| async move {
        let bogus = "mysql://root@127.0.0.1:1/nothing";
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
        // A writer whose position the live replica has applied reads there.
        let writer = db.new_session();
        note(2, "two").insert(&writer).await.unwrap();
        caught_up().await;
        let (rows, by) = served(Note::find().count(&writer)).await;
        assert_eq!((rows.unwrap(), by), (2, vec![Some(1)]));
        db.close().await;
    })
    .await;
}

#[tokio::test]
async fn max_lag_is_refused_on_mariadb() {
    let err = Db::builder(&primary_server())
        .replica(&replica_server())
        .max_lag(Duration::from_secs(1))
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(err, alembix::Error::Usage(_)), "{err}");
    assert!(err.to_string().contains("max_lag"), "{err}");
}
