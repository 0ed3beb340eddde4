//! The limits of the statements a run sends to live tables: how long one
//! may wait for a lock and run, set where the backend takes them (a
//! transactional step's transaction, the session around a no-transaction
//! step, or the session for the whole run), and the pause before a step
//! that hit the lock limit is tried again.

use std::time::Duration;

use alembix_driver::{TimeoutScope, Timeouts};

use super::names::is_concurrent;
use super::session::Session;
use crate::error::Result;
use crate::migrator::Settings;

/// The pause before the first retry; each further one doubles it.
const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// The longest pause between two tries.
const LONGEST_PAUSE: Duration = Duration::from_secs(8);

/// The share of a pause added at random, so runs that wait on the same
/// session do not retry in step.
const JITTER: f64 = 0.2;

/// What a run's statements may do.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The lock and statement limits of every statement.
    pub timeouts: Timeouts,
    /// How often a step that hit the lock limit is tried again.
    pub retries: u32,
}

impl Limits {
    /// The limits `settings` give (a zero `lock_timeout`: no lock limit).
    pub(crate) fn of(settings: &Settings) -> Limits {
        Limits {
            timeouts: Timeouts {
                lock: Some(settings.lock_timeout).filter(|d| !d.is_zero()),
                statement: settings.statement_timeout.filter(|d| !d.is_zero()),
            },
            retries: settings.lock_retries,
        }
    }

    /// The limits of one statement: no lock limit for `CONCURRENTLY`
    /// (its waits hold no lock that blocks the table's readers or
    /// writers, and a timeout would only leave an invalid index behind).
    pub(crate) fn of_statement(&self, d: alembix_schema::Dialect, sql: &str) -> Timeouts {
        if is_concurrent(d, sql) {
            self.timeouts.without_lock_limit()
        } else {
            self.timeouts
        }
    }
}

/// The pause before retry `retry` (from 1): 0.5 s doubling up to 8 s, plus
/// up to a fifth more for `jitter` in 0..1.
pub(crate) fn backoff(retry: u32, jitter: f64) -> Duration {
    let doubled = FIRST_PAUSE.saturating_mul(1 << retry.clamp(1, 16).saturating_sub(1));
    doubled
        .min(LONGEST_PAUSE)
        .mul_f64(1.0 + JITTER * jitter.clamp(0.0, 1.0))
}

/// A number in 0..1 that differs between calls and processes.
pub(crate) fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

impl Session {
    async fn run_all(&mut self, statements: &[impl AsRef<str>]) -> Result<()> {
        for sql in statements {
            self.conn.raw(sql.as_ref()).await?;
        }
        Ok(())
    }

    /// Right after a transactional step's `BEGIN`: its limits for the
    /// transaction (PostgreSQL `SET LOCAL`).
    pub(super) async fn limit_transaction(&mut self, t: &Timeouts) -> Result<()> {
        let sql = (self.sql().set_timeouts)(t, TimeoutScope::Transaction);
        self.run_all(&sql).await
    }

    /// Before a statement of a no-transaction step: its limits for the
    /// session, where they differ from those already set.
    pub(super) async fn limit_session(&mut self, t: Timeouts) -> Result<()> {
        if self.session_limits == Some(t) {
            return Ok(());
        }
        let sql = (self.sql().set_timeouts)(&t, TimeoutScope::Session);
        self.run_all(&sql).await?;
        self.session_limits = Some(t);
        Ok(())
    }

    /// After a no-transaction step: the session's own values again.
    pub(super) async fn unlimit_session(&mut self) -> Result<()> {
        if self.session_limits.is_some() {
            let sql = (self.sql().reset_timeouts)(TimeoutScope::Session);
            self.run_all(sql).await?;
            self.session_limits = None;
        }
        Ok(())
    }

    /// Before the first step of a run: the limits the backend sets for a
    /// whole run (MySQL/MariaDB `lock_wait_timeout`).
    pub(crate) async fn limit_run(&mut self, t: &Timeouts) -> Result<()> {
        let sql = (self.sql().set_timeouts)(t, TimeoutScope::Run);
        self.run_limited = !sql.is_empty();
        self.run_all(&sql).await
    }

    /// At the end of a run: every limit put back, for the pool's next user.
    pub(crate) async fn unlimit(&mut self) -> Result<()> {
        self.unlimit_session().await?;
        if std::mem::take(&mut self.run_limited) {
            let sql = (self.sql().reset_timeouts)(TimeoutScope::Run);
            self.run_all(sql).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_cap_with_a_little_jitter() {
        let ms = |r, j| backoff(r, j).as_millis();
        assert_eq!(
            [ms(1, 0.0), ms(2, 0.0), ms(3, 0.0), ms(4, 0.0)],
            [500, 1000, 2000, 4000]
        );
        assert_eq!([ms(5, 0.0), ms(6, 0.0), ms(40, 0.0)], [8000, 8000, 8000]);
        assert_eq!(ms(1, 1.0), 600);
        assert_eq!(ms(40, 1.0), 9600);
        assert_eq!(ms(0, 0.0), 500);
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
            let b = backoff(2, j);
            assert!(b >= Duration::from_secs(1) && b < Duration::from_millis(1200));
        }
    }

    #[test]
    fn limits_of_settings_and_statements() {
        use alembix_schema::Dialect::{MySql, Postgres};
        let s = Settings::default();
        let l = Limits::of(&s);
        assert_eq!(l.timeouts.lock, Some(Duration::from_secs(5)));
        assert_eq!((l.timeouts.statement, l.retries), (None, 5));
        let concurrent = "CREATE INDEX CONCURRENTLY ix ON t (a)";
        assert_eq!(l.of_statement(Postgres, concurrent).lock, None);
        assert_eq!(l.of_statement(MySql, concurrent).lock, l.timeouts.lock);
        assert_eq!(
            l.of_statement(Postgres, "ALTER TABLE t ADD a int"),
            l.timeouts
        );
        let off = Settings {
            lock_timeout: Duration::ZERO,
            ..Settings::default()
        };
        assert_eq!(Limits::of(&off).timeouts.lock, None);
    }
}
