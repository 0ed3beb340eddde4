//! One connection for a whole run: the lock and the reads of the version
//! and log tables.

use std::time::{Duration, Instant};

use alembix_driver::{BackendSql, Connection, Timeouts, Values, backend_sql};
use alembix_driver::{Holder, LockAttempt, LockHolder, MigrationLock};
use alembix_schema::Dialect;

use super::tables::{TableNames, log_table_sql, version_table_sql};
use crate::error::{Error, Result};

/// One connection for a whole run.
pub(crate) struct Session {
    pub(super) conn: Connection,
    lock: Option<MigrationLock>,
    /// The table lock's lease, renewed while the run lasts.
    pub(super) lease: Option<super::lease::LeaseHold>,
    /// The limits set for the session around a no-transaction step.
    pub(super) session_limits: Option<Timeouts>,
    /// Limits are set for the whole run and must be put back.
    pub(super) run_limited: bool,
}

/// One row of the log table as read back.
pub(crate) struct LogRow {
    pub revision: String,
    pub direction: String,
    pub applied_at: chrono::DateTime<chrono::Utc>,
    pub duration_ms: i64,
    pub checksum: String,
}

/// The first wait between two tries of the lock, and the longest.
const FIRST_WAIT: Duration = Duration::from_millis(50);
const LONGEST_WAIT: Duration = Duration::from_secs(1);

impl Session {
    pub(super) fn new(conn: Connection) -> Session {
        Session {
            conn,
            lock: None,
            lease: None,
            session_limits: None,
            run_limited: false,
        }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }

    /// What the backend's SQL looks like.
    pub(crate) fn sql(&self) -> &'static BackendSql {
        backend_sql(self.dialect())
    }

    /// Takes the migration lock as `me`, trying with backoff up to
    /// `timeout`; `waiting` hears of each failed try, with the holder when
    /// the database names it.
    pub(crate) async fn lock(
        &mut self,
        names: &TableNames,
        me: &LockHolder,
        timeout: Duration,
        waiting: &mut (dyn FnMut(Option<&Holder>, Duration) + Send),
    ) -> Result<()> {
        let started = Instant::now();
        let mut wait = FIRST_WAIT;
        loop {
            let holder = match self.conn.try_lock(&names.version, me).await? {
                LockAttempt::Taken(lock) => {
                    self.lock = Some(lock);
                    return Ok(());
                }
                LockAttempt::Busy(holder) => holder,
            };
            let waited = started.elapsed();
            if waited >= timeout {
                return Err(Error::LockTimeout { waited, holder });
            }
            waiting(holder.as_ref(), waited);
            tokio::time::sleep(wait.min(timeout - waited)).await;
            wait = (wait * 2).min(LONGEST_WAIT);
        }
    }

    /// With the lock held, where it comes with the write transaction
    /// (SQLite): opens that transaction again after a script that ran
    /// outside it, trying with backoff up to `timeout` while another
    /// connection writes.
    pub(super) async fn poll_lock(&mut self, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        let mut wait = FIRST_WAIT;
        while !self.conn.resume_lock().await? {
            let waited = started.elapsed();
            if waited >= timeout {
                return Err(Error::LockTimeout {
                    waited,
                    holder: None,
                });
            }
            tokio::time::sleep(wait.min(timeout - waited)).await;
            wait = (wait * 2).min(LONGEST_WAIT);
        }
        Ok(())
    }

    /// Releases the lock (SQLite: commits the run's transaction and frees
    /// the lock file).
    pub(crate) async fn unlock(&mut self) -> Result<()> {
        if let Some(lock) = self.lock.take() {
            self.conn.unlock(lock).await?;
        }
        Ok(())
    }

    /// Drops the connection instead of returning it to the pool (after an
    /// error left it in an unknown state); the server then ends the session
    /// and with it any lock.
    pub(crate) fn discard(mut self) {
        self.lock = None;
        self.conn.close_on_drop();
    }

    /// Creates the version and log tables when missing.
    pub(crate) async fn ensure_tables(&mut self, names: &TableNames) -> Result<()> {
        let d = self.dialect();
        self.conn.raw(&version_table_sql(d, &names.version)).await?;
        self.conn.raw(&log_table_sql(d, &names.log)).await?;
        self.upgrade_log_table(names).await
    }

    /// The version table's rows (empty when it does not exist).
    pub(crate) async fn versions(&mut self, names: &TableNames) -> Result<Vec<String>> {
        if !self.conn.table_exists(&names.version).await? {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT version_num FROM {} ORDER BY version_num",
            self.dialect().quote_ident(&names.version)
        );
        let rows = self.conn.fetch_all(sql, Values(Vec::new())).await?;
        let versions = (0..rows.len()).map(|i| rows.get_string(i, 0));
        Ok(versions.collect::<sqlx::Result<_>>()?)
    }

    /// The log table's rows, oldest first (empty when it does not exist).
    pub(crate) async fn log_rows(&mut self, names: &TableNames) -> Result<Vec<LogRow>> {
        if !self.conn.table_exists(&names.log).await? {
            return Ok(Vec::new());
        }
        let t = self.dialect().quote_ident(&names.log);
        // Rows of runs still half-way (or abandoned by a stamp) are not
        // applied revisions.
        let finished = if self.has_progress(names).await? {
            " WHERE state IS NULL OR state = 'done'"
        } else {
            ""
        };
        let sql = format!(
            "SELECT revision, direction, applied_at, duration_ms, checksum FROM {t}{finished} ORDER BY id"
        );
        let rows = self.conn.fetch_all(sql, Values(Vec::new())).await?;
        let mut out = Vec::with_capacity(rows.len());
        for i in 0..rows.len() {
            out.push(LogRow {
                revision: rows.get_string(i, 0)?,
                direction: rows.get_string(i, 1)?,
                applied_at: rows.get_timestamp_utc(i, 2)?,
                duration_ms: rows.get_i64(i, 3)?,
                checksum: rows.get_string(i, 4)?,
            });
        }
        Ok(out)
    }
}

impl Drop for Session {
    /// A session dropped with the lock held (an error before the unlock, a
    /// panic, a cancelled future): the lock file is closed with the lock,
    /// and the connection is closed instead of going back to the pool, so
    /// the server ends its session lock and transaction.
    fn drop(&mut self) {
        if self.lock.take().is_some() {
            self.conn.close_on_drop();
        }
    }
}
