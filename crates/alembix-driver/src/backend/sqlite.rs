//! SQLite.

use alembix_schema::Dialect;

use super::BackendSql;

pub(crate) const SQL: BackendSql = BackendSql {
    dialect: Dialect::Sqlite,
    feature: "sqlite",
    enabled: cfg!(feature = "sqlite"),
    now_utc: "strftime('%Y-%m-%d %H:%M:%f', 'now')",
    begin_script: "BEGIN",
    log_id_column: "id integer PRIMARY KEY AUTOINCREMENT",
    log_applied_at_column: "applied_at text NOT NULL",
    table_exists: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
    column_exists: "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?",
    database_exists: "SELECT 0 WHERE ? IS NULL",
    lock_is_transaction: true,
    after_failed_script: &["ROLLBACK", "PRAGMA foreign_keys = ON"],
    set_timeouts: super::no_timeouts,
    reset_timeouts: super::no_reset,
    invalid_index: None,
    end_session: |_| String::new(),
    now_millis: "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
    insert_unless_exists: super::on_conflict_do_nothing,
    counts_changed_rows: false,
    session_lock: false,
    lock_mechanism: "lock file",
    unprepared_under_pooler: false,
    replicas: None,
};

/// How long a connection waits for a database another one is writing.
#[cfg(feature = "sqlite")]
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The time in the log table's text: `YYYY-MM-DD HH:MM:SS.fff` as
/// `strftime` writes it, or RFC 3339; the epoch when it is neither.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
fn parse_utc(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .map(|n| n.and_utc())
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(text).map(|d| d.to_utc()))
        .unwrap_or_default()
}

/// `sqlite:` or `sqlite://` with no path (sqlx would open a throwaway
/// database).
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
fn names_no_file(url: &str) -> bool {
    let rest = url.strip_prefix("sqlite:").unwrap_or(url);
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    rest.split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim()
        .is_empty()
}

#[cfg(feature = "sqlite")]
mod lock_file;
#[cfg(feature = "sqlite")]
mod script;

#[cfg(feature = "sqlite")]
pub(crate) use live::connect;

#[cfg(feature = "sqlite")]
mod live {
    use alembix_schema::Dialect;
    use sqlx::pool::PoolConnection;
    use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
    use sqlx::sqlite::{SqlitePool, SqliteQueryResult, SqliteRow};
    use sqlx::{AssertSqlSafe, Row as _};

    use super::{BUSY_TIMEOUT, lock_file, parse_utc};
    use crate::backend::{Backend, BackendConn, BackendRow};
    use crate::lock::{LockAttempt, LockHolder, MigrationLock};
    use crate::url::{connect_error, invalid};
    use crate::{Connection, Done, Error, Pool, PoolOptions, Row, RowDecoder, Rows, Transaction};

