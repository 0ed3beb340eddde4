//! `alembix merge`: a revision joining heads.

use super::{Project, write_revision};
use crate::error::Res;

/// Writes the merge revision of `revs` (`heads` or two or more revisions).
pub(crate) fn run(p: &Project, revs: &[String], message: &str) -> Res<i32> {
    let rev = p.m.graph.merge_revision(revs, message)?;
    let path = write_revision(&p.cfg.migrations, &rev)?;
    p.out.line(&format!(
        "Generating {} ... done (merges {})",
        path.display(),
        rev.down_revisions.join(", ")
    ));
    Ok(0)
}
