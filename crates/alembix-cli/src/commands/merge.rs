//! `alembix merge`: a revision joining heads.

use std::path::PathBuf;

use super::{Project, write_revision};
use crate::error::Res;

/// What `merge` writes besides the parents and the message.
#[derive(Debug, Default)]
pub(crate) struct Options {
    /// Branch labels of the merge revision.
    pub labels: Vec<String>,
    /// Its id instead of a random one.
    pub rev_id: Option<String>,
    /// The script directory to write it to.
    pub version_path: Option<PathBuf>,
}

/// Writes the merge revision of `revs` (`heads` or two or more revisions).
pub(crate) fn run(p: &Project, revs: &[String], message: &str, o: Options) -> Res<i32> {
    let dir = p.cfg.version_path(o.version_path.as_deref())?;
    let rev =
        p.m.graph
            .merge_revision_with(revs, message, o.rev_id.as_deref(), &o.labels)?;
    let path = write_revision(&dir, &rev)?;
    super::post_write(p, &path);
    p.out.line(&format!(
        "Generating {} ... done (merges {})",
        path.display(),
        rev.down_revisions.join(", ")
    ));
    Ok(0)
}
