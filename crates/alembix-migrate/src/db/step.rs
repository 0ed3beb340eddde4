//! Writing: one revision run step by step, and stamps.
//!
//! A transactional step runs in a transaction (a savepoint where the lock
//! is the run's transaction) with its log record; where DDL is
//! transactional its statements go to the server joined, in one round trip
//! (see `batch.rs`); a no-transaction step runs
//! statement by statement in autocommit, each recorded right after it (plain
//! DML in a transaction of its own with its record). Where DDL commits
//! itself (MySQL/MariaDB), every statement of every step is recorded, in the
//! step's transaction. The version row moves with the last step's record.

use std::time::{Duration, Instant};

use alembix_driver::Values;
use sea_query::Value;

use super::batch::batchable;
use super::failure::{Failed, StepError};
use super::kinds::{is_dml, is_schema_change, tx_control, wrappable};
use super::limits::Limits;
use super::progress::{ProgressRow, RunLog};
use super::session::Session;
use super::tables::TableNames;
use crate::error::{Error, Result};
use crate::migrator::Event;
use crate::revision::{Revision, SectionStep};
use crate::split::Statement;
use crate::step::{Step, VersionChange};

/// The savepoint of one step where the lock is the run's transaction.
const STEP: &str = "alembix_step";

fn text(s: &str) -> Value {
    Value::String(Some(s.to_string()))
}

/// What every revision of a run shares.
pub(crate) struct RunContext<'a> {
    /// The version and log tables.
    pub names: &'a TableNames,
    /// How long to wait for the migration lock (SQLite takes it again
    /// after a no-transaction step).
    pub lock_wait: Duration,
    /// The statements' limits.
    pub limits: Limits,
}

/// One revision run in progress.
pub(super) struct Run<'a> {
    pub names: &'a TableNames,
    pub step: &'a Step,
    pub rev: &'a Revision,
    pub parts: Vec<SectionStep>,
    pub log: RunLog,
    pub lock_wait: Duration,
    pub limits: Limits,
    pub events: &'a mut (dyn FnMut(&Event) + Send),
    pub started: Instant,
}

impl Run<'_> {
    fn statements(&self) -> usize {
        self.parts.last().map_or(0, |p| p.last())
    }
}

impl Session {
    /// Writes a stamp: the version change, one log row per inserted
    /// revision, and the half-way mark cleared.
    pub(crate) async fn stamp(
        &mut self,
        names: &TableNames,
        change: &VersionChange,
        checksums: Vec<(String, String)>,
    ) -> Result<()> {
        self.begin_tx().await?;
        let written = async {
            self.write_version_change(names, change).await?;
            let d = self.dialect();
            let sql = self.sql();
            let p: Vec<String> = (1..=2).map(|n| sql.placeholder(n)).collect();
            let log_sql = format!(
                "INSERT INTO {} (revision, direction, applied_at, duration_ms, checksum) VALUES ({}, 'stamp', {}, 0, {})",
                d.quote_ident(&names.log),
                p[0],
                sql.now_utc,
                p[1]
            );
            for (rev, sum) in &checksums {
                let values = Values(vec![text(rev), text(sum)]);
                self.conn.execute(log_sql.clone(), values).await?;
            }
            self.clear_running(names).await
        }
        .await;
        match written {
            Ok(()) => Ok(self.commit_tx().await?),
            Err(e) => {
                let _ = self.rollback_tx().await;
                Err(e)
            }
        }
    }

    /// Runs one revision step by step, from the start or after the
    /// statements `resume` records as finished; returns how long it took.
    pub(crate) async fn run_revision(
        &mut self,
        cx: &RunContext<'_>,
        step: &Step,
        rev: &Revision,
        resume: Option<&ProgressRow>,
        events: &mut (dyn FnMut(&Event) + Send),
    ) -> Result<Duration> {
        let parts = rev.steps(step.direction, self.dialect())?;
        let done = resume.map_or(0, |r| r.statements_done);
        let checksum = rev.checksum(step.direction);
        let mut run = Run {
            names: cx.names,
            step,
            rev,
            log: RunLog::new(&rev.id, step.direction, checksum, resume),
            parts,
            lock_wait: cx.lock_wait,
            limits: cx.limits,
            events,
            started: Instant::now(),
        };
        let total = run.parts.len();
        let mut finished = false;
        for k in 0..total {
            let part = &run.parts[k];
            if part.last() <= done {
                continue;
            }
            let from = done.max(part.first - 1) + 1;
            let last = k + 1 == total;
            self.run_part(&mut run, k, from, last).await?;
            finished |= last;
        }
        if !finished {
            // Every statement had run before (or there are none): the end.
            self.begin_tx().await?;
            self.close_part(&mut run, total, true).await?;
        }
        Ok(run.started.elapsed())
    }

