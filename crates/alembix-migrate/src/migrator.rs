//! Online operations: upgrade, downgrade, stamp, current, log and drift,
//! each under the migration lock.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::Database;
use crate::error::Result;
use crate::graph::RevisionGraph;
use crate::step::{Direction, Step, VersionChange};

/// Names and limits the engine uses.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The version table (default `alembix_version`).
    pub version_table: String,
    /// The log table (default `alembix_log`).
    pub log_table: String,
    /// How long to wait for the migration lock (default 10 minutes).
    pub lock_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version_table: "alembix_version".into(),
            log_table: "alembix_log".into(),
            lock_timeout: Duration::from_secs(600),
        }
    }
}

/// Progress of a run, for output (progress bars, logs).
#[derive(Debug, Clone)]
pub enum Event {
    /// The lock is held and the plan is known (possibly empty: nothing to do).
    Planned { steps: Vec<Step> },
    /// A step is about to run.
    StepStarted { step: Step, message: String },
    /// A step ran and was recorded.
    StepFinished { step: Step, duration: Duration },
}

/// One row of the log table.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub revision: String,
    pub direction: Direction,
    pub applied_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub checksum: String,
}

/// An applied revision whose file section changed after it was applied.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    pub revision: String,
    pub path: PathBuf,
    pub applied_checksum: String,
    pub file_checksum: String,
}

/// The engine: a revision graph and settings, applied to databases.
#[derive(Debug, Clone)]
pub struct Migrator {
    pub graph: RevisionGraph,
    pub settings: Settings,
}

impl Migrator {
    pub fn new(graph: RevisionGraph, settings: Settings) -> Migrator {
        Migrator { graph, settings }
    }

    /// The version table's rows (empty when it does not exist yet), checked
    /// against the graph (`UnknownRevisions`, `Squashed`).
    pub async fn current(&self, db: &Database) -> Result<Vec<String>> {
        let _ = db;
        todo!()
    }

    /// Upgrades to `target` under the lock; returns the steps that ran.
    pub async fn upgrade(
        &self,
        db: &Database,
        target: &str,
        on_event: &mut (dyn FnMut(&Event) + Send),
    ) -> Result<Vec<Step>> {
        let _ = (db, target, on_event);
        todo!()
    }

    /// Downgrades to `target` under the lock; returns the steps that ran.
    pub async fn downgrade(
        &self,
        db: &Database,
        target: &str,
        on_event: &mut (dyn FnMut(&Event) + Send),
    ) -> Result<Vec<Step>> {
        let _ = (db, target, on_event);
        todo!()
    }

    /// Sets the version table to `targets` without running SQL.
    pub async fn stamp(
        &self,
        db: &Database,
        targets: &[String],
        purge: bool,
    ) -> Result<VersionChange> {
        let _ = (db, targets, purge);
        todo!()
    }

    /// The log table, oldest first (empty when it does not exist).
    pub async fn log(&self, db: &Database) -> Result<Vec<LogEntry>> {
        let _ = db;
        todo!()
    }

    /// Applied revisions whose upgrade section changed since it was applied.
    pub async fn drift(&self, db: &Database) -> Result<Vec<Drift>> {
        let _ = db;
        todo!()
    }
}
