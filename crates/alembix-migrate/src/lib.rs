//! The Alembix migration engine: revision files, the revision graph and its
//! targets, planning, applying (lock, transactions, version and log tables)
//! and offline SQL scripts.
//!
//! The `alembix` CLI and the runtime's embedded migrations (`alembix::migrate!`)
//! are thin layers over this crate.

pub mod db;
pub mod error;
pub mod graph;
pub mod halfway;
pub mod lint;
pub mod migrator;
pub mod offline;
pub mod revision;
pub mod script_dir;
pub mod split;
pub mod step;

pub use alembix_driver::{Holder, LEASE_TABLE, LeaseRow, LockHolder, LockKind};
pub use db::Database;
pub use error::{Error, Link, Result};
pub use graph::{BASE, RevisionGraph, describe_versions};
pub use halfway::{HalfWay, NextStatement};
pub use migrator::{
    DEFAULT_LOCK_LEASE, DEFAULT_LOCK_RETRIES, DEFAULT_LOCK_TIMEOUT, DEFAULT_LOCK_WAIT,
    DEFAULT_LOG_TABLE, DEFAULT_VERSION_TABLE, Drift, Event, LogDirection, LogEntry, MAX_LOCK_LEASE,
    MIN_LOCK_LEASE, Migrator, RunOptions, Settings, check_lock_lease,
};
pub use revision::Revision;
pub use step::{Direction, Step, VersionChange};
