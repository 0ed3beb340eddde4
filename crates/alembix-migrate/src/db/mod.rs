//! Database access for the engine: the database to migrate, the migration
//! lock, the version and log tables, and running one step. Connections,
//! the lock statements and everything else that differs per backend come
//! from `alembix-driver`.
//!
//! Everything a run does happens on ONE connection (a session) that holds
//! the lock from start to end:
//! * PostgreSQL: `pg_try_advisory_lock(key)` polled with backoff.
//! * MySQL/MariaDB: `GET_LOCK(name, 0)` polled with backoff (the name holds
//!   the database and version table).
//! * SQLite: an advisory lock on the file `<database>.alembix-lock`
//!   (none for an in-memory database), held from before the first
//!   statement to the end of the run, then the database write lock,
//!   `BEGIN IMMEDIATE`; each transactional step is a `SAVEPOINT` inside it.
//!   A no-transaction step commits what came before, runs outside a
//!   transaction and opens the write transaction again afterwards; the lock
//!   file keeps every other run out meanwhile.
//!
//! Each try of the lock is immediate; the session polls with backoff up to
//! `lock_wait`. The holder records itself (pid, host, start, command)
//! where waiting runs read it: PostgreSQL's `application_name`, SQLite's
//! lock file; MySQL/MariaDB names the holding connection from its process
//! list. A session dropped with the lock held closes its connection.
//!
//! A revision runs step by step (`-- step:` markers): a transactional step
//! in a transaction with its log record (its statements in one round trip
//! where DDL is transactional; the server's count of finished statements
//! names the one that failed), a no-transaction step statement by
//! statement, each recorded right after it (plain DML in a transaction with
//! its record). Where DDL commits itself (MySQL/MariaDB) every statement is
//! recorded, in the step's transaction. The version row moves with the last
//! step. The log row of a run (`state = 'running'` until the end) is the
//! database's half-way mark: a later run resumes after its last finished
//! statement, and a failure reports what the log says committed.

mod batch;
mod concurrent;
mod failure;
mod kinds;
mod lease;
mod limits;
mod names;
mod progress;
mod session;
mod step;
mod tables;

use std::time::Duration;

use alembix_driver::{Pool, PoolOptions};
use alembix_schema::Dialect;

use crate::error::{Error, Result};
use crate::step::Direction;

pub(crate) use limits::Limits;
pub(crate) use progress::ProgressRow;
pub(crate) use session::Session;
pub(crate) use step::RunContext;
pub(crate) use tables::{TableNames, log_table_sql, version_table_sql};

/// The URL with its password replaced by `***`, for messages.
///
/// ```
/// assert_eq!(
///     alembix_migrate::db::redact("postgres://app:secret@db/app"),
///     "postgres://app:***@db/app"
/// );
/// ```
pub use alembix_driver::{Connection, LockAttempt, redact};

/// The SQL facts of a backend (the migration lock's kind and name among
/// them).
pub use alembix_driver::{BackendSql, backend_sql};

/// A database the engine migrates: a pool of one backend.
#[derive(Debug, Clone)]
pub struct Database {
    pool: Pool,
}

fn connect_error(url: &str, reason: &str) -> Error {
    Error::Usage(format!(
        "cannot connect to {}: {reason} (the URL comes from --database-url, else DATABASE_URL, else database_url in alembix.toml)",
        redact(url)
    ))
}

impl Database {
    /// Connects from a URL: `postgres://`, `mysql://`/`mariadb://`,
    /// `sqlite://PATH` (created when missing) or `sqlite::memory:`.
    ///
    /// ```
    /// use alembix_schema::Dialect::{Sqlite};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix_migrate::Database::connect("sqlite::memory:").await?;
    /// assert_eq!(db.dialect(), Sqlite);
    /// # Ok::<_, alembix_migrate::Error>(()) }).unwrap();
    /// ```
    pub async fn connect(url: &str) -> Result<Database> {
        Database::connect_within(url, Duration::from_secs(30)).await
    }

    /// [`connect`](Database::connect), giving up on a server that does not
    /// answer within `timeout`. Messages never show the URL's secrets.
    pub async fn connect_within(url: &str, timeout: Duration) -> Result<Database> {
        Database::open(url, timeout, true).await
    }

    /// [`connect_within`](Database::connect_within) to a database that
    /// must exist: a SQLite file that does not is an error rather than a
    /// new empty database (a typo in the path).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use std::time::Duration;
    /// let err = alembix_migrate::Database::connect_existing(
    ///     "sqlite:///no/such/dir/app.db",
    ///     Duration::from_secs(1),
    /// )
    /// .await
    /// .err()
    /// .unwrap();
    /// assert!(err.to_string().contains("does not exist"));
    /// # });
    /// ```
    pub async fn connect_existing(url: &str, timeout: Duration) -> Result<Database> {
        Database::open(url, timeout, false).await
    }

    async fn open(url: &str, timeout: Duration, create: bool) -> Result<Database> {
        let opts = PoolOptions {
            max_connections: 2,
            acquire_timeout: timeout,
            idle_timeout: None,
            max_lifetime: None,
            sqlite_wal: false,
            sqlite_create: create,
            ..PoolOptions::default()
        };
        match Pool::connect(url, &opts).await {
            Ok(pool) => Ok(Database { pool }),
            Err(alembix_driver::Error::Connect { reason, .. }) => Err(connect_error(url, &reason)),
            Err(e) => Err(Error::Usage(e.to_string())),
        }
    }

    /// Uses an existing pool (the runtime's `Db`).
    pub fn from_pool(pool: Pool) -> Database {
        Database { pool }
    }

    /// Uses an existing PostgreSQL pool.
    #[cfg(feature = "postgres")]
    pub fn from_postgres(pool: sqlx::PgPool) -> Database {
        Database::from_pool(Pool::Postgres(pool))
    }

    /// Uses an existing MySQL/MariaDB pool.
    #[cfg(feature = "mysql")]
    pub fn from_mysql(pool: sqlx::MySqlPool) -> Database {
        Database::from_pool(Pool::MySql(pool))
    }

    /// Uses an existing SQLite pool.
    #[cfg(feature = "sqlite")]
    pub fn from_sqlite(pool: sqlx::SqlitePool) -> Database {
        Database::from_pool(Pool::Sqlite(pool))
    }

    /// The pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The SQL dialect of the backend.
    pub fn dialect(&self) -> Dialect {
        self.pool.dialect()
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await
    }

    /// Whether the server holds a database of this name (`alembix database`).
    pub async fn database_exists(&self, name: &str) -> Result<bool> {
        Ok(self.pool.acquire().await?.database_exists(name).await?)
    }

    /// Runs SQL text without parameters (`CREATE DATABASE` and the like).
    pub async fn execute_raw(&self, sql: &str) -> Result<()> {
        Ok(self.pool.raw(sql).await?)
    }

    pub(crate) async fn session(&self) -> Result<Session> {
        Ok(Session::new(self.pool.acquire().await?))
    }
}

impl From<Pool> for Database {
    fn from(pool: Pool) -> Database {
        Database { pool }
    }
}

/// Direction names as the log table stores them.
pub(crate) fn direction_of(s: &str) -> Option<Direction> {
    match s {
        "upgrade" => Some(Direction::Up),
        "downgrade" => Some(Direction::Down),
        _ => None,
    }
}
