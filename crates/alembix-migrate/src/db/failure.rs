//! A statement of a step failed: trying the step again after a lock
//! timeout, and the report once it is given up — what the log records as
//! finished is what stays applied.

use alembix_driver::FailureKind;

use super::kinds::is_dml;
use super::limits::{backoff, jitter};
use super::names::relations;
use super::session::Session;
use super::step::Run;
use crate::error::{Error, LockFailure, Result, StatementFailure};
use crate::migrator::Event;

/// Statement `n` of part `k` failed, run from statement `from`; the
/// step's transaction (if any) is rolled back.
#[derive(Debug)]
pub(super) struct Failed {
    pub k: usize,
    pub from: usize,
    pub n: usize,
    pub error: sqlx::Error,
    /// The session is in a state where the step can run again (not inside
    /// a transaction the revision's own SQL opened).
    pub retryable: bool,
}

/// Why a step did not finish.
#[derive(Debug)]
pub(super) enum StepError {
    /// One of its statements failed.
    Failed(Failed),
    /// The engine's own work failed.
    Other(Error),
}

impl From<Error> for StepError {
    fn from(e: Error) -> StepError {
        StepError::Other(e)
    }
}

impl From<sqlx::Error> for StepError {
    fn from(e: sqlx::Error) -> StepError {
        StepError::Other(e.into())
    }
}

/// What an online `ALTER` refused by MySQL/MariaDB asks of the user.
const ONLINE_ALTER_HINT: &str = "hint: the server would copy the table or block its writes for this change, which the revision's ALGORITHM=/LOCK= clause forbids; run it in a quiet window with that clause removed (or generate the revision with `online_ddl = false` in alembix.toml)";

impl Session {
    /// After a part failed on try `tries`: `Ok(from)` when the step is to
    /// run again from statement `from` (a lock timeout with tries left;
    /// the pause is over and the log re-read), else the error to report.
    pub(super) async fn after_failure(
        &mut self,
        run: &mut Run<'_>,
        failed: Failed,
        tries: u32,
    ) -> Result<usize> {
        let lock = FailureKind::of(&failed.error) == FailureKind::LockTimeout;
        if !(lock && failed.retryable && tries <= run.limits.retries) {
            return Err(self.report(run, failed, lock.then_some(tries)).await);
        }
        // Where the log says the step stands now: statements that
        // committed (one by one, or implicitly before DDL) are not run
        // again; the rest of the step is.
        let recorded = self.recorded(run).await?;
        run.log.row_exists = recorded.is_some();
        let from = failed.from.max(recorded.unwrap_or(0) + 1);
        let wait = backoff(tries, jitter());
        let part = &run.parts[failed.k];
        (run.events)(&Event::LockRetry {
            revision: run.rev.id.clone(),
            path: run.rev.path.clone(),
            line: part.statements[failed.n - part.first].line,
            statement: failed.n,
            message: message(&failed.error),
            tries,
            of: run.limits.retries + 1,
            wait,
        });
        tokio::time::sleep(wait).await;
        Ok(from)
    }

    /// The statements of this run the log records as finished (`None`:
    /// the log has no row of this run).
    async fn recorded(&mut self, run: &mut Run<'_>) -> Result<Option<usize>> {
        Ok(match self.running_row(run.names).await? {
            Some(row) if row.revision == run.rev.id && row.direction == run.step.direction => {
                Some(row.statements_done)
            }
            _ => None,
        })
    }

    /// The error of a failure given up on (`lock_tries`: it was a lock
    /// timeout, on that many tries).
    async fn report(
        &mut self,
        run: &mut Run<'_>,
        failed: Failed,
        lock_tries: Option<u32>,
    ) -> Error {
        let statement = match self.failure(run, &failed).await {
            Ok(s) => s,
            Err(e) => return e,
        };
        let Some(tries) = lock_tries else {
            return Error::Statement(Box::new(statement));
        };
        let names = relations(self.dialect(), &statement.statement);
        // Best effort: a failure to look them up leaves them unnamed.
        let blockers = self.conn.lock_blockers(&names).await.unwrap_or_default();
        Error::LockNotAvailable(Box::new(LockFailure {
            statement,
            tries,
            lock_timeout: run.limits.timeouts.lock.unwrap_or_default(),
            blockers,
        }))
    }

    /// The report of statement `n` failing in part `k`, after the rollback.
    async fn failure(&mut self, run: &mut Run<'_>, f: &Failed) -> Result<StatementFailure> {
        let (k, from, n) = (f.k, f.from, f.n);
        let recorded = self.recorded(run).await?.unwrap_or(0);
        let all: Vec<(usize, String)> = run
            .parts
            .iter()
            .flat_map(|p| {
                p.statements
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (p.first + i, s.sql.clone()))
            })
            .collect();
        let sql_of = |m: usize| all[m - 1].1.clone();
        let failing = sql_of(n);
        // DML of this step after its last DDL, committed by a failing DDL.
        let after_ddl = (from..n).rev().take_while(|m| is_dml(&sql_of(*m)));
        let implicit: Vec<usize> = if !self.dialect().caps().transactional_ddl
            && run.parts[k].transactional
            && !is_dml(&failing)
        {
            let mut v: Vec<usize> = after_ddl.filter(|m| *m <= recorded).collect();
            v.reverse();
            v
        } else {
            Vec::new()
        };
        let part = &run.parts[k];
        let hint = (FailureKind::of(&f.error) == FailureKind::OnlineAlterRefused)
            .then(|| ONLINE_ALTER_HINT.to_string());
        Ok(StatementFailure {
            path: run.rev.path.clone(),
            revision: run.rev.id.clone(),
            direction: run.step.direction,
            index: n,
            line: part.statements[n - part.first].line,
            statement: failing,
            message: message(&f.error),
            hint,
            rolled_back: (from..n).any(|m| m > recorded),
            already_ran: all.iter().take(recorded).cloned().collect(),
            undone: (from..n)
                .filter(|m| *m > recorded)
                .map(|m| (m, sql_of(m)))
                .collect(),
            implicit,
            step: k + 1,
            steps: run.parts.len(),
            statements: all.len(),
            skipped: run.log.skipped.clone(),
            backend: self.dialect().caps().title,
        })
    }
}

/// The database's message of a statement's error.
fn message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}
