//! Online operations: upgrade, downgrade, stamp, current, log and drift,
//! each under the migration lock.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use alembix_driver::{Holder, LockHolder, LockKind};

use crate::db::{Database, Limits, ProgressRow, RunContext, Session, TableNames};
use crate::error::{Error, Result};
use crate::graph::RevisionGraph;
use crate::halfway::HalfWay;
use crate::step::{Direction, Step, VersionChange};

mod events;
mod settings;

pub use events::Event;
pub use settings::{
    DEFAULT_LOCK_LEASE, DEFAULT_LOCK_RETRIES, DEFAULT_LOCK_TIMEOUT, DEFAULT_LOCK_WAIT,
    DEFAULT_LOG_TABLE, DEFAULT_VERSION_TABLE, MAX_LOCK_LEASE, MIN_LOCK_LEASE, RunOptions, Settings,
    check_lock_lease,
};

/// Where a run reports its [`Event`]s.
type Events<'a> = &'a mut (dyn FnMut(&Event) + Send);

/// What a log row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogDirection {
    /// An upgrade or downgrade step ran.
    Step(Direction),
    /// The revision was stamped without running SQL.
    Stamp,
}

/// One row of the log table.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    /// The revision's id.
    pub revision: String,
    /// Upgrade, downgrade or stamp.
    pub direction: LogDirection,
    /// When it was recorded.
    pub applied_at: DateTime<Utc>,
    /// How long it took.
    pub duration_ms: i64,
    /// SHA-256 of the section that ran (see [`Revision::checksum`](crate::Revision::checksum)).
    pub checksum: String,
}

/// An applied revision whose file section changed after it was applied.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    /// The revision's id.
    pub revision: String,
    /// Its file.
    pub path: PathBuf,
    /// The upgrade section's checksum when it was applied.
    pub applied_checksum: String,
    /// The checksum of the file's upgrade section now.
    pub file_checksum: String,
}

/// The engine: a revision graph and settings, applied to databases.
#[derive(Debug, Clone)]
pub struct Migrator {
    /// The revisions.
    pub graph: RevisionGraph,
    /// Table names, the migration-lock wait and the statements' limits.
    pub settings: Settings,
}

impl Migrator {
    /// The engine for a graph with these settings.
    pub fn new(graph: RevisionGraph, settings: Settings) -> Migrator {
        Migrator { graph, settings }
    }

    fn names(&self) -> TableNames {
        TableNames {
            version: self.settings.version_table.clone(),
            log: self.settings.log_table.clone(),
        }
    }

    /// The version table's rows as stored, without checking them against
    /// the graph (empty when it does not exist yet).
    pub async fn stored_versions(&self, db: &Database) -> Result<Vec<String>> {
        let mut s = db.session().await?;
        s.versions(&self.names()).await
    }

    /// The version table's rows (empty when it does not exist yet), checked
    /// against the graph (`UnknownRevisions`, `Squashed`).
    pub async fn current(&self, db: &Database) -> Result<Vec<String>> {
        let rows = self.stored_versions(db).await?;
        self.graph.check_current(&rows)?;
        Ok(self.graph.sorted(rows))
    }

    /// Takes the lock (telling `on_event` while it waits) and reads the
    /// version table; the session must go to [`finish`] whatever happens.
    async fn begin(&self, db: &Database, on_event: Events<'_>) -> Result<(Session, Vec<String>)> {
        let names = self.names();
        if self.settings.lock_kind == LockKind::Table {
            let lease = self.settings.lock_lease;
            check_lock_lease(lease)
                .map_err(|why| Error::Usage(format!("lock_lease {lease:?} {why}")))?;
        }
        let mut s = db.session().await?;
        let me = LockHolder::this_process(self.settings.command.clone());
        let mut waiting = |holder: Option<&Holder>, waited: Duration| {
            on_event(&Event::LockWaiting {
                holder: holder.cloned(),
                waited,
            })
        };
        // Without a session lock (SQLite) the run's lock serves either kind.
        let table = self.settings.lock_kind == LockKind::Table && s.sql().session_lock;
        if table {
            let limits = (self.settings.lock_wait, self.settings.lock_lease);
            s.lock_table(db.pool(), &names.version, &me, limits, &mut waiting)
                .await?;
        } else {
            s.lock(&names, &me, self.settings.lock_wait, &mut waiting)
                .await?;
        }
        let rows = async {
            s.ensure_tables(&names).await?;
            s.versions(&names).await
        }
        .await;
        match rows {
            Ok(rows) => Ok((s, rows)),
            Err(e) => finish(s, Err(e)).await,
        }
    }

