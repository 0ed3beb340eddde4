//! The revision graph: bases, heads, branch points, merge points, branch
//! labels and `depends_on`, with Alembic's semantics.

use std::path::Path;

use crate::error::Result;
use crate::revision::Revision;
use crate::step::{Step, VersionChange};

/// All revisions of a script directory, validated and linked.
#[derive(Debug, Clone)]
pub struct RevisionGraph {
    // helper: fields
}

impl RevisionGraph {
    /// Reads every `*.sql` file of `dir` (not recursive) and builds the graph.
    pub fn load(dir: &Path) -> Result<RevisionGraph> {
        let _ = dir;
        todo!()
    }

    /// Builds the graph from `(file name, file text)` pairs (embedded migrations).
    pub fn from_sources(files: &[(&str, &str)]) -> Result<RevisionGraph> {
        let _ = files;
        todo!()
    }

    /// Validates and links parsed revisions: duplicate ids and labels, missing
    /// parents or dependencies, cycles, are errors naming the files.
    pub fn from_revisions(revisions: Vec<Revision>) -> Result<RevisionGraph> {
        let _ = revisions;
        todo!()
    }

    /// The revision with this full id.
    pub fn get(&self, id: &str) -> Option<&Revision> {
        let _ = id;
        todo!()
    }

    /// Every revision, parents before children (a stable topological order).
    pub fn revisions(&self) -> Vec<&Revision> {
        todo!()
    }

    /// Revisions with no children, in a stable order.
    pub fn heads(&self) -> Vec<&Revision> {
        todo!()
    }

    /// Revisions with no parents.
    pub fn bases(&self) -> Vec<&Revision> {
        todo!()
    }

    /// Children ids of a revision (revisions that name it in `down_revision`).
    pub fn children(&self, id: &str) -> Vec<&str> {
        let _ = id;
        todo!()
    }

    /// Resolves one target to full revision ids, relative to the current heads
    /// (for `+N`, `-N`, `LABEL@head`, ...). `base` resolves to the empty list.
    pub fn resolve(&self, target: &str, current: &[String]) -> Result<Vec<String>> {
        let _ = (target, current);
        todo!()
    }

    /// Fails with `UnknownRevisions` or `Squashed` when the version table names
    /// revisions that no file defines.
    pub fn check_current(&self, current: &[String]) -> Result<()> {
        let _ = current;
        todo!()
    }

    /// Steps that upgrade a database whose version table holds `current` to `target`.
    pub fn plan_upgrade(&self, current: &[String], target: &str) -> Result<Vec<Step>> {
        let _ = (current, target);
        todo!()
    }

    /// Steps that downgrade a database whose version table holds `current` to `target`.
    pub fn plan_downgrade(&self, current: &[String], target: &str) -> Result<Vec<Step>> {
        let _ = (current, target);
        todo!()
    }

    /// The version-table change that stamps `targets` (without running SQL).
    pub fn plan_stamp(
        &self,
        current: &[String],
        targets: &[String],
        purge: bool,
    ) -> Result<VersionChange> {
        let _ = (current, targets, purge);
        todo!()
    }
}
