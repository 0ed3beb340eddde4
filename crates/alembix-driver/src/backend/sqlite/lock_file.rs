//! SQLite's migration lock across commits: an advisory lock (the
//! operating system's, `flock` on Unix, `LockFileEx` on Windows) on
//! `<database>.alembix-lock`, which holds the holder's
//! [`LockHolder::encode`]d line while locked. The system releases it when
//! the file is closed, so a process that dies or panics frees it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;

use crate::lock::{Holder, LockHolder, MigrationLock};

/// `<database file>.alembix-lock`.
pub(crate) fn path_for(db_file: &str) -> PathBuf {
    PathBuf::from(format!("{db_file}.alembix-lock"))
}

fn io_error(path: &std::path::Path, e: std::io::Error) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::new(
        e.kind(),
        format!("migration lock file {}: {e}", path.display()),
    ))
}

/// Tries once to lock the file: the open, locked file (now holding `me`),
/// or the holder as its file says.
pub(crate) fn try_take(
    path: &std::path::Path,
    me: &LockHolder,
) -> sqlx::Result<Result<File, Option<Holder>>> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| io_error(path, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            return Ok(Err(LockHolder::decode(&text).map(Holder::Alembix)));
        }
        Err(TryLockError::Error(e)) => return Err(io_error(path, e)),
    }
    let line = format!("{}\n", me.encode());
    file.set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(line.as_bytes()))
        .and_then(|()| file.flush())
        .map_err(|e| io_error(path, e))?;
    Ok(Ok(file))
}

/// Empties the file (it names no holder any more) and closes it, which
/// releases the lock.
pub(crate) fn release(lock: MigrationLock) {
    if let Some(file) = lock.file {
        let _ = file.set_len(0);
        drop(file);
    }
}
