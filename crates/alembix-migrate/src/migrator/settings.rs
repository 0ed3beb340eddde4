//! What a run is told: table names, how long to wait for the migration
//! lock, and the safety limits of the statements it runs on live tables.

use std::time::Duration;

/// The version table's name unless configured otherwise.
pub const DEFAULT_VERSION_TABLE: &str = "alembix_version";

/// The log table's name unless configured otherwise.
pub const DEFAULT_LOG_TABLE: &str = "alembix_log";

/// How long a run waits for another run's migration lock unless
/// configured otherwise ([`Settings::lock_wait`]).
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(600);

/// How long one statement may wait for a lock on a table unless
/// configured otherwise ([`Settings::lock_timeout`]).
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a step that hit the lock timeout is tried again unless
/// configured otherwise ([`Settings::lock_retries`]).
pub const DEFAULT_LOCK_RETRIES: u32 = 5;

/// How long the table lock's lease lasts unless configured otherwise
/// ([`Settings::lock_lease`]).
pub const DEFAULT_LOCK_LEASE: Duration = Duration::from_secs(30);

/// The shortest lease accepted ([`Settings::lock_lease`]): the lease is
/// renewed every third of its length, so below 1 s a renewal would be due
/// every few hundred milliseconds and one slow round trip to the database
/// (a new connection, a busy server) would lose the lease and stop the run.
pub const MIN_LOCK_LEASE: Duration = Duration::from_secs(1);

/// The longest lease accepted ([`Settings::lock_lease`]): a run killed
/// outside Alembix's control blocks every other run until its lease runs
/// out, and the lease is added to the database's clock in milliseconds;
/// more than a day is a mistake, not a choice.
pub const MAX_LOCK_LEASE: Duration = Duration::from_secs(24 * 3600);

/// Whether `lease` is a lease length a run accepts: `Ok` from
/// [`MIN_LOCK_LEASE`] to [`MAX_LOCK_LEASE`], else why not.
///
/// ```
/// use std::time::Duration;
/// use alembix_migrate::check_lock_lease;
/// assert!(check_lock_lease(Duration::from_secs(2)).is_ok());
/// assert!(check_lock_lease(Duration::from_millis(500)).unwrap_err().contains("at least 1 s"));
/// assert!(check_lock_lease(Duration::from_secs(2 * 86400)).unwrap_err().contains("at most 24 h"));
/// ```
pub fn check_lock_lease(lease: Duration) -> Result<(), String> {
    if lease < MIN_LOCK_LEASE {
        return Err(format!(
            "must be at least {} s: the lease is renewed every third of it, and a shorter \
             one is lost to one slow round trip to the database",
            MIN_LOCK_LEASE.as_secs()
        ));
    }
    if lease > MAX_LOCK_LEASE {
        return Err(format!(
            "must be at most {} h: a killed run keeps every other run waiting until its \
             lease runs out",
            MAX_LOCK_LEASE.as_secs() / 3600
        ));
    }
    Ok(())
}

