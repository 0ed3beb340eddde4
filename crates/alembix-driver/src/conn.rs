//! [`Connection`]: one connection of a pool, held for a whole session.

use sea_query::{Value, Values};

use crate::backend::{Backend, BackendConn, backend_sql};
use crate::lock::{LockAttempt, LockHolder, MigrationLock};
use crate::pool::raw_sql;
use crate::pooler::on_connection;
use crate::safety::Blocker;
use crate::{Dialect, Done, Rows};

/// One connection taken from a [`Pool`](crate::Pool) for as long as it is
/// held: session state (locks, `USE`, transactions opened with raw SQL)
/// stays on it. Dropped, it goes back to the pool.
#[non_exhaustive]
pub enum Connection {
    /// A PostgreSQL connection.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
    /// A MySQL or MariaDB connection.
    #[cfg(feature = "mysql")]
    MySql(sqlx::pool::PoolConnection<sqlx::MySql>),
    /// A SQLite connection.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("dialect", &self.dialect())
            .finish()
    }
}

fn dialect_of<DB: Backend>(_: &sqlx::pool::PoolConnection<DB>) -> Dialect {
    DB::DIALECT
}

impl Connection {
    /// The dialect of the backend.
    pub fn dialect(&self) -> Dialect {
        dispatch!(Connection, self, c => dialect_of(c))
    }

    /// Runs SQL text without parameters (any number of statements, simple
    /// protocol).
    pub async fn raw(&mut self, sql: &str) -> sqlx::Result<()> {
        dispatch!(Connection, self, c => raw_sql(sql).execute(&mut **c).await.map(drop))
    }

    /// Runs SQL text of several statements without parameters in one
    /// round trip (simple protocol; multi-statement on MySQL/MariaDB) and
    /// counts the statements the server finished: `Err((finished, error))`
    /// when one failed after `finished` others (the server runs none after
    /// it). SQLite runs the statements on the connection's own handle on
    /// the calling thread, one after another as the `sqlite3` shell does
    /// (inside `block_in_place` on a multi-threaded tokio runtime), rather
    /// than through sqlx's worker thread and one hand-off per statement.
    ///
    /// ```no_run
    /// # async fn f(pool: alembix_driver::Pool) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut conn = pool.acquire().await?;
    /// match conn.raw_batch("CREATE TABLE a (x int);\nCREATE TABLE b (y int)").await {
    ///     Ok(n) => assert_eq!(n, 2),
    ///     Err((finished, e)) => eprintln!("statement {} failed: {e}", finished + 1),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn raw_batch(&mut self, sql: &str) -> Result<usize, (usize, sqlx::Error)> {
        dispatch!(Connection, self, c => (**c).raw_batch(sql).await)
    }

    /// Runs one statement with bound values.
    pub async fn execute(&mut self, sql: String, values: Values) -> sqlx::Result<Done> {
        Ok(
            dispatch!(Connection, self, c => Done::from(on_connection(c, sql, values, false).await?.done())),
        )
    }

    /// Runs one query with bound values and returns all its rows.
    pub async fn fetch_all(&mut self, sql: String, values: Values) -> sqlx::Result<Rows> {
        Ok(
            dispatch!(Connection, self, c => Rows::from(on_connection(c, sql, values, true).await?.rows())),
        )
    }

    /// Tries once, without waiting, to take the migration lock named
    /// `key`, and once taken records `me` where waiting processes read it
    /// (see [`LockAttempt`]). PostgreSQL: an advisory lock on a hash of the
    /// key, `me` in the session's `application_name`; MySQL/MariaDB:
    /// `GET_LOCK` on the database and key; SQLite: an advisory lock on the
    /// file `<database>.alembix-lock` (holding `me`; none in memory), then
    /// the database's write lock (`BEGIN IMMEDIATE`).
    pub async fn try_lock(&mut self, key: &str, me: &LockHolder) -> sqlx::Result<LockAttempt> {
        dispatch!(Connection, self, c => (**c).try_lock(key, me).await)
    }

    /// Where the lock comes with the write transaction (SQLite), tries once
    /// to open it again after a script that ran outside it (the lock file
    /// still held); true at once elsewhere.
    pub async fn resume_lock(&mut self) -> sqlx::Result<bool> {
        dispatch!(Connection, self, c => (**c).resume_lock().await)
    }

    /// Releases the lock of [`try_lock`](Connection::try_lock) (SQLite:
    /// commits the transaction that holds it, then frees the lock file).
    pub async fn unlock(&mut self, lock: MigrationLock) -> sqlx::Result<()> {
        dispatch!(Connection, self, c => (**c).unlock(lock).await)
    }

    /// The sessions that hold locks on `relations` (names as SQL writes
    /// them, possibly schema-qualified), for the message of a statement
    /// that waited too long: PostgreSQL's sessions with granted locks on
    /// them; MySQL/MariaDB's connections with open transactions (the
    /// server does not say which holds a metadata lock); none on SQLite.
    pub async fn lock_blockers(&mut self, relations: &[String]) -> sqlx::Result<Vec<Blocker>> {
        dispatch!(Connection, self, c => (**c).blockers(relations).await)
    }

    /// Closes the connection when it is dropped instead of handing it back
    /// to the pool (a run that did not finish cleanly: the server ends the
    /// session, and with it its locks and transaction).
    pub fn close_on_drop(&mut self) {
        dispatch!(Connection, self, c => c.close_on_drop())
    }

    /// Whether a table of this name exists in the current schema
    /// (PostgreSQL) or database.
    pub async fn table_exists(&mut self, name: &str) -> sqlx::Result<bool> {
        let sql = backend_sql(self.dialect()).table_exists.to_string();
        let name = Value::String(Some(name.to_string()));
        let rows = self.fetch_all(sql, Values(vec![name])).await?;
        Ok(rows.get_i64(0, 0)? > 0)
    }

    /// Whether the server has a database of this name (always false where
    /// a database is a file).
    pub async fn database_exists(&mut self, name: &str) -> sqlx::Result<bool> {
        let sql = backend_sql(self.dialect()).database_exists.to_string();
        let name = Value::String(Some(name.to_string()));
        let rows = self.fetch_all(sql, Values(vec![name])).await?;
        Ok(rows.len() == 1 && rows.get_i64(0, 0)? > 0)
    }

    /// Whether `table` (in the current schema or database) has a column
    /// named `column`.
    pub async fn column_exists(&mut self, table: &str, column: &str) -> sqlx::Result<bool> {
        let sql = backend_sql(self.dialect()).column_exists.to_string();
        let values = vec![
            Value::String(Some(table.to_string())),
            Value::String(Some(column.to_string())),
        ];
        let rows = self.fetch_all(sql, Values(values)).await?;
        Ok(rows.get_i64(0, 0)? > 0)
    }

    /// Closes the connection instead of handing it back to the pool (after
    /// an error left it in an unknown state): the server ends the session,
    /// and with it its locks and transaction.
    pub fn detach(self) {
        dispatch!(Connection, self, c => drop(c.detach()))
    }
}