    /// Records the end of part `k` (0-based; `k == parts` for "all"): the
    /// finish with the version change for the last one, else the progress;
    /// then commits the open transaction (rolls it back on failure).
    async fn close_part(&mut self, run: &mut Run<'_>, k: usize, last: bool) -> Result<()> {
        let written = if last {
            let totals = (run.parts.len(), run.statements());
            let ms = run.started.elapsed().as_millis() as i64;
            self.finish_run(run.names, &run.log, totals, &run.step.versions, ms)
                .await
        } else {
            let done = run.parts[k].last();
            self.record_progress(run.names, &mut run.log, k + 1, done)
                .await
        };
        if let Err(e) = written {
            self.rollback_tx().await?;
            return Err(e.into());
        }
        self.commit_tx().await?;
        Ok(())
    }

    /// Part `k` from statement `from`, tried again after a lock timeout
    /// while tries are left (from where the log says it stands).
    async fn run_part(
        &mut self,
        run: &mut Run<'_>,
        k: usize,
        from: usize,
        last: bool,
    ) -> Result<()> {
        let mut from = from;
        for tries in 1.. {
            let outcome = if run.parts[k].transactional {
                self.tx_step(run, k, from, last).await
            } else {
                self.autocommit_step(run, k, from, last).await
            };
            match outcome {
                Ok(()) => return Ok(()),
                Err(StepError::Other(e)) => return Err(e),
                Err(StepError::Failed(failed)) => {
                    from = self.after_failure(run, failed, tries).await?;
                }
            }
        }
        unreachable!("the tries end with a return")
    }

    /// Opens a transactional step's transaction with its limits.
    async fn begin_step(&mut self, run: &mut Run<'_>) -> Result<()> {
        self.begin_tx().await?;
        if let Err(e) = self.limit_transaction(&run.limits.timeouts).await {
            let _ = self.rollback_tx().await;
            return Err(e);
        }
        Ok(())
    }

    /// A transactional step from statement `from`.
    async fn tx_step(
        &mut self,
        run: &mut Run<'_>,
        k: usize,
        from: usize,
        last: bool,
    ) -> Result<(), StepError> {
        let part = run.parts[k].clone();
        let rest = &part.statements[from - part.first..];
        self.begin_step(run).await?;
        let ran = if self.dialect().caps().transactional_ddl {
            if batchable(self.dialect(), rest) {
                self.run_batched(rest, from, None)
                    .await
                    .map_err(|b| (b.n, b.error))
            } else {
                self.one_by_one(rest, from).await
            }
        } else {
            self.each_recorded(run, k, rest, from).await?
        };
        if let Err((n, error)) = ran {
            let _ = self.rollback_tx().await;
            let retryable = true;
            return Err(StepError::Failed(Failed {
                k,
                from,
                n,
                error,
                retryable,
            }));
        }
        Ok(self.close_part(run, k, last).await?)
    }

    /// Runs `statements` (numbered from `first`) one after another in the
    /// open transaction; on a failure, the failing statement's number and
    /// the database's error.
    async fn one_by_one(
        &mut self,
        statements: &[Statement],
        first: usize,
    ) -> Result<(), (usize, sqlx::Error)> {
        for (i, st) in statements.iter().enumerate() {
            self.conn.raw(&st.sql).await.map_err(|e| (first + i, e))?;
        }
        Ok(())
    }

    /// Where DDL commits itself: runs `statements` (numbered from `first`)
    /// one after another, each recorded as it finishes. DML is recorded in
    /// the step's transaction; DDL committed itself (and what came before),
    /// so its record follows it and a new transaction opens for the rest
    /// of the step. Once this call wrote the log row, a run of DDL goes in
    /// one round trip with its records. The inner result is a statement's
    /// failure, the outer one the engine's own.
    async fn each_recorded(
        &mut self,
        run: &mut Run<'_>,
        k: usize,
        statements: &[Statement],
        first: usize,
    ) -> Result<Result<(), (usize, sqlx::Error)>, StepError> {
        let d = self.dialect();
        let mut i = 0;
        while i < statements.len() {
            let n = first + i;
            let ddl = statements[i..]
                .iter()
                .take_while(|st| is_schema_change(&st.sql))
                .count();
            if i > 0 && batchable(d, &statements[i..i + ddl]) {
                let record = self.batch_record(run.names, &run.log).await?;
                match self
                    .run_batched(&statements[i..i + ddl], n, Some(&record))
                    .await
                {
                    Err(b) if b.record_failed => {
                        let _ = self.rollback_tx().await;
                        return Err(Error::from(b.error).into());
                    }
                    Err(b) => return Ok(Err((b.n, b.error))),
                    Ok(()) => self.begin_step(run).await?,
                }
                i += ddl;
                continue;
            }
            let st = &statements[i];
            if let Err(e) = self.conn.raw(&st.sql).await {
                return Ok(Err((n, e)));
            }
            if let Err(e) = self.record_progress(run.names, &mut run.log, k, n).await {
                let _ = self.rollback_tx().await;
                return Err(e.into());
            }
            if !is_dml(&st.sql) {
                self.begin_step(run).await?;
            }
            i += 1;
        }
        Ok(Ok(()))
    }