/// Names and limits the engine uses.
///
/// ```
/// use std::time::Duration;
/// use alembix_migrate::Settings;
///
/// let s = Settings::default();
/// assert_eq!(s.lock_wait, Duration::from_secs(600));
/// assert_eq!(s.lock_timeout, Duration::from_secs(5));
/// assert_eq!((s.statement_timeout, s.lock_retries), (None, 5));
/// assert_eq!(s.lock_lease, Duration::from_secs(30));
///
/// // A deploy that may wait a minute for another deploy, and whose DDL
/// // gives up on a busy table after 2 s, three times at most.
/// let s = Settings {
///     lock_wait: Duration::from_secs(60),
///     lock_timeout: Duration::from_secs(2),
///     lock_retries: 2,
///     ..Settings::default()
/// };
/// assert_eq!(s.version_table, "alembix_version");
/// ```
#[derive(Debug, Clone)]
pub struct Settings {
    /// The version table (default [`DEFAULT_VERSION_TABLE`]).
    pub version_table: String,
    /// The log table (default [`DEFAULT_LOG_TABLE`]).
    pub log_table: String,
    /// How long to wait for the migration lock that another run holds
    /// (default 10 minutes): the lock is tried with backoff until then,
    /// and the run fails with [`Error::LockTimeout`](crate::Error::LockTimeout)
    /// naming the holder when the database knows it.
    pub lock_wait: Duration,
    /// How long one statement of a revision may wait for a lock on a table
    /// or index that another session holds (default 5 s; zero: no limit).
    /// A statement that waits longer fails instead of queueing every
    /// other session's reads and writes of the table behind it, and its
    /// step is tried again ([`lock_retries`](Settings::lock_retries)).
    /// PostgreSQL: `SET LOCAL lock_timeout` in each transactional step,
    /// `SET lock_timeout` around a no-transaction step, and no limit for a
    /// statement with `CONCURRENTLY` (its waits never block the table).
    /// MySQL/MariaDB: `lock_wait_timeout` (metadata locks, whole seconds,
    /// at least 1) for the run. SQLite: not used.
    pub lock_timeout: Duration,
    /// How long one statement of a revision may run (default: no limit).
    /// PostgreSQL only (`statement_timeout`, set like `lock_timeout`):
    /// MySQL's `max_execution_time` covers only `SELECT`, so it is not set
    /// there.
    pub statement_timeout: Option<Duration>,
    /// How many times a step whose statement hit `lock_timeout` is tried
    /// again, after a rollback and a growing pause (default 5): a
    /// transactional step as a whole, a no-transaction step from the
    /// statement that failed. After the last try the run fails with
    /// [`Error::LockNotAvailable`](crate::Error::LockNotAvailable).
    pub lock_retries: u32,
    /// What this run is, as waiting processes see the lock's holder
    /// (`alembix upgrade head`; default: the program's file name).
    pub command: String,
    /// Which migration lock a run takes (default
    /// [`LockKind::Advisory`](alembix_driver::LockKind::Advisory)):
    /// [`LockKind::Table`](alembix_driver::LockKind::Table) for a
    /// transaction pooler (PgBouncer) or a cluster of several nodes
    /// (Galera), where a session lock does not hold. SQLite keeps its lock
    /// file either way.
    pub lock_kind: alembix_driver::LockKind,
    /// How long the table lock's lease lasts unless renewed (default
    /// [`DEFAULT_LOCK_LEASE`], 30 s; from [`MIN_LOCK_LEASE`] to
    /// [`MAX_LOCK_LEASE`], else the run fails with
    /// [`Error::Usage`](crate::Error::Usage) before it takes the lock).
    /// The run renews it every third of this length; a run killed outside
    /// Alembix's control (`kill -9`, a lost machine) keeps the next run
    /// waiting until it has run out, and a run whose renewals fail for
    /// this long stops before its next revision. Used with
    /// [`LockKind::Table`](alembix_driver::LockKind::Table) only.
    ///
    /// ```
    /// use std::time::Duration;
    /// use alembix_migrate::{LockKind, Settings};
    /// // A killed deploy blocks the next one for 9 s at most; a live one
    /// // renews its lease every 3 s.
    /// let s = Settings {
    ///     lock_kind: LockKind::Table,
    ///     lock_lease: Duration::from_secs(9),
    ///     ..Settings::default()
    /// };
    /// assert_eq!(s.lock_lease / 3, Duration::from_secs(3));
    /// ```
    pub lock_lease: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version_table: DEFAULT_VERSION_TABLE.into(),
            log_table: DEFAULT_LOG_TABLE.into(),
            lock_wait: DEFAULT_LOCK_WAIT,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            statement_timeout: None,
            lock_retries: DEFAULT_LOCK_RETRIES,
            command: program_name(),
            lock_kind: alembix_driver::LockKind::Advisory,
            lock_lease: DEFAULT_LOCK_LEASE,
        }
    }
}

/// The running program's file name (never its arguments, which may hold
/// a database URL).
fn program_name() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .map(std::path::Path::new)
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "alembix".into())
}

/// Options of an upgrade or downgrade run (the limits of every run are in
/// [`Settings`]).
///
/// ```
/// use alembix_migrate::RunOptions;
/// let opts = RunOptions { skip_statement: true };
/// assert!(!RunOptions::default().skip_statement && opts.skip_statement);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Mark the next unfinished statement of the half-way revision finished
    /// without running it (after repairing it by hand), recorded in the log.
    pub skip_statement: bool,
}
