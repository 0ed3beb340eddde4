//! Writing: one step (a revision's statements, then its version and log
//! rows) and stamps, in a transaction where the backend and the revision
//! allow.

use std::time::{Duration, Instant};

use alembix_driver::Values;
use sea_query::Value;

use super::session::Session;
use super::tables::TableNames;
use crate::error::{Error, Result, StatementFailure};
use crate::revision::Revision;
use crate::step::{Step, VersionChange};

/// The savepoint of one step where the lock is the run's transaction.
const STEP: &str = "alembix_step";

/// True for statements a transaction can roll back on MySQL.
fn is_dml(sql: &str) -> bool {
    let first = sql
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(
        first.as_str(),
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT" | "WITH" | "SET" | "DO"
    )
}

fn text(s: &str) -> Value {
    Value::String(Some(s.to_string()))
}

impl Session {
    /// Deletes and inserts version rows, and writes log rows, with bound values.
    async fn write_versions(
        &mut self,
        names: &TableNames,
        change: &VersionChange,
        log: &[(String, &str, i64, String)],
    ) -> std::result::Result<(), sqlx::Error> {
        let d = self.dialect();
        let sql = self.sql();
        let vt = d.quote_ident(&names.version);
        let lt = d.quote_ident(&names.log);
        let p: Vec<String> = (1..=4).map(|n| sql.placeholder(n)).collect();
        let del = format!("DELETE FROM {vt} WHERE version_num = {}", p[0]);
        let ins = format!("INSERT INTO {vt} (version_num) VALUES ({})", p[0]);
        let log_sql = format!(
            "INSERT INTO {lt} (revision, direction, applied_at, duration_ms, checksum) VALUES ({}, {}, {}, {}, {})",
            p[0], p[1], sql.now_utc, p[2], p[3]
        );
        for v in &change.delete {
            self.conn
                .execute(del.clone(), Values(vec![text(v)]))
                .await?;
        }
        for v in &change.insert {
            self.conn
                .execute(ins.clone(), Values(vec![text(v)]))
                .await?;
        }
        for (rev, dir, ms, sum) in log {
            let values = vec![text(rev), text(dir), Value::BigInt(Some(*ms)), text(sum)];
            self.conn.execute(log_sql.clone(), Values(values)).await?;
        }
        Ok(())
    }

    /// Writes a stamp: the version change and one log row per inserted revision.
    pub(crate) async fn stamp(
        &mut self,
        names: &TableNames,
        change: &VersionChange,
        checksums: Vec<(String, String)>,
    ) -> Result<()> {
        let log: Vec<(String, &str, i64, String)> = checksums
            .into_iter()
            .map(|(rev, sum)| (rev, "stamp", 0, sum))
            .collect();
        // Where the lock is the run's transaction, the stamp is inside it.
        let own_tx = !self.sql().lock_is_transaction;
        if own_tx {
            self.conn.raw("BEGIN").await?;
        }
        match self.write_versions(names, change, &log).await {
            Ok(()) => {
                if own_tx {
                    self.conn.raw("COMMIT").await?;
                }
                Ok(())
            }
            Err(e) => {
                if own_tx {
                    let _ = self.conn.raw("ROLLBACK").await;
                }
                Err(e.into())
            }
        }
    }

    /// Runs one step: the section's statements, then the version change and
    /// the log row, in one transaction where the backend and the revision allow.
    pub(crate) async fn run_step(
        &mut self,
        names: &TableNames,
        step: &Step,
        rev: &Revision,
        lock_timeout: Duration,
    ) -> Result<Duration> {
        let started = Instant::now();
        let statements = rev.statements(step.direction, self.dialect())?;
        let transactional = rev.transactional;
        self.open_step(transactional).await?;
        let mut ran: Vec<String> = Vec::new();
        for (n, st) in statements.iter().enumerate() {
            if let Err(e) = self.conn.raw(&st.sql).await {
                let message = match &e {
                    sqlx::Error::Database(db) => db.message().to_string(),
                    other => other.to_string(),
                };
                let rolled_back = transactional
                    && (self.dialect().caps().transactional_ddl || ran.iter().all(|s| is_dml(s)));
                self.abort(transactional, lock_timeout).await?;
                let already_ran = if rolled_back { Vec::new() } else { ran };
                return Err(Error::Statement(Box::new(StatementFailure {
                    path: rev.path.clone(),
                    revision: rev.id.clone(),
                    direction: step.direction,
                    index: n + 1,
                    line: st.line,
                    statement: st.sql.clone(),
                    message,
                    rolled_back,
                    already_ran,
                })));
            }
            ran.push(st.sql.clone());
        }
        let elapsed = started.elapsed();
        let log = vec![(
            rev.id.clone(),
            step.direction.as_str(),
            elapsed.as_millis() as i64,
            rev.checksum(step.direction),
        )];
        if !transactional {
            self.reopen_after_script(lock_timeout).await?;
        }
        if let Err(e) = self.write_versions(names, &step.versions, &log).await {
            self.abort(true, lock_timeout).await?;
            return Err(e.into());
        }
        self.close_step().await?;
        Ok(elapsed)
    }

    /// Opens the revision's transaction (a savepoint where the lock is the
    /// run's transaction); a revision without one first commits what came
    /// before there.
    async fn open_step(&mut self, transactional: bool) -> Result<()> {
        match (self.sql().lock_is_transaction, transactional) {
            (true, true) => self.conn.raw(&format!("SAVEPOINT {STEP}")).await?,
            (true, false) => self.conn.raw("COMMIT").await?,
            (false, true) => self.conn.raw("BEGIN").await?,
            (false, false) => {}
        }
        Ok(())
    }

    /// After a revision that ran outside a transaction: the transaction of
    /// its version and log rows (taking the lock again where the lock is
    /// the run's transaction).
    async fn reopen_after_script(&mut self, lock_timeout: Duration) -> Result<()> {
        if self.sql().lock_is_transaction {
            self.poll_lock(lock_timeout).await?;
            self.conn.raw(&format!("SAVEPOINT {STEP}")).await?;
        } else {
            self.conn.raw("BEGIN").await?;
        }
        Ok(())
    }

    /// Commits the step's transaction (releases its savepoint).
    async fn close_step(&mut self) -> Result<()> {
        if self.sql().lock_is_transaction {
            self.conn.raw(&format!("RELEASE {STEP}")).await?;
        } else {
            self.conn.raw("COMMIT").await?;
        }
        Ok(())
    }

    /// Rolls back the revision's transaction after a failure.
    async fn abort(&mut self, transactional: bool, lock_timeout: Duration) -> Result<()> {
        let sql = self.sql();
        match (sql.lock_is_transaction, transactional) {
            (true, true) => {
                self.conn.raw(&format!("ROLLBACK TO {STEP}")).await?;
                self.conn.raw(&format!("RELEASE {STEP}")).await?;
            }
            (true, false) => {
                // The revision may hold its own transaction (table rebuilds):
                // put the session back, then take the lock again so unlock
                // commits nothing.
                for statement in sql.after_failed_script {
                    let _ = self.conn.raw(statement).await;
                }
                self.poll_lock(lock_timeout).await?;
            }
            (false, true) => self.conn.raw("ROLLBACK").await?,
            (false, false) => {
                for statement in sql.after_failed_script {
                    let _ = self.conn.raw(statement).await;
                }
            }
        }
        Ok(())
    }
}
