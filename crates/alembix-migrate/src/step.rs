//! What a plan is made of: steps that run one revision's section, each with
//! the change it makes to the version table.

use serde::Serialize;

/// Which section of a revision a step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The `-- migrate:upgrade` section.
    Up,
    /// The `-- migrate:downgrade` section.
    Down,
}

impl Direction {
    /// `"upgrade"` or `"downgrade"`, as written in the log table and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        }
    }
}

/// Rows to delete from and insert into the version table. Applied as the
/// deletes first, then the inserts, in the same transaction as the step's SQL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VersionChange {
    /// Rows to delete.
    pub delete: Vec<String>,
    /// Rows to insert.
    pub insert: Vec<String>,
}

impl VersionChange {
    /// True when the version table stays as it is.
    pub fn is_empty(&self) -> bool {
        self.delete.is_empty() && self.insert.is_empty()
    }
}

/// One revision run in one direction, with the version-table change that
/// goes with it (Alembic's head maintenance: at a branch point a row is added,
/// at a merge point rows are removed, otherwise one row moves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Full id of the revision whose section runs.
    pub revision: String,
    /// Which section runs.
    pub direction: Direction,
    /// The version-table change recorded with it.
    pub versions: VersionChange,
}
