//! `alembix revision`: an empty revision to fill by hand.

use std::path::Path;

use alembix_migrate::graph::NewRevision;

use super::{Project, write_revision};
use crate::error::Res;

/// Writes the new revision (into `version_path`, default `migrations`) and
/// names its file.
pub(crate) fn run(p: &Project, version_path: Option<&Path>, new: NewRevision) -> Res<i32> {
    let dir = p.cfg.version_path(version_path)?;
    let rev = p.m.graph.new_revision(new)?;
    let path = write_revision(&dir, &rev)?;
    super::post_write(p, &path);
    p.out
        .line(&format!("Generating {} ... done", path.display()));
    Ok(0)
}