    /// The steps of `direction` to `target`, run on the locked session,
    /// starting where a half-way run stopped.
    async fn apply(
        &self,
        s: &mut Session,
        rows: Vec<String>,
        direction: Direction,
        target: &str,
        opts: RunOptions,
        on_event: Events<'_>,
    ) -> Result<Vec<Step>> {
        let names = self.names();
        let mut steps = match direction {
            Direction::Up => self.graph.plan_upgrade(&rows, target)?,
            Direction::Down => self.graph.plan_downgrade(&rows, target)?,
        };
        // A revision written for another backend stops the run before any
        // statement of it or of the revisions before it runs.
        for step in &steps {
            if let Some(rev) = self.graph.get(&step.revision) {
                rev.check_dialect(s.dialect())?;
            }
        }
        let resume = self
            .resume_point(s, &names, direction, &mut steps, opts, &mut *on_event)
            .await?;
        on_event(&Event::Planned {
            steps: steps.clone(),
        });
        let cx = RunContext {
            names: &names,
            lock_wait: self.settings.lock_wait,
            limits: Limits::of(&self.settings),
        };
        if !steps.is_empty() {
            s.limit_run(&cx.limits.timeouts).await?;
        }
        for (i, step) in steps.iter().enumerate() {
            let rev = self
                .graph
                .get(&step.revision)
                .expect("planned revisions are in the graph");
            on_event(&Event::StepStarted {
                step: step.clone(),
                message: rev.message.clone(),
            });
            s.check_lease()?;
            let from = if i == 0 { resume.as_ref() } else { None };
            let took = s.run_revision(&cx, step, rev, from, &mut *on_event).await?;
            on_event(&Event::StepFinished {
                step: step.clone(),
                duration: took,
            });
        }
        Ok(steps)
    }

    async fn run(
        &self,
        db: &Database,
        direction: Direction,
        target: &str,
        opts: RunOptions,
        on_event: Events<'_>,
    ) -> Result<Vec<Step>> {
        let (mut s, rows) = self.begin(db, &mut *on_event).await?;
        let result = self
            .apply(&mut s, rows, direction, target, opts, on_event)
            .await;
        finish(s, result).await
    }

    /// Where a half-way run resumes: its revision moved to the front of the
    /// plan (an error when this run does not go through it), and
    /// `--skip-statement` recorded.
    async fn resume_point(
        &self,
        s: &mut Session,
        names: &TableNames,
        direction: Direction,
        steps: &mut Vec<Step>,
        opts: RunOptions,
        on_event: &mut (dyn FnMut(&Event) + Send),
    ) -> Result<Option<ProgressRow>> {
        let Some(row) = s.running_row(names).await? else {
            if opts.skip_statement {
                return Err(Error::Usage(
                    "--skip-statement: the database is not half-way through a revision; there is nothing to skip".into(),
                ));
            }
            return Ok(None);
        };
        let halfway = HalfWay::of(&self.graph, &row, s.dialect());
        let pos = steps
            .iter()
            .position(|st| st.revision == row.revision && st.direction == row.direction);
        let Some(pos) = pos.filter(|_| row.direction == direction) else {
            return Err(Error::HalfWay {
                halfway: Box::new(halfway),
                asked: direction,
            });
        };
        let step = steps.remove(pos);
        steps.insert(0, step);
        let row = if opts.skip_statement {
            let Some(next) = halfway.next.clone() else {
                return Err(Error::Usage(format!(
                    "--skip-statement: every statement of revision {} finished; run without --skip-statement to finish it",
                    row.revision
                )));
            };
            let rev = self.graph.get(&row.revision).expect("planned");
            let row = s.skip_statement(names, row, rev).await?;
            on_event(&Event::Skipped {
                revision: row.revision.clone(),
                statement: next,
            });
            row
        } else {
            row
        };
        on_event(&Event::Resuming {
            halfway: HalfWay::of(&self.graph, &row, s.dialect()),
        });
        Ok(Some(row))
    }

    /// The database's half-way mark, if a run stopped part-way through a
    /// revision (read without the lock).
    pub async fn halfway(&self, db: &Database) -> Result<Option<HalfWay>> {
        let mut s = db.session().await?;
        let row = s.running_row(&self.names()).await?;
        Ok(row.map(|r| HalfWay::of(&self.graph, &r, s.dialect())))
    }

    /// Upgrades to `target` under the lock; returns the steps that ran.
    pub async fn upgrade(
        &self,
        db: &Database,
        target: &str,
        on_event: &mut (dyn FnMut(&Event) + Send),
    ) -> Result<Vec<Step>> {
        self.run(db, Direction::Up, target, RunOptions::default(), on_event)
            .await
    }

    /// Upgrades or downgrades to `target` under the lock with options
    /// (`--skip-statement`); returns the steps that ran.
    pub async fn run_with(
        &self,
        db: &Database,
        direction: Direction,
        target: &str,
        opts: RunOptions,
        on_event: &mut (dyn FnMut(&Event) + Send),
    ) -> Result<Vec<Step>> {
        self.run(db, direction, target, opts, on_event).await
    }

