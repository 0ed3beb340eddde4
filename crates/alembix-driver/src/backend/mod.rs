//! What differs between the backends. The SQL facts ([`BackendSql`]) need
//! no driver and are there for every backend, enabled or not (offline
//! scripts are written for any backend); the code that talks to a server
//! is compiled only with the backend's cargo feature.

pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use alembix_schema::Dialect;

use crate::lock::{LockAttempt, LockHolder, MigrationLock};
use crate::safety::{Blocker, FailureKind, TimeoutScope, Timeouts};

/// The SQL a backend speaks where the engine writes its own statements
/// (the version and log tables, the migration lock, transactions).
#[derive(Debug)]
#[non_exhaustive]
///
/// What the SQL renderer also needs (the backend's name, placeholders,
/// transactional DDL) is asked of [`Dialect::rules`] instead.
pub struct BackendSql {
    /// The dialect these facts are for.
    pub dialect: Dialect,
    /// The cargo feature that compiles the backend in.
    pub feature: &'static str,
    /// Whether this build has the backend.
    pub enabled: bool,
    /// The current UTC time, as stored in the log table.
    pub now_utc: &'static str,
    /// The statement that opens a transaction in a script.
    pub begin_script: &'static str,
    /// The log table's `id` column definition.
    pub log_id_column: &'static str,
    /// The log table's `applied_at` column definition.
    pub log_applied_at_column: &'static str,
    /// A count of the tables named by the one parameter, in the current
    /// schema or database.
    pub table_exists: &'static str,
    /// A count of the columns named by the second parameter in the table
    /// named by the first, in the current schema or database.
    pub column_exists: &'static str,
    /// A count of the databases named by the one parameter on the server
    /// (none where a database is a file).
    pub database_exists: &'static str,
    /// The migration lock comes with the database's write transaction
    /// (SQLite's `BEGIN IMMEDIATE`, taken under the lock file that keeps
    /// the run's lock across commits), not only a session lock beside
    /// transactions: steps then run in savepoints inside it.
    pub lock_is_transaction: bool,
    /// Statements that put the session back after a script that ran
    /// outside the engine's transaction failed (SQLite: roll back the
    /// script's own transaction, say of a table rebuild, and turn foreign
    /// keys on again). Their errors do not matter.
    pub after_failed_script: &'static [&'static str],
    /// The statements that set `Timeouts` at a scope (empty where the
    /// backend sets none there): PostgreSQL `SET LOCAL` in a transaction
    /// and `SET` for a session; MySQL/MariaDB `lock_wait_timeout` for the
    /// run (its `max_execution_time` covers `SELECT` only, so statement
    /// limits are not set); SQLite nothing.
    pub set_timeouts: fn(&Timeouts, TimeoutScope) -> Vec<String>,
    /// The statements that put back what `set_timeouts` set at a scope
    /// that outlives a transaction.
    pub reset_timeouts: fn(TimeoutScope) -> &'static [&'static str],
    /// A count of the invalid indexes (left by a concurrent build that
    /// failed or was killed) named by the one parameter, written as SQL
    /// writes a possibly schema-qualified name; `None` where indexes are
    /// never left invalid.
    pub invalid_index: Option<&'static str>,
    /// The statement that ends the session of an id a [`Blocker`] names.
    pub end_session: fn(i64) -> String,
    /// The database's clock in milliseconds since 1970 (UTC), as a 64-bit
    /// integer (the times of the lease table).
    pub now_millis: &'static str,
    /// Turns an `INSERT INTO ... VALUES (...)` into one that inserts
    /// nothing where a row with the same value in the unique column named
    /// by the second argument exists (`ON CONFLICT (key) DO NOTHING`;
    /// MySQL/MariaDB `INSERT IGNORE`).
    pub insert_unless_exists: fn(&str, &str) -> String,
    /// Whether an `UPDATE`'s count of affected rows counts only the rows
    /// whose values changed, not every row it matched (MySQL/MariaDB): an
    /// update that must tell whether it found its row then has to change
    /// a value.
    pub counts_changed_rows: bool,
    /// Whether the migration lock of `lock = "advisory"` is a server
    /// session lock (PostgreSQL's advisory lock, MySQL/MariaDB `GET_LOCK`):
    /// it ends only with its session, cannot be released from outside, and
    /// a transaction pooler or a multi-primary cluster may not keep it,
    /// which `lock = "table"` (a lease row) is for. Where not (SQLite's
    /// lock file and write transaction, on the one host of the file), runs
    /// take that lock whichever kind is set.
    pub session_lock: bool,
    /// The migration lock as `alembix lock status` names it.
    pub lock_mechanism: &'static str,
    /// Whether statements must run unprepared (see `pooler`) once a pool
    /// of this backend is opened with the statement cache off: a
    /// transaction pooler (PgBouncer) may stand between the client and the
    /// server. Only such backends' pools are probed by
    /// [`Pool::behind_pooler`](crate::Pool::behind_pooler).
    pub unprepared_under_pooler: bool,
    /// The statements of read-your-writes on read replicas; `None` where
    /// the backend has none (SQLite).
    pub replicas: Option<ReplicaSql>,
}

