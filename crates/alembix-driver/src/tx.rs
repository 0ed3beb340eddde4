//! [`Transaction`]: a transaction on a connection of a pool.

use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use sea_query::Values;

use crate::backend::Backend;
use crate::pool::{query, raw_sql};
use crate::{Dialect, Done, Row, Rows};

/// A transaction, from [`Pool::begin`](crate::Pool::begin). Dropped
/// without [`commit`](Transaction::commit), it rolls back.
#[non_exhaustive]
pub enum Transaction {
    /// A PostgreSQL transaction.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    /// A MySQL or MariaDB transaction.
    #[cfg(feature = "mysql")]
    MySql(sqlx::Transaction<'static, sqlx::MySql>),
    /// A SQLite transaction.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("dialect", &self.dialect())
            .finish()
    }
}

fn dialect_of<DB: Backend>(_: &sqlx::Transaction<'static, DB>) -> Dialect {
    DB::DIALECT
}

async fn commit_in_place<DB: Backend>(
    t: &mut sqlx::Transaction<'static, DB>,
) -> sqlx::Result<bool> {
    DB::commit_in_place(&mut **t).await
}

impl Transaction {
    /// The dialect of the backend.
    pub fn dialect(&self) -> Dialect {
        dispatch!(Transaction, self, t => dialect_of(t))
    }

    /// Commits.
    pub async fn commit(self) -> sqlx::Result<()> {
        dispatch!(Transaction, self, t => t.commit().await)
    }

    /// Commits on the server, keeping the connection for statements of its
    /// own (in autocommit) until [`commit`](Transaction::commit) or drop
    /// hands it back to the pool: what was written can then be asked about
    /// on the connection that wrote it. True where the backend does this
    /// (MySQL/MariaDB, whose later `COMMIT` finds no transaction and does
    /// nothing); false, having done nothing, elsewhere (PostgreSQL would
    /// warn of that second `COMMIT`; SQLite has no replicas to ask for).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = alembix_driver::Pool::connect("sqlite::memory:", &Default::default()).await?;
    /// let mut tx = pool.begin().await?;
    /// assert!(!tx.commit_in_place().await?);
    /// tx.commit().await?;
    /// # Ok::<_, alembix_driver::Error>(()) }).unwrap();
    /// ```
    pub async fn commit_in_place(&mut self) -> sqlx::Result<bool> {
        dispatch!(Transaction, self, t => commit_in_place(t).await)
    }

    /// Rolls back.
    pub async fn rollback(self) -> sqlx::Result<()> {
        dispatch!(Transaction, self, t => t.rollback().await)
    }

    /// Runs one statement with bound values.
    pub async fn execute(&mut self, sql: String, values: Values) -> sqlx::Result<Done> {
        Ok(
            dispatch!(Transaction, self, t => Done::from(query(sql, values).execute(&mut **t).await?)),
        )
    }

    /// Runs one query with bound values and returns all its rows.
    pub async fn fetch_all(&mut self, sql: String, values: Values) -> sqlx::Result<Rows> {
        Ok(
            dispatch!(Transaction, self, t => Rows::from(query(sql, values).fetch_all(&mut **t).await?)),
        )
    }

    /// Runs one query with bound values; its rows as they arrive.
    pub fn fetch(&mut self, sql: String, values: Values) -> BoxStream<'_, sqlx::Result<Row>> {
        dispatch!(Transaction, self, t => query(sql, values).fetch(&mut **t).map_ok(Row::from).boxed())
    }

    /// Runs SQL text without parameters (any number of statements).
    pub async fn raw(&mut self, sql: &str) -> sqlx::Result<()> {
        dispatch!(Transaction, self, t => raw_sql(sql).execute(&mut **t).await.map(drop))
    }
}
