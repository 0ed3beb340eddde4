//! `alembix merge`: a revision joining heads.

use super::{Project, write_revision};
use crate::error::Res;

/// Writes the merge revision of `revs` (`heads` or two or more revisions),
/// carrying `labels`.
pub(crate) fn run(p: &Project, revs: &[String], message: &str, labels: Vec<String>) -> Res<i32> {
    let mut rev = p.m.graph.merge_revision(revs, message)?;
    if let Some(taken) = labels.iter().find(|l| p.m.graph.labels().contains_key(*l)) {
        return Err(alembix_migrate::Error::Usage(format!(
            "branch label `{taken}` is already on revision {}; choose another",
            p.m.graph.labels()[taken]
        ))
        .into());
    }
    rev.branch_labels = labels;
    let path = write_revision(&p.cfg.migrations, &rev)?;
    super::post_write(p, &path);
    p.out.line(&format!(
        "Generating {} ... done (merges {})",
        path.display(),
        rev.down_revisions.join(", ")
    ));
    Ok(0)
}
