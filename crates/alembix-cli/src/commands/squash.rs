//! `alembix squash`: one revision in place of a linear run.

use super::{Project, write_revision};
use crate::error::{CliError, IoAction, Res};

/// Writes the squashed revision, then removes the files it replaces.
pub(crate) fn run(p: &Project, start: &str, end: &str, message: &str) -> Res<i32> {
    let sq = p.m.graph.squash(start, end, message)?;
    let path = write_revision(&p.cfg.migrations, &sq.revision)?;
    for old in &sq.remove {
        // Same id, minute and message give END's old file name: it now holds the new text.
        if old != &path {
            std::fs::remove_file(old).map_err(CliError::io(IoAction::Remove, old))?;
        }
    }
    p.out.line(&format!(
        "Squashed {} revisions into {} ({}); it replaces {}",
        sq.remove.len(),
        sq.revision.id,
        path.display(),
        sq.revision.replaces.join(", ")
    ));
    p.out.line("Databases at the end of the run or later are untouched; a database in the middle of it must be brought to the end first.");
    Ok(0)
}