    pub(crate) async fn connect(url: &str, opts: &PoolOptions) -> Result<Pool, Error> {
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        if !memory && super::names_no_file(url) {
            return Err(invalid(
                url,
                "it names no database file: use sqlite://PATH (created when missing) or sqlite::memory:",
            ));
        }
        let options: SqliteConnectOptions = url.parse().map_err(|e| invalid(url, e))?;
        if !memory && !opts.sqlite_create && !options.get_filename().exists() {
            let missing = std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "the database file {} does not exist; check the path, or create it with `alembix database create` (`alembix upgrade` creates it too)",
                    options.get_filename().display()
                ),
            );
            return Err(connect_error(url, sqlx::Error::Io(missing)));
        }
        let mut options = options
            .create_if_missing(opts.sqlite_create)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        if opts.sqlite_wal {
            options = options.journal_mode(if memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            });
        }
        let mut pool = opts.sqlx::<Sqlite>();
        if memory {
            // An in-memory database lives as long as its one connection.
            pool = pool
                .max_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        let pool = connect_retrying(pool, options)
            .await
            .map_err(|e| connect_error(url, e))?;
        Ok(Pool::Sqlite(pool))
    }

    /// Opens the pool, trying again for up to [`BUSY_TIMEOUT`] while the
    /// database is busy: two processes opening a new file at once both
    /// switch it to WAL, and SQLite refuses one of them at once, without
    /// waiting on the busy timeout.
    async fn connect_retrying(
        pool: sqlx::pool::PoolOptions<Sqlite>,
        options: SqliteConnectOptions,
    ) -> Result<SqlitePool, sqlx::Error> {
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        let mut delay = std::time::Duration::from_millis(5);
        loop {
            match pool.clone().connect_with(options.clone()).await {
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(std::time::Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }

    /// The database is locked by another connection (after the busy timeout).
    fn is_busy(e: &sqlx::Error) -> bool {
        match e {
            sqlx::Error::Database(d) => {
                let m = d.message().to_ascii_lowercase();
                m.contains("locked") || m.contains("busy")
            }
            _ => false,
        }
    }

    impl Backend for Sqlite {
        const DIALECT: Dialect = Dialect::Sqlite;
    }

    impl BackendConn for SqliteConnection {
        /// The lock file beside the database (none in memory), then the
        /// write lock of the whole database, held by a transaction.
        async fn try_lock(&mut self, key: &str, me: &LockHolder) -> sqlx::Result<LockAttempt> {
            let mut lock = MigrationLock::new(key);
            if let Some(path) = main_file(self).await? {
                match lock_file::try_take(&lock_file::path_for(&path), me)? {
                    Ok(file) => lock.file = Some(file),
                    Err(holder) => return Ok(LockAttempt::Busy(holder)),
                }
            }
            if self.resume_lock().await? {
                Ok(LockAttempt::Taken(lock))
            } else {
                // Another connection writes (not an Alembix run).
                lock_file::release(lock);
                Ok(LockAttempt::Busy(None))
            }
        }

        /// `BEGIN IMMEDIATE` without waiting (the caller polls up to its
        /// own timeout); false while another connection writes.
        async fn resume_lock(&mut self) -> sqlx::Result<bool> {
            sqlx::raw_sql("PRAGMA busy_timeout = 0")
                .execute(&mut *self)
                .await?;
            let begun = sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *self).await;
            let restore = format!("PRAGMA busy_timeout = {}", BUSY_TIMEOUT.as_millis());
            sqlx::raw_sql(AssertSqlSafe(restore))
                .execute(&mut *self)
                .await?;
            match begun {
                Ok(_) => Ok(true),
                Err(e) if is_busy(&e) => Ok(false),
                Err(e) => Err(e),
            }
        }

        async fn unlock(&mut self, lock: MigrationLock) -> sqlx::Result<()> {
            let done = sqlx::raw_sql("COMMIT").execute(self).await.map(drop);
            lock_file::release(lock);
            done
        }

        /// On the connection's own handle (see `script.rs`).
        async fn raw_batch(&mut self, sql: &str) -> Result<usize, (usize, sqlx::Error)> {
            super::script::raw_batch(self, sql).await
        }
    }

    /// The file of the `main` database; `None` in memory.
    async fn main_file(c: &mut SqliteConnection) -> sqlx::Result<Option<String>> {
        let file: Option<String> =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_optional(c)
                .await?;
        Ok(file.filter(|f| !f.is_empty()))
    }
    impl BackendRow for SqliteRow {
        fn timestamp_utc(&self, col: usize) -> sqlx::Result<chrono::DateTime<chrono::Utc>> {
            let text: String = self.try_get(col)?;
            Ok(parse_utc(&text))
        }

        fn decode_with<D: RowDecoder>(&self, decoder: &D) -> Result<D::Output, D::Error> {
            decoder.sqlite(self)
        }
    }

    impl From<SqliteQueryResult> for Done {
        fn from(r: SqliteQueryResult) -> Done {
            Done {
                rows_affected: r.rows_affected(),
                last_insert_id: Some(r.last_insert_rowid()),
            }
        }
    }

    impl From<Vec<SqliteRow>> for Rows {
        fn from(rows: Vec<SqliteRow>) -> Rows {
            Rows::Sqlite(rows)
        }
    }

    impl From<SqliteRow> for Row {
        fn from(row: SqliteRow) -> Row {
            Row::Sqlite(row)
        }
    }

    impl From<PoolConnection<Sqlite>> for Connection {
        fn from(c: PoolConnection<Sqlite>) -> Connection {
            Connection::Sqlite(c)
        }
    }

    impl From<sqlx::Transaction<'static, Sqlite>> for Transaction {
        fn from(t: sqlx::Transaction<'static, Sqlite>) -> Transaction {
            Transaction::Sqlite(t)
        }
    }

    impl Pool {
        /// The sqlx SQLite pool, if this is SQLite.
        pub fn as_sqlite(&self) -> Option<&SqlitePool> {
            match self {
                Pool::Sqlite(p) => Some(p),
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_utc;

    #[test]
    fn empty_paths_name_no_file() {
        use super::names_no_file;
        for url in ["sqlite:", "sqlite://", "sqlite://?mode=rwc", "sqlite: "] {
            assert!(names_no_file(url), "{url}");
        }
        for url in [
            "sqlite://a.db",
            "sqlite:a.db",
            "sqlite::memory:",
            "sqlite:///tmp/x",
        ] {
            assert!(!names_no_file(url), "{url}");
        }
    }

    /// Processes that open a new database file at the same time all get a
    /// pool (one of them used to fail with "database is locked" while
    /// another switched the file to WAL).
    #[cfg(feature = "sqlite")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_opens_of_a_new_file_all_succeed() {
        let dir = std::env::temp_dir().join(format!("alembix_open_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for round in 0..40 {
            let url = format!("sqlite://{}", dir.join(format!("r{round}.db")).display());
            let opens: Vec<_> = (0..3)
                .map(|_| {
                    let url = url.clone();
                    tokio::spawn(async move {
                        crate::Pool::connect(&url, &crate::PoolOptions::default()).await
                    })
                })
                .collect();
            for open in opens {
                let pool = open.await.unwrap();
                let pool = pool.unwrap_or_else(|e| panic!("round {round}: {e}"));
                pool.close().await;
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn log_times_read_back() {
        let t = parse_utc("2026-01-02 03:04:05.678");
        assert_eq!(t.to_rfc3339(), "2026-01-02T03:04:05.678+00:00");
        assert_eq!(parse_utc("2026-01-02T03:04:05Z").timestamp(), 1_767_323_045);
        assert_eq!(parse_utc("garbage").timestamp(), 0);
    }
}
