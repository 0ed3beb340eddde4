//! A batch of statements run on the connection's own SQLite handle, the
//! way the `sqlite3` shell runs a script: prepare, step, finalize, one
//! statement after another on one thread.
//!
//! Through sqlx, SQLite's worker thread hands the result of each
//! statement to the async side, which wakes that side once per statement:
//! a step of 3,000 statements was 3,000 thread wake-ups (a futex or
//! eventfd write and a context switch each) on top of SQLite's own work,
//! and sqlx hands SQLite the text with its length and no NUL after it, so
//! SQLite copied the rest of the batch at each statement it prepared.
//! Here the batch is one hand-off (the connection's lock), and SQLite
//! reads the NUL-terminated text in place.
//!
//! The statements run on the calling thread, with the connection locked
//! from sqlx's worker, as sqlx's `lock_handle` intends; on a
//! multi-threaded tokio runtime the thread's other tasks move to another
//! worker while it runs (`block_in_place`).

use std::ffi::{CStr, CString, c_char, c_int};
use std::ptr;

use libsqlite3_sys as ffi;
use sqlx::sqlite::{LockedSqliteHandle, SqliteConnection};

use crate::backend::count_finished;
use crate::pool::raw_sql;

/// Runs the statements of `sql` in order and counts those finished;
/// `Err((finished, error))` at the first failure (none runs after it). A
/// NUL byte ends SQLite's reading of a text: the statement it is in (or
/// that ends right before it) is refused, not run cut short; those before
/// it run.
pub(super) async fn raw_batch(
    c: &mut SqliteConnection,
    sql: &str,
) -> Result<usize, (usize, sqlx::Error)> {
    if c_int::try_from(sql.len()).is_err() {
        // More than SQLite takes in one text: sqlx's error.
        return count_finished(raw_sql(sql).execute_many(c)).await;
    }
    let (before_nul, nul) = match sql.find('\0') {
        Some(at) => (&sql[..at], true),
        None => (sql, false),
    };
    let text = CString::new(before_nul).expect("no NUL before the first NUL");
    let mut handle = c.lock_handle().await.map_err(|e| (0, e))?;
    blocking(|| run(&mut handle, &text, nul))
}

