//! Applying a squash to the script directory, all or nothing: the new
//! revision is written to a temporary file first, the replaced files are
//! moved aside, and only then is the new file renamed into place. When a
//! step fails, the steps before it are undone in reverse order.

use std::io;
use std::path::{Path, PathBuf};

use super::{SQUASHED_DIR, sync_dir, write_temp};
use crate::error::{Error, Result};
use crate::graph::Squash;

/// What [`Squash::apply`] did in the script directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// The new revision file.
    pub path: PathBuf,
    /// Where the replaced files now are (in [`SQUASHED_DIR`]); empty when
    /// they were deleted.
    pub kept: Vec<PathBuf>,
    /// With `delete`: a directory of replaced files that could not be
    /// removed after the squash was done, and why. The squash itself
    /// succeeded (the directory is hidden, so it is never read).
    pub leftover: Option<(PathBuf, String)>,
}

/// A step already done, and how to undo it.
enum Done {
    CreatedDir(PathBuf),
    WroteTemp(PathBuf),
    Moved { from: PathBuf, to: PathBuf },
}

/// The steps done so far.
#[derive(Default)]
struct Journal {
    done: Vec<Done>,
}

impl Journal {
    /// Undoes every step (newest first) and builds the error for the step
    /// that failed; undo failures are listed in it.
    fn fail(self, what: String, source: io::Error) -> Error {
        let mut undo_failures = Vec::new();
        for step in self.done.into_iter().rev() {
            let (result, undo) = match step {
                Done::CreatedDir(d) => (std::fs::remove_dir(&d), format!("remove {}", d.display())),
                Done::WroteTemp(f) => (std::fs::remove_file(&f), format!("remove {}", f.display())),
                Done::Moved { from, to } => (
                    std::fs::rename(&to, &from),
                    format!("move {} back to {}", to.display(), from.display()),
                ),
            };
            if let Err(e) = result {
                undo_failures.push(format!("cannot {undo}: {e}"));
            }
        }
        Error::SquashFiles {
            what,
            source,
            undo_failures,
        }
    }
}

/// `dir/name`, or `dir/<stem>.<n>.<ext>` when that exists already.
pub(super) fn free_name(dir: &Path, file: &Path) -> PathBuf {
    let name = file.file_name().map(PathBuf::from).unwrap_or_default();
    let first = dir.join(&name);
    if first.symlink_metadata().is_err() {
        return first;
    }
    let stem = name.file_stem().unwrap_or_default().to_string_lossy();
    let ext = name.extension().unwrap_or_default().to_string_lossy();
    (1..)
        .map(|n| dir.join(format!("{stem}.{n}.{ext}")))
        .find(|p| p.symlink_metadata().is_err())
        .expect("some suffix is free")
}

impl Squash {
    /// Writes the squashed revision into the script directory `dir` and
    /// moves the files it replaces into `dir/.squashed/` (created when
    /// needed), or deletes them when `delete` is true.
    ///
    /// All or nothing: the new file is written to a temporary file of `dir`
    /// and flushed to disk, the replaced files are moved aside, and the
    /// temporary file is renamed into place last. When a step fails, the
    /// ones before it are undone and the error ([`Error::SquashFiles`])
    /// names the step: no new file, every replaced file where it was.
    pub fn apply(&self, dir: &Path, delete: bool) -> Result<Replaced> {
        let target = dir.join(self.revision.file_name());
        let mut journal = Journal::default();
        if target.symlink_metadata().is_ok() && !self.remove.contains(&target) {
            let e = io::Error::new(
                io::ErrorKind::AlreadyExists,
                "a file of that name exists and is not one of the replaced revisions",
            );
            return Err(journal.fail(format!("write {}", target.display()), e));
        }
        let store = if delete {
            dir.join(format!(".squash-{}.tmp", std::process::id()))
        } else {
            dir.join(SQUASHED_DIR)
        };
        if !store.is_dir() {
            if let Err(e) = std::fs::create_dir(&store) {
                let what = format!("create the directory {}", store.display());
                return Err(journal.fail(what, e));
            }
            journal.done.push(Done::CreatedDir(store.clone()));
        }
        let tmp = match write_temp(&target, &self.revision.render()) {
            Ok(tmp) => tmp,
            Err(Error::Io { path, source }) => {
                return Err(journal.fail(format!("write {}", path.display()), source));
            }
            Err(other) => return Err(other),
        };
        journal.done.push(Done::WroteTemp(tmp.clone()));
        let mut kept = Vec::new();
        for old in &self.remove {
            let to = free_name(&store, old);
            if let Err(e) = std::fs::rename(old, &to) {
                let what = format!("move {} to {}", old.display(), to.display());
                return Err(journal.fail(what, e));
            }
            journal.done.push(Done::Moved {
                from: old.clone(),
                to: to.clone(),
            });
            kept.push(to);
        }
        if let Err(e) = std::fs::rename(&tmp, &target) {
            let what = format!("rename {} to {}", tmp.display(), target.display());
            return Err(journal.fail(what, e));
        }
        // Done: from here on nothing is undone.
        sync_dir(Some(dir));
        sync_dir(Some(&store));
        let mut leftover = None;
        if delete {
            kept.clear();
            if let Err(e) = std::fs::remove_dir_all(&store) {
                leftover = Some((store, e.to_string()));
            }
        }
        Ok(Replaced {
            path: target,
            kept,
            leftover,
        })
    }
}
