//! What the engine needs to run statements on live tables safely: the
//! limits it sets ([`Timeouts`], at a [`TimeoutScope`]), what kind of
//! failure a statement's error is ([`FailureKind`]), and the sessions
//! that block it ([`Blocker`]). The SQL of each lives with its backend's
//! [`BackendSql`](crate::BackendSql) facts.

use std::time::Duration;

/// How long a statement may wait for a lock and run.
///
/// ```
/// use std::time::Duration;
/// use alembix_driver::{Dialect, TimeoutScope, Timeouts, backend_sql};
///
/// let t = Timeouts { lock: Some(Duration::from_secs(5)), statement: None };
/// let pg = backend_sql(Dialect::Postgres);
/// assert_eq!((pg.set_timeouts)(&t, TimeoutScope::Transaction), ["SET LOCAL lock_timeout = '5000ms'"]);
/// assert_eq!((pg.set_timeouts)(&Timeouts::NONE, TimeoutScope::Session), ["SET lock_timeout = 0"]);
/// let my = backend_sql(Dialect::MySql);
/// assert_eq!((my.set_timeouts)(&t, TimeoutScope::Run), ["SET SESSION lock_wait_timeout = 5"]);
/// assert!((backend_sql(Dialect::Sqlite).set_timeouts)(&t, TimeoutScope::Run).is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The longest wait for a lock on a table or index (`None`: no limit).
    pub lock: Option<Duration>,
    /// The longest run of one statement (`None`: no limit).
    pub statement: Option<Duration>,
}

impl Timeouts {
    /// No limit at all.
    pub const NONE: Timeouts = Timeouts {
        lock: None,
        statement: None,
    };

    /// The same limits without the lock wait's (for statements whose waits
    /// block no one, like PostgreSQL's `CONCURRENTLY`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use alembix_driver::Timeouts;
    /// let t = Timeouts { lock: Some(Duration::from_secs(5)), statement: Some(Duration::from_secs(60)) };
    /// assert_eq!(t.without_lock_limit(), Timeouts { lock: None, statement: Some(Duration::from_secs(60)) });
    /// ```
    pub fn without_lock_limit(self) -> Timeouts {
        Timeouts { lock: None, ..self }
    }
}

/// Where limits set by [`BackendSql::set_timeouts`](crate::BackendSql::set_timeouts) hold.
///
/// ```
/// use alembix_driver::TimeoutScope;
/// assert_ne!(TimeoutScope::Transaction, TimeoutScope::Run);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutScope {
    /// The open transaction, from right after its `BEGIN` to its end
    /// (PostgreSQL `SET LOCAL`).
    Transaction,
    /// The session, for statements that run outside a transaction (a
    /// no-transaction step), until put back.
    Session,
    /// The session, for a whole run, until put back (MySQL/MariaDB, whose
    /// DDL commits itself and cannot take transaction-local settings).
    Run,
}

/// What kind of failure a statement's error is, as far as a migration run
/// acts on it.
///
/// ```
/// use alembix_driver::FailureKind;
/// assert_eq!(FailureKind::of(&sqlx::Error::RowNotFound), FailureKind::Other);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureKind {
    /// The statement waited for a lock longer than its limit (PostgreSQL
    /// SQLSTATE 55P03 `lock_not_available`; MySQL/MariaDB error 1205):
    /// nothing of it happened, and it may succeed when tried again.
    LockTimeout,
    /// MySQL/MariaDB refused an `ALTER` whose `ALGORITHM=`/`LOCK=` clause
    /// it cannot honour for this change (errors 1845, 1846).
    OnlineAlterRefused,
    /// Anything else.
    Other,
}

impl FailureKind {
    /// The kind of `e`, whichever enabled backend reported it.
    pub fn of(e: &sqlx::Error) -> FailureKind {
        let Some(db) = e.as_database_error() else {
            return FailureKind::Other;
        };
        crate::backend::failure_kind(db).unwrap_or(FailureKind::Other)
    }
}

/// A session that holds a lock a statement waited for, as the database
/// describes it.
///
/// ```
/// use alembix_driver::Blocker;
/// let b = Blocker {
///     id: 4242,
///     kind: "PostgreSQL backend pid",
///     detail: "idle in transaction for 12.0 s".into(),
///     query: "SELECT * FROM t".into(),
///     end_with: "SELECT pg_terminate_backend(4242)".into(),
/// };
/// assert_eq!(b.to_string(), "PostgreSQL backend pid 4242 (idle in transaction for 12.0 s): SELECT * FROM t");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    /// The session's id: PostgreSQL's backend pid, MySQL/MariaDB's
    /// connection id.
    pub id: i64,
    /// What the id is (`PostgreSQL backend pid`, `MySQL connection`).
    pub kind: &'static str,
    /// Its state, how long its transaction has been open, who it is.
    pub detail: String,
    /// Its current (or last) statement.
    pub query: String,
    /// The statement that ends it.
    pub end_with: String,
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let query = self.query.split_whitespace().collect::<Vec<_>>().join(" ");
        let query = if query.is_empty() {
            "(no statement)".to_string()
        } else if query.chars().count() > 200 {
            format!("{}...", query.chars().take(200).collect::<String>())
        } else {
            query
        };
        write!(f, "{} {} ({}): {query}", self.kind, self.id, self.detail)
    }
}

/// Milliseconds of a limit, at least 1 (a zero limit means none to the
/// databases).
pub(crate) fn millis(d: Duration) -> u128 {
    d.as_millis().max(1)
}

/// Whole seconds of a limit, rounded up, at least 1.
pub(crate) fn seconds(d: Duration) -> u64 {
    (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
}