/// `f` on this thread; on a multi-threaded runtime, with the thread's
/// other tasks handed to another worker first.
fn blocking<R>(f: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Prepares, steps to the end and finalizes each statement of `text` in
/// turn (text that prepares to no statement, such as a comment, counts
/// for none, as in sqlx); `nul`: a NUL byte followed `text`, and the
/// statement reaching its end, or else the end itself, is an error.
fn run(
    handle: &mut LockedSqliteHandle<'_>,
    text: &CStr,
    nul: bool,
) -> Result<usize, (usize, sqlx::Error)> {
    let db = handle.as_raw_handle().as_ptr();
    let start = text.as_ptr();
    // The terminating NUL: SQLite stops there.
    let end = start.wrapping_add(text.to_bytes().len());
    let mut at: *const c_char = start;
    let mut finished = 0;
    while at < end {
        let mut stmt: *mut ffi::sqlite3_stmt = ptr::null_mut();
        let mut tail: *const c_char = ptr::null();
        // The length counts the NUL, so SQLite parses the text in place
        // rather than copying what is left of it. It fits: the whole text
        // did (checked by the caller).
        let len = (end as usize - at as usize + 1) as c_int;
        // SAFETY: `db` is the open connection, locked from sqlx's worker
        // by `handle` for as long as this runs; `at..=end` lies inside
        // `text`, NUL-terminated at `end`; `stmt` and `tail` are written
        // by SQLite.
        let rc = unsafe { ffi::sqlite3_prepare_v2(db, at, len, &mut stmt, &mut tail) };
        if rc != ffi::SQLITE_OK {
            return Err((finished, error(handle, rc)));
        }
        if tail.is_null() || tail <= at {
            // Nothing consumed (SQLite always moves past a statement).
            if !stmt.is_null() {
                // SAFETY: `stmt` was prepared above and is finalized once.
                unsafe { ffi::sqlite3_finalize(stmt) };
            }
            break;
        }
        at = tail;
        if stmt.is_null() {
            // Whitespace or a comment only.
            continue;
        }
        if nul && at == end {
            // SAFETY: `stmt` was prepared above and is finalized once.
            unsafe { ffi::sqlite3_finalize(stmt) };
            return Err((finished, nul_byte()));
        }
        let rc = loop {
            // SAFETY: `stmt` is a statement of `db` prepared above.
            let rc = unsafe { ffi::sqlite3_step(stmt) };
            if rc != ffi::SQLITE_ROW {
                break rc;
            }
        };
        // The error is read before the statement is finalized.
        let failed = (rc != ffi::SQLITE_DONE).then(|| error(handle, rc));
        // SAFETY: `stmt` was prepared above and is finalized once; the
        // error it ended with was read already.
        unsafe { ffi::sqlite3_finalize(stmt) };
        if let Some(e) = failed {
            return Err((finished, e));
        }
        finished += 1;
    }
    if nul {
        return Err((finished, nul_byte()));
    }
    Ok(finished)
}

fn nul_byte() -> sqlx::Error {
    sqlx::Error::InvalidArgument(
        "the SQL text holds a NUL byte, where SQLite would stop reading it; remove it".into(),
    )
}

/// The connection's last error as sqlx reports it (its code and message).
fn error(handle: &mut LockedSqliteHandle<'_>, rc: c_int) -> sqlx::Error {
    match handle.last_error() {
        Some(e) => sqlx::Error::Database(Box::new(e)),
        None => sqlx::Error::Protocol(format!("SQLite returned result code {rc}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Connection, Pool, PoolOptions};

    /// A pool on a new database file of its own; the file goes with `dir`.
    async fn pool(dir: &tempfile::TempDir) -> Pool {
        let url = format!("sqlite://{}", dir.path().join("script.db").display());
        Pool::connect(&url, &PoolOptions::default()).await.unwrap()
    }

    /// What sqlx's own path counts for `sql` on the same connection.
    async fn through_sqlx(conn: &mut Connection, sql: &str) -> Result<usize, (usize, String)> {
        let Connection::Sqlite(c) = conn else {
            unreachable!("a SQLite pool")
        };
        count_finished(raw_sql(sql).execute_many(&mut **c))
            .await
            .map_err(|(n, e)| (n, e.to_string()))
    }

    async fn tables(conn: &mut Connection) -> i64 {
        let sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'".to_string();
        let rows = conn.fetch_all(sql, sea_query::Values(Vec::new())).await;
        rows.unwrap().get_i64(0, 0).unwrap()
    }

    /// Statements, comments, empty statements and rows count as sqlx
    /// counts them, and the connection goes on through sqlx afterwards.
    async fn counts_as_sqlx_does() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let mut conn = pool.acquire().await.unwrap();
        let sql = "CREATE TABLE a (x int) -- note\n;\n;\n-- alone\nCREATE TABLE b (y int);\nSELECT 1 UNION ALL SELECT 2;\n/* end */";
        assert_eq!(conn.raw_batch(sql).await.map_err(|(n, _)| n), Ok(3));
        assert_eq!(tables(&mut conn).await, 2);
        let again = sql.replace(" a ", " c ").replace(" b ", " d ");
        assert_eq!(through_sqlx(&mut conn, &again).await, Ok(3));
        assert_eq!(conn.raw_batch("").await.map_err(|(n, _)| n), Ok(0));
        assert_eq!(
            conn.raw_batch("  -- only\n").await.map_err(|(n, _)| n),
            Ok(0)
        );
        drop(conn);
        pool.close().await;
    }

    /// A failure stops the batch after the statements before it, with
    /// sqlx's own error, and runs nothing after it; inside a transaction,
    /// the statements before it roll back with the transaction.
    async fn stops_at_the_failure() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let mut conn = pool.acquire().await.unwrap();
        conn.raw("CREATE TABLE taken (x int)").await.unwrap();
        let sql = "CREATE TABLE a (x int);\nCREATE TABLE taken (x int);\nCREATE TABLE b (x int)";
        conn.raw("BEGIN").await.unwrap();
        let (n, e) = conn.raw_batch(sql).await.unwrap_err();
        assert_eq!(n, 1);
        assert_eq!(tables(&mut conn).await, 2, "a ran, b did not");
        conn.raw("ROLLBACK").await.unwrap();
        assert_eq!(tables(&mut conn).await, 1);
        let sqlx = through_sqlx(&mut conn, sql).await.unwrap_err();
        assert_eq!((n, e.to_string()), sqlx);
        assert!(sqlx.1.contains("table taken already exists"), "{}", sqlx.1);
        let syntax = conn.raw_batch("CREATE TABLE c (x int);\nCREATE TABEL d (x int)");
        let (n, e) = syntax.await.unwrap_err();
        assert_eq!(n, 1);
        assert!(e.to_string().contains("syntax error"), "{e}");
        drop(conn);
        pool.close().await;
    }

    /// A NUL byte (sqlx's path never finished such a text): the
    /// statements before the one holding it run, that one and the rest
    /// do not, and the error says why.
    async fn stops_at_a_nul_byte() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let mut conn = pool.acquire().await.unwrap();
        let cut =
            "CREATE TABLE a (x int);\nCREATE TABLE b (x int)\0, y int);\nCREATE TABLE c (x int)";
        let (n, e) = conn.raw_batch(cut).await.unwrap_err();
        assert_eq!(n, 1);
        assert!(e.to_string().contains("NUL byte"), "{e}");
        assert_eq!(tables(&mut conn).await, 1, "b is not made cut short");
        let after = "CREATE TABLE d (x int);\n\0CREATE TABLE e (x int)";
        assert_eq!(conn.raw_batch(after).await.map_err(|(n, _)| n), Err(1));
        assert_eq!(tables(&mut conn).await, 2);
        drop(conn);
        pool.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn counts_on_a_multi_threaded_runtime() {
        counts_as_sqlx_does().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stops_on_a_multi_threaded_runtime() {
        stops_at_the_failure().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn nul_on_a_multi_threaded_runtime() {
        stops_at_a_nul_byte().await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn on_a_current_thread_runtime() {
        counts_as_sqlx_does().await;
        stops_at_the_failure().await;
        stops_at_a_nul_byte().await;
    }
}