    /// A no-transaction step from statement `from`: statement by statement,
    /// each under its limits for the session.
    async fn autocommit_step(
        &mut self,
        run: &mut Run<'_>,
        k: usize,
        from: usize,
        last: bool,
    ) -> Result<(), StepError> {
        let part = run.parts[k].clone();
        let d = self.dialect();
        if self.sql().lock_is_transaction {
            self.conn.raw("COMMIT").await?;
        }
        // Inside a transaction the script opens itself, statements and
        // their records commit with it.
        let mut script_tx = false;
        for n in from..=part.last() {
            let st = &part.statements[n - part.first];
            self.limit_session(run.limits.of_statement(d, &st.sql))
                .await?;
            if !script_tx {
                self.drop_invalid_index(run, &st.sql).await?;
            }
            let wrap = !script_tx && wrappable(&st.sql);
            if wrap {
                self.conn.raw("BEGIN").await?;
            }
            if let Err(error) = self.conn.raw(&st.sql).await {
                self.after_failed_script(run.lock_wait, wrap).await?;
                let retryable = !script_tx;
                return Err(StepError::Failed(Failed {
                    k,
                    from,
                    n,
                    error,
                    retryable,
                }));
            }
            if let Some(open) = tx_control(&st.sql) {
                script_tx = open;
            }
            self.record_progress(run.names, &mut run.log, k, n).await?;
            if wrap {
                self.conn.raw("COMMIT").await?;
            }
        }
        self.unlimit_session().await?;
        if self.sql().lock_is_transaction {
            self.poll_lock(run.lock_wait).await?;
        }
        self.begin_tx().await?;
        Ok(self.close_part(run, k, last).await?)
    }

    /// Puts the session back after a statement outside the step's
    /// transaction failed (taking the lock again where the lock is the
    /// run's transaction, so unlock commits nothing).
    async fn after_failed_script(&mut self, lock_wait: Duration, wrapped: bool) -> Result<()> {
        let sql = self.sql();
        if wrapped {
            let _ = self.conn.raw("ROLLBACK").await;
        }
        for statement in sql.after_failed_script {
            let _ = self.conn.raw(statement).await;
        }
        // Put back whatever the session's state allows; the end of the
        // run tries again.
        let _ = self.unlimit_session().await;
        if sql.lock_is_transaction {
            self.poll_lock(lock_wait).await?;
        }
        Ok(())
    }

    /// Opens a transaction (a savepoint where the lock is the run's transaction).
    pub(super) async fn begin_tx(&mut self) -> Result<()> {
        self.tx_sql(&[&format!("SAVEPOINT {STEP}")], "BEGIN").await
    }

    /// Commits the transaction of [`begin_tx`](Self::begin_tx).
    pub(super) async fn commit_tx(&mut self) -> Result<()> {
        self.tx_sql(&[&format!("RELEASE {STEP}")], "COMMIT").await
    }

    /// Rolls back the transaction of [`begin_tx`](Self::begin_tx).
    pub(super) async fn rollback_tx(&mut self) -> Result<()> {
        let savepoint = [&format!("ROLLBACK TO {STEP}"), &format!("RELEASE {STEP}")];
        self.tx_sql(&savepoint.map(String::as_str), "ROLLBACK")
            .await
    }

    /// Runs the savepoint statements where the lock is the run's
    /// transaction, else the plain transaction statement.
    async fn tx_sql(&mut self, savepoint: &[&str], plain: &str) -> Result<()> {
        if !self.sql().lock_is_transaction {
            self.conn.raw(plain).await?;
            return Ok(());
        }
        for sql in savepoint {
            self.conn.raw(sql).await?;
        }
        Ok(())
    }
}
