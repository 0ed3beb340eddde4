//! One connection for a whole run: the lock and the reads of the version
//! and log tables.

use std::time::{Duration, Instant};

use alembix_driver::{BackendSql, Connection, Values, backend_sql};
use alembix_schema::Dialect;

use super::tables::{TableNames, log_table_sql, version_table_sql};
use crate::error::{Error, Result};

/// One connection for a whole run.
pub(crate) struct Session {
    pub(super) conn: Connection,
    locked: bool,
    lock_key: String,
}

/// One row of the log table as read back.
pub(crate) struct LogRow {
    pub revision: String,
    pub direction: String,
    pub applied_at: chrono::DateTime<chrono::Utc>,
    pub duration_ms: i64,
    pub checksum: String,
}

impl Session {
    pub(super) fn new(conn: Connection) -> Session {
        Session {
            conn,
            locked: false,
            lock_key: String::new(),
        }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }

    /// What the backend's SQL looks like.
    pub(super) fn sql(&self) -> &'static BackendSql {
        backend_sql(self.dialect())
    }

    /// Takes the migration lock, polling with backoff up to `timeout`.
    pub(crate) async fn lock(&mut self, names: &TableNames, timeout: Duration) -> Result<()> {
        self.lock_key = names.version.clone();
        self.poll_lock(timeout).await?;
        self.locked = true;
        Ok(())
    }

    /// Tries the lock with backoff until it is taken or `timeout` passes.
    pub(super) async fn poll_lock(&mut self, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        let mut wait = Duration::from_millis(50);
        loop {
            if self.conn.try_lock(&self.lock_key).await? {
                return Ok(());
            }
            if started.elapsed() >= timeout {
                return Err(Error::LockTimeout {
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(1));
        }
    }

    /// Releases the lock (SQLite: commits the run's transaction).
    pub(crate) async fn unlock(&mut self) -> Result<()> {
        if !self.locked {
            return Ok(());
        }
        self.locked = false;
        self.conn.unlock(&self.lock_key).await?;
        Ok(())
    }

    /// Drops the connection instead of returning it to the pool (after an
    /// error left it in an unknown state); the server then ends the session
    /// and with it any lock.
    pub(crate) fn discard(self) {
        self.conn.detach()
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