/// The statements that tell how far a primary's writes and a replica's
/// replay have gone, as text of the form
/// [`ReplicaPositions`](alembix_schema::dialect::ReplicaPositions) names
/// (PostgreSQL's LSN, MariaDB's GTID list).
///
/// ```
/// use alembix_driver::{Dialect, backend_sql};
/// let sql = backend_sql(Dialect::MySql).replicas.unwrap();
/// assert!(sql.write_position.contains("@@gtid_binlog_pos"));
/// assert!(backend_sql(Dialect::Sqlite).replicas.is_none());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ReplicaSql {
    /// Read on the primary after a write, on the connection that wrote
    /// (after the `COMMIT` of a transaction): how far the primary's log
    /// has gone, one row of one text column.
    pub write_position: &'static str,
    /// Read on a replica: how far it has replayed (text, as
    /// `write_position` writes it) and how far behind the primary it is in
    /// milliseconds (`NULL` where that is not measured).
    pub replica_status: &'static str,
}

impl BackendSql {
    /// The `n`th (from 1) parameter placeholder.
    ///
    /// ```
    /// use alembix_driver::{Dialect, backend_sql};
    /// assert_eq!(backend_sql(Dialect::Postgres).placeholder(2), "$2");
    /// assert_eq!(backend_sql(Dialect::MySql).placeholder(2), "?");
    /// ```
    pub fn placeholder(&self, n: usize) -> String {
        if self.dialect.caps().numbered_placeholders {
            format!("${n}")
        } else {
            "?".to_string()
        }
    }
}

/// The SQL facts of a dialect's backend.
///
/// ```
/// use alembix_driver::{Dialect, backend_sql};
/// assert_eq!(backend_sql(Dialect::MySql).begin_script, "START TRANSACTION");
/// assert!(backend_sql(Dialect::Sqlite).lock_is_transaction);
/// assert!(backend_sql(Dialect::MySql).session_lock && !backend_sql(Dialect::Sqlite).session_lock);
/// assert!(backend_sql(Dialect::Postgres).replicas.is_some() && backend_sql(Dialect::Sqlite).replicas.is_none());
/// ```
pub fn backend_sql(dialect: Dialect) -> &'static BackendSql {
    match dialect {
        Dialect::Postgres => &postgres::SQL,
        Dialect::MySql => &mysql::SQL,
        Dialect::Sqlite => &sqlite::SQL,
    }
}

/// The kind of a database error, asked of each enabled backend.
pub(crate) fn failure_kind(db: &dyn sqlx::error::DatabaseError) -> Option<FailureKind> {
    #[cfg(feature = "postgres")]
    if let Some(kind) = postgres::failure_kind(db) {
        return Some(kind);
    }
    #[cfg(feature = "mysql")]
    if let Some(kind) = mysql::failure_kind(db) {
        return Some(kind);
    }
    let _ = db;
    None
}

/// `ON CONFLICT (key) DO NOTHING` after the insert.
pub(crate) fn on_conflict_do_nothing(insert: &str, key: &str) -> String {
    format!("{insert} ON CONFLICT ({key}) DO NOTHING")
}

/// No limits set, nothing to put back (SQLite).
pub(crate) fn no_timeouts(_: &Timeouts, _: TimeoutScope) -> Vec<String> {
    Vec::new()
}

/// Nothing to put back.
pub(crate) fn no_reset(_: TimeoutScope) -> &'static [&'static str] {
    &[]
}

