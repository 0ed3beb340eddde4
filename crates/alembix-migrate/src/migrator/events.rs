//! What a run tells while it goes, for output (progress bars, logs).

use std::path::PathBuf;
use std::time::Duration;

use alembix_driver::Holder;

use crate::halfway::{HalfWay, NextStatement};
use crate::step::Step;

/// Progress of a run, for output (progress bars, logs).
#[derive(Debug, Clone)]
pub enum Event {
    /// Another session holds the migration lock and the run will try
    /// again (sent after each failed try: a few times in the first second,
    /// then about once a second).
    LockWaiting {
        /// Who holds it, when the database names it.
        holder: Option<Holder>,
        /// How long this run has waited so far.
        waited: Duration,
    },
    /// The lock is held and the plan is known (possibly empty: nothing to do).
    Planned {
        /// The steps about to run, in order.
        steps: Vec<Step>,
    },
    /// A step is about to run.
    StepStarted {
        /// The step.
        step: Step,
        /// The revision's message.
        message: String,
    },
    /// A run that had stopped half-way goes on (the first planned step).
    Resuming {
        /// Where it stopped.
        halfway: HalfWay,
    },
    /// `--skip-statement` marked a statement finished without running it.
    Skipped {
        /// The revision.
        revision: String,
        /// The statement skipped.
        statement: NextStatement,
    },
    /// A statement waited longer than `lock_timeout` for a lock; its step
    /// was rolled back (a no-transaction step: that statement) and runs
    /// again after `wait`.
    LockRetry {
        /// The revision.
        revision: String,
        /// Its file.
        path: PathBuf,
        /// The statement's line in the file.
        line: usize,
        /// The statement's number in its section.
        statement: usize,
        /// The database's message.
        message: String,
        /// The try that failed (from 1).
        tries: u32,
        /// How many tries there are at most (`lock_retries` + 1).
        of: u32,
        /// The pause before the next try.
        wait: Duration,
    },
    /// An index that a concurrent build had left invalid (a failed or
    /// killed `CREATE INDEX CONCURRENTLY`) was dropped before the
    /// statement that builds it runs.
    InvalidIndexDropped {
        /// The revision whose statement builds the index.
        revision: String,
        /// The index, as SQL names it.
        index: String,
    },
    /// A step ran and was recorded.
    StepFinished {
        /// The step.
        step: Step,
        /// How long its SQL and bookkeeping took.
        duration: Duration,
    },
}
