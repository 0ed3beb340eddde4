//! `alembix squash`: one revision in place of a linear run.

use alembix_migrate::script_dir::SQUASHED_DIR;

use super::Project;
use crate::error::Res;

/// Writes the squashed revision and moves the files it replaces into
/// `.squashed/` (or deletes them with `--delete`), all or nothing.
pub(crate) fn run(p: &Project, start: &str, end: &str, message: &str, delete: bool) -> Res<i32> {
    let sq = p.m.graph.squash(start, end, message)?;
    // The new file takes END's place, in END's script directory.
    let dir = sq
        .remove
        .last()
        .and_then(|f| f.parent())
        .map_or_else(|| p.cfg.migrations.clone(), |d| d.to_path_buf());
    let done = sq.apply(&dir, delete)?;
    super::post_write(p, &done.path);
    p.out.line(&format!(
        "Squashed {} revisions into {} ({}); it replaces {}",
        sq.remove.len(),
        sq.revision.id,
        done.path.display(),
        sq.revision.replaces.join(", ")
    ));
    if delete {
        p.out.line("The replaced files were deleted.");
    } else {
        p.out.line(&format!(
            "The replaced files were moved to {} (never read as revisions; delete them when you no longer need them).",
            dir.join(SQUASHED_DIR).display()
        ));
    }
    if let Some((dir, why)) = &done.leftover {
        p.out.warn(&format!(
            "the replaced files are in {} and could not be deleted ({why}); it is never read as revisions, delete it by hand",
            dir.display()
        ));
    }
    if sq.revision.upgrade.contains("-- step:") {
        p.out.line("The replaced revisions' transaction modes differ: each part keeps its own through `-- step:` markers.");
    }
    p.out.line("Databases at the end of the run or later are untouched; a database in the middle of it must be brought to the end first.");
    Ok(0)
}
