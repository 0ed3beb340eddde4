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

impl Transaction {
    /// The dialect of the backend.
    pub fn dialect(&self) -> Dialect {
        dispatch!(Transaction, self, t => dialect_of(t))
    }

    /// Commits.
    pub async fn commit(self) -> sqlx::Result<()> {
        dispatch!(Transaction, self, t => t.commit().await)
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
