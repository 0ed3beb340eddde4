//! The report of a statement that could not get its lock on any try: the
//! failure, how often it was tried, and the sessions in its way.

use std::time::Duration;

use alembix_driver::Blocker;

use super::statement::StatementFailure;

/// What [`Error::LockNotAvailable`](super::Error::LockNotAvailable) reports.
///
/// ```
/// # use std::time::Duration;
/// # use alembix_migrate::error::{LockFailure, StatementFailure};
/// # use alembix_migrate::Direction;
/// # let statement = StatementFailure {
/// #     path: "migrations/a.sql".into(), revision: "aaaaaaaaaaaa".into(), direction: Direction::Up,
/// #     index: 1, line: 9, statement: "ALTER TABLE t ADD x int".into(),
/// #     message: "canceling statement due to lock timeout".into(), hint: None, rolled_back: false,
/// #     already_ran: vec![], undone: vec![], implicit: vec![], step: 1, steps: 1, statements: 1,
/// #     skipped: vec![], backend: "PostgreSQL",
/// # };
/// let failure = LockFailure {
///     statement,
///     tries: 6,
///     lock_timeout: Duration::from_secs(5),
///     blockers: vec![alembix_driver::Blocker {
///         id: 4242,
///         kind: "PostgreSQL backend pid",
///         detail: "idle in transaction".into(),
///         query: "SELECT * FROM t".into(),
///         end_with: "SELECT pg_terminate_backend(4242)".into(),
///     }],
/// };
/// let text = failure.to_string();
/// assert!(text.starts_with("migrations/a.sql:9: revision aaaaaaaaaaaa could not take a lock"));
/// assert!(text.contains("6 tries"));
/// assert!(text.contains("PostgreSQL backend pid 4242 (idle in transaction): SELECT * FROM t"));
/// assert!(text.contains("SELECT pg_terminate_backend(4242)"));
/// ```
#[derive(Debug)]
pub struct LockFailure {
    /// The statement of the last try, where it is and what stays applied.
    pub statement: StatementFailure,
    /// How many times the statement was tried (`lock_retries` + 1).
    pub tries: u32,
    /// How long each try waited for the lock.
    pub lock_timeout: Duration,
    /// The sessions holding locks the statement needs, as far as the
    /// database can tell (PostgreSQL: granted locks on the tables and
    /// indexes the statement names; MySQL/MariaDB: connections with open
    /// transactions; empty when none is known).
    pub blockers: Vec<Blocker>,
}

impl LockFailure {
    fn write_blockers(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.blockers.is_empty() {
            return write!(
                f,
                "\nThe database names no session in its way now (it may have ended)."
            );
        }
        write!(f, "\nSessions in its way:")?;
        for b in &self.blockers {
            write!(f, "\n  {b}")?;
        }
        let ends: Vec<String> = self
            .blockers
            .iter()
            .filter(|b| !b.end_with.is_empty())
            .map(|b| format!("`{}`", b.end_with))
            .collect();
        if !ends.is_empty() {
            write!(
                f,
                "\nEnd the session that should not be there (it holds its lock until its transaction ends): {}.",
                ends.join(", ")
            )?;
        }
        Ok(())
    }
}

impl std::fmt::Display for LockFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = &self.statement;
        write!(
            f,
            "{}:{}: revision {} could not take a lock for {} within lock_timeout ({:.1} s) on any of {} tries: {}\n  statement: {}",
            st.path.display(),
            st.line,
            st.revision,
            st.position(),
            self.lock_timeout.as_secs_f64(),
            self.tries,
            st.message,
            st.statement.trim()
        )?;
        self.write_blockers(f)?;
        write!(
            f,
            "\nOtherwise wait for a quieter moment, or raise `lock_timeout` (how long each try waits) or `lock_retries` (how many tries) in alembix.toml, and run `alembix {}` again.",
            st.direction.as_str()
        )?;
        st.write_state(f)
    }
}