/// A connection of one backend, as the engine uses it.
#[allow(async_fn_in_trait)]
pub(crate) trait BackendConn {
    /// Tries the migration lock named `key` once, without waiting; once
    /// taken, records `me` where waiting processes read it.
    async fn try_lock(&mut self, key: &str, me: &LockHolder) -> sqlx::Result<LockAttempt>;
    /// Where the lock comes with the write transaction (SQLite): tries once
    /// to open that transaction again after a script ran outside it.
    async fn resume_lock(&mut self) -> sqlx::Result<bool> {
        Ok(true)
    }
    /// Releases the lock.
    async fn unlock(&mut self, lock: MigrationLock) -> sqlx::Result<()>;
    /// The sessions holding locks on `relations` (names as SQL writes
    /// them), or with open transactions where the server cannot tell
    /// which locks they hold; none where the backend cannot tell.
    async fn blockers(&mut self, relations: &[String]) -> sqlx::Result<Vec<Blocker>> {
        let _ = relations;
        Ok(Vec::new())
    }
    /// Runs SQL text of several statements without parameters and counts
    /// the statements finished: `Err((finished, error))` when one failed
    /// after `finished` others (see [`Connection::raw_batch`](crate::Connection::raw_batch)).
    async fn raw_batch(&mut self, sql: &str) -> Result<usize, (usize, sqlx::Error)>;
}

/// Counts the results of a statement stream up to its first error (the
/// statements of a text sent in one round trip: `raw_sql(..).execute_many`).
pub(crate) async fn count_finished<R>(
    mut results: futures_util::stream::BoxStream<'_, sqlx::Result<R>>,
) -> Result<usize, (usize, sqlx::Error)> {
    use futures_util::StreamExt;
    let mut finished = 0;
    while let Some(result) = results.next().await {
        match result {
            Ok(_) => finished += 1,
            Err(e) => return Err((finished, e)),
        }
    }
    Ok(finished)
}

/// A row of one backend.
pub(crate) trait BackendRow {
    /// Column `col` as a UTC time, however the backend stores it.
    fn timestamp_utc(&self, col: usize) -> sqlx::Result<chrono::DateTime<chrono::Utc>>;
    /// The row through the decoder's method for this backend.
    fn decode_with<D: crate::RowDecoder>(&self, decoder: &D) -> Result<D::Output, D::Error>;
}

/// A backend's sqlx database type.
#[allow(async_fn_in_trait)]
pub(crate) trait Backend: sqlx::Database + sqlx::database::HasStatementCache {
    /// Its dialect.
    const DIALECT: Dialect;
    /// Whether the server session has a transaction open, one begun with
    /// raw SQL included (asked only where statements must survive a
    /// transaction pooler: see `pooler`).
    async fn in_transaction(c: &mut Self::Connection) -> sqlx::Result<bool> {
        let _ = c;
        Ok(false)
    }
    /// The server session's id where one tells a pooler apart (PostgreSQL's
    /// `pg_backend_pid()`, asked in the simple protocol); `None` elsewhere.
    async fn session_id(c: &mut Self::Connection) -> sqlx::Result<Option<i64>> {
        let _ = c;
        Ok(None)
    }
    /// Commits the open transaction on the server and leaves the
    /// connection able to run statements of its own before sqlx's commit
    /// (which then sends a `COMMIT` the server ignores); false, having
    /// done nothing, where that second `COMMIT` is not silent (PostgreSQL
    /// warns of it) or not needed.
    async fn commit_in_place(c: &mut Self::Connection) -> sqlx::Result<bool> {
        let _ = c;
        Ok(false)
    }
}

/// Opens one connection before the pool, so that a server that refuses, a
/// wrong password or a missing database is reported at once with its
/// reason: a pool retries such errors until its acquire timeout and then
/// says only that it timed out.
#[allow(dead_code)] // unused when only SQLite is built
pub(crate) async fn probe<C: sqlx::Connection>(
    url: &str,
    options: &<C as sqlx::Connection>::Options,
    timeout: std::time::Duration,
) -> Result<(), crate::Error> {
    match tokio::time::timeout(timeout, C::connect_with(options)).await {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(crate::url::connect_error(url, e)),
        Err(_) => {
            let waited = format!("no answer within {:.1} s", timeout.as_secs_f64());
            let e = std::io::Error::new(std::io::ErrorKind::TimedOut, waited);
            Err(crate::url::connect_error(url, sqlx::Error::Io(e)))
        }
    }
}

/// Opens a pool of the dialect's backend.
pub(crate) async fn connect(
    dialect: Dialect,
    url: &str,
    opts: &crate::PoolOptions,
) -> Result<crate::Pool, crate::Error> {
    match dialect {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => postgres::connect(url, opts).await,
        #[cfg(feature = "mysql")]
        Dialect::MySql => mysql::connect(url, opts).await,
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => sqlite::connect(url, opts).await,
        #[allow(unreachable_patterns)]
        other => {
            let _ = opts;
            Err(crate::url::left_out(url, other))
        }
    }
}
