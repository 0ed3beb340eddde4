//! Running a join: rows, one row, counting, existence, streaming.

use std::marker::PhantomData;

use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use sea_query::{LockType, SelectStatement};

use super::Joined;
use super::row::{RowShape, ShapeDecoder};
use crate::db::{Exec, Route};
use crate::error::{Error, Result};

impl<Q, R: RowShape> Joined<Q, R> {
    /// The statement to run, taken out of the query (no copy), or the
    /// mistake made in building it.
    fn statement(&mut self, ex: &Exec<'_>) -> Result<SelectStatement> {
        if let Some(e) = self.error.take() {
            return Err(Error::Usage(e));
        }
        let mut stmt = std::mem::take(&mut self.stmt);
        let backend = ex.dialect();
        if self.lock && backend.caps().row_locks {
            let outer = self.models.iter().any(|(_, left)| *left);
            if outer && !backend.caps().locks_outer_join_nullable_side {
                let inner = self.models.iter().filter(|(_, left)| !left);
                stmt.lock_with_tables(LockType::Update, inner.map(|(m, _)| m.table_ref()));
            } else {
                stmt.lock(LockType::Update);
            }
        }
        Ok(stmt)
    }

    fn decoder(&mut self) -> ShapeDecoder<R> {
        ShapeDecoder {
            names: std::mem::take(&mut self.names),
            shape: PhantomData,
        }
    }

    /// Every matching row.
    pub async fn all<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Vec<R::Output>> {
        self.stream(ex).try_collect().await
    }

    /// The first matching row, if any.
    pub async fn one<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Option<R::Output>> {
        Ok(self.limit(1).all(ex).await?.pop())
    }

    /// The number of matching rows (within `limit` and `offset`, when
    /// given): one `SELECT COUNT(*)` over the query.
    pub async fn count<'a>(mut self, ex: impl Into<Exec<'a>>) -> Result<i64> {
        let ex = ex.into();
        let mut inner = self.statement(&ex)?;
        inner
            .clear_selects()
            .expr(sea_query::Expr::cust("1"))
            .clear_order_by();
        let mut stmt = sea_query::Query::select();
        stmt.expr(sea_query::Expr::cust("COUNT(*)"))
            .from_subquery(inner, "alembix_counted");
        let (sql, values) = ex.dialect().build_query(&stmt);
        ex.read(sql, values, Route::select(self.lock))
            .await?
            .scalar_i64()
    }

    /// Whether any row matches.
    pub async fn exists<'a>(mut self, ex: impl Into<Exec<'a>>) -> Result<bool> {
        let ex = ex.into();
        let mut stmt = self.statement(&ex)?;
        stmt.clear_selects()
            .expr(sea_query::Expr::cust("1"))
            .clear_order_by()
            .limit(1);
        let (sql, values) = ex.dialect().build_query(&stmt);
        let route = Route::select(self.lock);
        Ok(ex.read(sql, values, route).await?.len() > 0)
    }

    /// The matching rows as a stream, decoded one at a time as they arrive.
    pub fn stream<'a>(mut self, ex: impl Into<Exec<'a>>) -> BoxStream<'a, Result<R::Output>> {
        let ex = ex.into();
        match self.statement(&ex) {
            Ok(stmt) => {
                let (sql, values) = ex.dialect().build_query(&stmt);
                ex.stream(sql, values, self.decoder(), Route::select(self.lock))
            }
            Err(e) => Box::pin(futures_util::stream::once(async { Err(e) })),
        }
    }
}
