//! The script directory on disk: which of its entries are revision files,
//! which are ignored, and writing files into it so that a crash or a failed
//! step never leaves half a file or two files defining one revision.
//!
//! The rules:
//! - A file whose name ends in `.sql`, in any case (`x.sql`, `x.SQL`), is a
//!   revision file.
//! - Hidden entries (names starting with `.`: editor swap files, the
//!   [`SQUASHED_DIR`] where `squash` keeps the files it replaced) are
//!   skipped without a word, except that a hidden `.sql` file is a revision
//!   file like any other.
//! - Every other entry is [`Ignored`]: other files, and subdirectories,
//!   which are not scanned. Callers tell the user about them.
//!
//! ```
//! use alembix_migrate::script_dir::is_revision_file_name;
//! assert!(is_revision_file_name("20261122_0915_3f2a9c1b7d4e_add_users.SQL"));
//! assert!(!is_revision_file_name("README.md"));
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

mod replace;

pub use replace::Replaced;

/// The subdirectory of the script directory where `squash` moves the files
/// it replaced (unless asked to delete them).
pub const SQUASHED_DIR: &str = ".squashed";

/// True when a file of this name is a revision file: it ends in `.sql`, in any case.
pub fn is_revision_file_name(name: &str) -> bool {
    let n = name.len();
    n > 4 && name.is_char_boundary(n - 4) && name[n - 4..].eq_ignore_ascii_case(".sql")
}

/// An entry of the script directory that is not a revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The entry's path (the directory joined with its name).
    pub path: PathBuf,
    /// Why it is not read.
    pub kind: IgnoredKind,
}

/// Why an entry of the script directory is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoredKind {
    /// A file whose name does not end in `.sql`.
    NotSql,
    /// A subdirectory: the script directory is not scanned recursively.
    Directory,
    /// Neither a file nor a directory (a broken link, a socket, ...).
    NotAFile,
}

impl std::fmt::Display for Ignored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.path.display();
        match self.kind {
            IgnoredKind::NotSql => write!(
                f,
                "ignoring {path}: not a revision file (revision files end in .sql)"
            ),
            IgnoredKind::Directory => write!(
                f,
                "ignoring {path}{}: subdirectories of the script directory are not read",
                std::path::MAIN_SEPARATOR
            ),
            IgnoredKind::NotAFile => write!(f, "ignoring {path}: not a regular file"),
        }
    }
}

/// The entries of a script directory, sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptFiles {
    /// The revision files.
    pub revisions: Vec<PathBuf>,
    /// Entries that are not revision files and not hidden.
    pub ignored: Vec<Ignored>,
}

/// Lists the script directory `dir` (not recursive) by the rules of this module.
pub fn scan(dir: &Path) -> Result<ScriptFiles> {
    let io = |e: std::io::Error| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(format!(
                "the script directory {} does not exist; create it with `alembix init` or set `migrations` in alembix.toml",
                dir.display()
            ))
        } else {
            io(e)
        }
    })?;
    let mut files = ScriptFiles::default();
    for entry in entries {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = dir.join(entry.file_name());
        // Follows links: a link to a revision file is a revision file.
        let meta = std::fs::metadata(&path);
        let is_file = meta.as_ref().is_ok_and(|m| m.is_file());
        if is_file && is_revision_file_name(&name) {
            files.revisions.push(path);
            continue;
        }
        if name.starts_with('.') {
            continue;
        }
        let kind = match meta {
            Ok(m) if m.is_dir() => IgnoredKind::Directory,
            Ok(m) if m.is_file() => IgnoredKind::NotSql,
            _ => IgnoredKind::NotAFile,
        };
        files.ignored.push(Ignored { path, kind });
    }
    files.revisions.sort();
    files.ignored.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Writes `text` to `path` atomically: into a hidden temporary file of the
/// same directory, flushed to disk, then renamed over `path`. Readers see
/// the old file or the whole new one, never a part.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = write_temp(path, text)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::Io {
            path: path.to_path_buf(),
            source: e,
        }
    })?;
    sync_dir(path.parent());
    Ok(())
}

/// Writes `text` into a new hidden temporary file beside `path` (its name
/// does not end in `.sql`, so a crash never leaves a revision behind) and
/// flushes it to disk; returns the temporary file's path.
pub(crate) fn write_temp(path: &Path, text: &str) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let io = |e: std::io::Error| Error::Io {
        path: tmp.clone(),
        source: e,
    };
    let written = std::fs::File::create_new(&tmp)
        .map_err(io)
        .and_then(|mut f| {
            f.write_all(text.as_bytes()).map_err(io)?;
            f.sync_all().map_err(io)
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

/// Flushes a directory's entries (renames, new files) to disk; best effort,
/// as not every platform can open a directory.
pub(crate) fn sync_dir(dir: Option<&Path>) {
    if let Some(dir) = dir
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests;