    /// Downgrades to `target` under the lock; returns the steps that ran.
    pub async fn downgrade(
        &self,
        db: &Database,
        target: &str,
        on_event: &mut (dyn FnMut(&Event) + Send),
    ) -> Result<Vec<Step>> {
        self.run(db, Direction::Down, target, RunOptions::default(), on_event)
            .await
    }

    /// Sets the version table to `targets` without running SQL.
    pub async fn stamp(
        &self,
        db: &Database,
        targets: &[String],
        purge: bool,
    ) -> Result<VersionChange> {
        let names = self.names();
        let (mut s, rows) = self.begin(db, &mut |_| {}).await?;
        let result = async {
            let change = self.graph.plan_stamp(&rows, targets, purge)?;
            let sums = change
                .insert
                .iter()
                .filter_map(|id| self.graph.get(id))
                .map(|r| (r.id.clone(), r.checksum(Direction::Up)))
                .collect();
            s.stamp(&names, &change, sums).await?;
            Ok(change)
        }
        .await;
        finish(s, result).await
    }

    /// Creates the version and log tables when they do not exist
    /// (Alembic's `ensure_version`), under the migration lock; true when
    /// the version table was missing.
    pub async fn ensure_version(&self, db: &Database) -> Result<bool> {
        let missing = !db
            .pool()
            .acquire()
            .await?
            .table_exists(&self.settings.version_table)
            .await?;
        let (s, _) = self.begin(db, &mut |_| {}).await?;
        finish(s, Ok(missing)).await
    }

    /// The log table, oldest first (empty when it does not exist).
    pub async fn log(&self, db: &Database) -> Result<Vec<LogEntry>> {
        let mut s = db.session().await?;
        let rows = s.log_rows(&self.names()).await?;
        Ok(rows
            .into_iter()
            .map(|r| LogEntry {
                revision: r.revision,
                direction: match crate::db::direction_of(&r.direction) {
                    Some(d) => LogDirection::Step(d),
                    None => LogDirection::Stamp,
                },
                applied_at: r.applied_at,
                duration_ms: r.duration_ms,
                checksum: r.checksum,
            })
            .collect())
    }

    /// Applied revisions whose upgrade section changed since it was applied.
    pub async fn drift(&self, db: &Database) -> Result<Vec<Drift>> {
        let rows = self.current(db).await?;
        let applied = self.graph.ancestors(&rows);
        let log = self.log(db).await?;
        let mut out = Vec::new();
        for id in self.graph.sorted(applied) {
            let Some(entry) = log.iter().rev().find(|e| {
                e.revision == id
                    && matches!(
                        e.direction,
                        LogDirection::Step(Direction::Up) | LogDirection::Stamp
                    )
            }) else {
                continue;
            };
            let rev = self
                .graph
                .get(&id)
                .expect("applied revisions are in the graph");
            let now = rev.checksum(Direction::Up);
            // A squash keeps END's id with new text: a database that ran the
            // replaced revisions before the squash has not drifted.
            let ran_before_squash = !rev.replaces.is_empty()
                && rev.replaces.iter().all(|old| {
                    log.iter().any(|e| {
                        e.revision == *old
                            && matches!(
                                e.direction,
                                LogDirection::Step(Direction::Up) | LogDirection::Stamp
                            )
                    })
                });
            if entry.checksum != now && !ran_before_squash {
                out.push(Drift {
                    revision: id.clone(),
                    path: rev.path.clone(),
                    applied_checksum: entry.checksum.clone(),
                    file_checksum: now,
                });
            }
        }
        Ok(out)
    }
}

/// Puts back the statements' limits and releases the lock of a session
/// from [`Migrator::begin`], and returns the run's result; on any path.
async fn finish<T>(mut s: Session, result: Result<T>) -> Result<T> {
    let ended = match s.unlimit().await {
        Ok(()) => s.unlock().await,
        Err(e) => Err(e),
    };
    // The lease row is deleted on a connection of its own, whatever
    // happened to the session's.
    let ended = match s.release_lease().await {
        Ok(()) => ended,
        Err(e) => ended.and(Err(e)),
    };
    match ended {
        Ok(()) => result,
        Err(e) => {
            // The session is in an unknown state: drop it, which ends the
            // server session and with it the lock.
            s.discard();
            result.and(Err(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs can be spawned on a multi-threaded runtime (an application
    /// migrating at start-up): their futures are `Send`.
    #[allow(dead_code)]
    fn runs_are_send(m: &Migrator, db: &Database, events: &mut (dyn FnMut(&Event) + Send)) {
        fn send<T: Send>(_: T) {}
        send(m.run_with(db, Direction::Up, "head", RunOptions::default(), events));
    }
}
