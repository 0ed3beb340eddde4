//! Offline mode (`--sql`): the complete script of a plan, version and log
//! tables included, for the database's own client to run.

use alembix_schema::Dialect;

use crate::error::Result;
use crate::graph::RevisionGraph;
use crate::migrator::Settings;
use crate::step::{Direction, Step, VersionChange};

/// The steps of an offline range `FROM:TO` (or just `TO`, from base for
/// upgrades; a downgrade needs an explicit `FROM`).
pub fn plan_range(graph: &RevisionGraph, direction: Direction, range: &str) -> Result<Vec<Step>> {
    let _ = (graph, direction, range);
    todo!()
}

/// The script that runs `steps`: creates the version and log tables when
/// missing, then each step's SQL and version/log changes (in a transaction
/// where the backend and the revision allow).
pub fn script(
    graph: &RevisionGraph,
    settings: &Settings,
    dialect: Dialect,
    steps: &[Step],
) -> Result<String> {
    let _ = (graph, settings, dialect, steps);
    todo!()
}

/// The script that stamps: version table creation and the change.
pub fn stamp_script(settings: &Settings, dialect: Dialect, change: &VersionChange) -> String {
    let _ = (settings, dialect, change);
    todo!()
}
