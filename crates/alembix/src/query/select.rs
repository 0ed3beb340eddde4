//! `SELECT` queries.

use std::marker::PhantomData;

use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use sea_query::{Query, SelectStatement};

use crate::db::{Exec, ModelAt, Route};
use crate::error::Result;
use crate::expr::{Cond, OrderBy, Source};
use crate::model::Model;

/// A query for rows of `M`. Start one with `M::find()`.
///
/// ```
/// # use alembix::Model;
/// # #[derive(Model, Debug, Clone)] struct Post { id: i64, title: String, votes: i32 }
/// let q = Post::find()
///     .filter(Post::votes.ge(10).and(Post::title.like("%rust%")))
///     .order_by(Post::votes.desc())
///     .limit(20)
///     .offset(40);
/// # let _ = q;
/// ```
#[derive(Debug, Clone)]
pub struct Select<M> {
    pub(crate) stmt: SelectStatement,
    pub(crate) lock: bool,
    /// `limit`, `offset` or `distinct` was set: `count` counts the rows of
    /// the query as a subquery, so they apply to what is counted.
    pub(crate) shaped: bool,
    /// `limit` was called.
    pub(crate) limited: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Select<M> {
    pub(crate) fn new() -> Self {
        let meta = M::meta();
        let mut stmt = Query::select();
        stmt.expr(meta.select_all()).from(meta.table_ref());
        Select {
            stmt,
            lock: false,
            shaped: false,
            limited: false,
            _model: PhantomData,
        }
    }

    /// Keeps the rows for which `cond` holds (several filters are ANDed).
    /// The condition may read only columns of `M`.
    pub fn filter<S: Source<(M,), I>, I>(mut self, cond: Cond<S>) -> Self {
        self.stmt.and_where(cond.0);
        self
    }

    /// Orders the rows (several calls order by each in turn).
    pub fn order_by<S: Source<(M,), I>, I>(mut self, order: OrderBy<S>) -> Self {
        self.stmt.order_by_expr(order.expr, order.order);
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.stmt.limit(n);
        self.shaped = true;
        self.limited = true;
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: u64) -> Self {
        super::offset(&mut self.stmt, n, self.limited);
        self.shaped = true;
        self
    }

    /// Locks the selected rows until the transaction ends (`FOR UPDATE` on
    /// PostgreSQL and MySQL). SQLite locks the whole database for writes
    /// instead, so there it changes nothing.
    pub fn for_update(mut self) -> Self {
        self.lock = true;
        self
    }

    /// The statement and whether it locks, for a join to build on.
    pub(super) fn into_parts(self) -> (SelectStatement, bool) {
        (self.stmt, self.lock)
    }

    /// The statement to run, taken out of the query (no copy).
    fn statement(self, exec: &Exec<'_>) -> SelectStatement {
        let mut stmt = self.stmt;
        if self.lock && exec.dialect().caps().row_locks {
            stmt.lock(sea_query::LockType::Update);
        }
        stmt
    }

    /// All matching rows.
    pub async fn all<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Vec<M>> {
        // Decoding each row as it arrives keeps one driver row alive at a
        // time instead of the whole result set (measurably faster on large
        // results, see BENCHMARKS.md).
        self.stream(ex).try_collect().await
    }

    /// The first matching row, if any.
    pub async fn one<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Option<M>> {
        Ok(self.limit(1).all(ex).await?.pop())
    }

    /// The number of matching rows (after `limit`, `offset` and `distinct`,
    /// when they are set).
    pub async fn count<'a>(self, ex: impl Into<Exec<'a>>) -> Result<i64> {
        let ex = ex.into();
        let mut stmt = self.stmt.clone();
        stmt.clear_order_by();
        if self.shaped {
            let mut outer = Query::select();
            outer
                .expr(sea_query::Expr::cust("COUNT(*)"))
                .from_subquery(stmt, "alembix_counted");
            stmt = outer;
        } else {
            stmt.clear_selects().expr(sea_query::Expr::cust("COUNT(*)"));
        }
        let (sql, values) = ex.dialect().build_query(&stmt);
        ex.read(sql, values, Route::select(self.lock))
            .await?
            .scalar_i64()
    }

    /// Whether any row matches.
    pub async fn exists<'a>(self, ex: impl Into<Exec<'a>>) -> Result<bool> {
        let ex = ex.into();
        let mut stmt = self.stmt.clone();
        stmt.clear_selects()
            .expr(sea_query::Expr::cust("1"))
            .limit(1);
        let (sql, values) = ex.dialect().build_query(&stmt);
        let route = Route::select(self.lock);
        Ok(ex.read(sql, values, route).await?.len() > 0)
    }

    /// The matching rows as a stream, decoded one at a time as they arrive:
    /// memory stays constant however many rows there are.
    ///
    /// ```no_run
    /// # use alembix::Model;
    /// # use futures_util::TryStreamExt;
    /// # #[derive(Model, Debug, Clone)] struct Event { id: i64 }
    /// # async fn run(db: alembix::Db) -> alembix::Result<()> {
    /// let mut events = Event::find().stream(&db);
    /// while let Some(event) = events.try_next().await? {
    ///     println!("{event:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream<'a>(self, ex: impl Into<Exec<'a>>) -> BoxStream<'a, Result<M>> {
        let ex = ex.into();
        let route = Route::select(self.lock);
        let (sql, values) = ex.dialect().build_query(&self.statement(&ex));
        ex.stream(sql, values, ModelAt::<M>::new(0), route)
    }
}
