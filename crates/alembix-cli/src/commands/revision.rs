//! `alembix revision`: an empty revision to fill by hand.

use alembix_migrate::graph::NewRevision;

use super::{Project, write_revision};
use crate::error::Res;

/// Writes the new revision and names its file.
pub(crate) fn run(p: &Project, new: NewRevision) -> Res<i32> {
    let rev = p.m.graph.new_revision(new)?;
    let path = write_revision(&p.cfg.migrations, &rev)?;
    super::post_write(p, &path);
    p.out
        .line(&format!("Generating {} ... done", path.display()));
    Ok(0)
}
