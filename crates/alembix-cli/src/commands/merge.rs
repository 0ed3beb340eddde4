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
    let labels = o.labels;
    let mut rev = p.m.graph.merge_revision(revs, message)?;
    if let Some(id) = o.rev_id {
        // The same checks as `revision --rev-id`: format and uniqueness.
        let fresh =
            p.m.graph
                .new_revision(alembix_migrate::graph::NewRevision {
                    message: message.to_string(),
                    rev_id: Some(id),
                    head: Some("base".into()),
                    ..Default::default()
                })?;
        rev.id = fresh.id;
    }
    if let Some(taken) = labels.iter().find(|l| p.m.graph.labels().contains_key(*l)) {
        return Err(alembix_migrate::Error::Usage(format!(
            "branch label `{taken}` is already on revision {}; choose another",
            p.m.graph.labels()[taken]
        ))
        .into());
    }
    rev.branch_labels = labels;
    let path = write_revision(&dir, &rev)?;
    super::post_write(p, &path);
    p.out.line(&format!(
        "Generating {} ... done (merges {})",
        path.display(),
        rev.down_revisions.join(", ")
    ));
    Ok(0)
}
