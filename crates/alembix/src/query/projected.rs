//! Queries that read chosen columns and expressions instead of whole models:
//! grouping, aggregates, `DISTINCT`, and the subqueries made of them.

use std::marker::PhantomData;

use sea_query::SelectStatement;

use super::select::Select;
use super::tuple::{Labels, Projection, RowValues, RowsOf, SelectItem, SelectList, Selectable};
use crate::Backend;
use crate::db::{Exec, Route};
use crate::error::Result;
use crate::expr::subquery::{ColumnSubquery, Correlation, Subquery};
use crate::expr::{Cond, Expr, OrderBy, Source};
use crate::model::Model;
use crate::types::DbType;

/// A query of `M`'s table reading a select list whose rows are `R`s (one
/// value or a tuple), correlated with the outer model `O` when it is a
/// subquery (`()` otherwise). Start one with
/// [`Select::select`] or [`Select::correlated`].
///
/// ```
/// use alembix::Model;
/// use alembix::expr::{count, max};
///
/// #[derive(Model, Debug, Clone)]
/// struct Post { id: i64, author_id: i64, votes: i32 }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let db = alembix::Db::connect("sqlite::memory:").await?;
/// db.create_all(&[Post::table()]).await?;
/// for (author_id, votes) in [(1, 4), (1, 9), (2, 1)] {
///     Post { id: 0, author_id, votes }.insert(&db).await?;
/// }
/// let per_author: Vec<(i64, i64, Option<i32>)> = Post::find()
///     .select((Post::author_id, count(), max(Post::votes)))
///     .group_by(Post::author_id)
///     .order_by(Post::author_id.asc())
///     .all(&db)
///     .await?;
/// assert_eq!(per_author, vec![(1, 2, Some(9)), (2, 1, Some(1))]);
///
/// let authors: Vec<i64> = Post::find().select(Post::author_id).distinct().all(&db).await?;
/// assert_eq!(authors.len(), 2);
/// # Ok::<_, alembix::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Projected<M, R, O = ()> {
    stmt: SelectStatement,
    items: Vec<SelectItem>,
    lock: bool,
    limited: bool,
    _marker: PhantomData<Markers<M, R, O>>,
}

/// The type parameters of [`Projected`], used only at compile time.
type Markers<M, R, O> = fn() -> (M, R, O);

impl<M: Model> Select<M> {
    /// Reads `list` instead of whole rows of `M`: a column or expression
    /// (rows read as its value) or a tuple of up to eight (rows read as a
    /// tuple). The list may read only columns of `M`.
    pub fn select<L: SelectList<(M,), I>, I>(self, list: L) -> Projected<M, L::Row, ()> {
        Projected::from_select(self, list.into_items())
    }

    /// Makes this query a subquery correlated with the outer model `P`:
    /// its filters may read the columns of `M` and of `P`, and the
    /// conditions made from it ([`exists`](crate::expr::exists), ...) read
    /// `P`, so only a query including `P` accepts them. `P` must be
    /// another table than `M` (the query has no table aliases).
    pub fn correlated<P: Model>(self) -> Projected<M, (), P> {
        Projected::from_select(self, Vec::new())
    }

    /// `SELECT DISTINCT`: leaves out repeated rows (with a join, the rows
    /// repeated by it).
    pub fn distinct(mut self) -> Self {
        self.stmt.distinct();
        self.shaped = true;
        self
    }
}

impl<M: Model, R, O: Correlation<M>> Projected<M, R, O> {
    fn from_select(select: Select<M>, items: Vec<SelectItem>) -> Self {
        let mut stmt = select.stmt;
        stmt.clear_selects();
        Projected {
            stmt,
            items,
            lock: select.lock,
            limited: select.limited,
            _marker: PhantomData,
        }
    }

    /// Reads `list` instead (replacing any list chosen before).
    pub fn select<L: SelectList<O::Models, I>, I>(self, list: L) -> Projected<M, L::Row, O> {
        Projected {
            stmt: self.stmt,
            items: list.into_items(),
            lock: self.lock,
            limited: self.limited,
            _marker: PhantomData,
        }
    }

    /// Keeps the rows for which `cond` holds (several filters are ANDed).
    /// It may read the columns of `M`, and of the outer model of a
    /// correlated subquery. An aggregate belongs in [`having`](Self::having).
    pub fn filter<S: Source<O::Models, I>, I>(mut self, cond: Cond<S>) -> Self {
        self.stmt.and_where(cond.0);
        self
    }

    /// Groups the rows by `x` (several calls group by each): the select
    /// list then holds grouped columns and aggregates.
    pub fn group_by<X: Selectable, I>(mut self, x: X) -> Self
    where
        X::Src: Source<O::Models, I>,
    {
        self.stmt.add_group_by([x.into_item().expr]);
        self
    }

    /// Keeps the groups for which `cond` holds (several are ANDed); `cond`
    /// usually reads aggregates, like `count().gt(1)`.
    pub fn having<S: Source<O::Models, I>, I>(mut self, cond: Cond<S>) -> Self {
        self.stmt.and_having(cond.0);
        self
    }

    /// `SELECT DISTINCT`: leaves out repeated rows.
    pub fn distinct(mut self) -> Self {
        self.stmt.distinct();
        self
    }

    /// Orders the rows (several calls order by each in turn).
    pub fn order_by<S: Source<O::Models, I>, I>(mut self, order: OrderBy<S>) -> Self {
        self.stmt.order_by_expr(order.expr, order.order);
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.stmt.limit(n);
        self.limited = true;
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: u64) -> Self {
        super::offset(&mut self.stmt, n, self.limited);
        self
    }

    /// The statement with the select list written for `backend`.
    fn statement(&self, backend: Backend) -> SelectStatement {
        let mut stmt = self.stmt.clone();
        for item in &self.items {
            stmt.expr(item.render(backend));
        }
        if self.lock && backend.caps().row_locks {
            stmt.lock(sea_query::LockType::Update);
        }
        stmt
    }
}

impl<M: Model, T: DbType, O: Correlation<M>> Projected<M, T, O> {
    /// This one-column query as a scalar subquery: `(SELECT ...)` as an
    /// expression of the outer query. It should return at most one row
    /// (an aggregate, or a `limit(1)`); no row is NULL.
    ///
    /// ```
    /// use alembix::Model;
    /// use alembix::expr::max;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// struct Post { id: i64, votes: i32 }
    ///
    /// // The most voted posts.
    /// let top = Post::find().filter(Post::votes.eq(Post::find().select(max(Post::votes)).scalar()));
    /// # let _ = top;
    /// ```
    pub fn scalar(self) -> Expr<T, O> {
        let stmt = self.into_statement();
        Expr::new(sea_query::Expr::SubQuery(None, Box::new(stmt.into())))
    }
}

impl<M: Model, R: RowValues> Projected<M, R, ()> {
    async fn fetch<'a, D: RowValues>(self, ex: Exec<'a>, labels: Labels) -> Result<Vec<D>> {
        let (sql, values) = ex.dialect().build_query(&self.statement(ex.backend()));
        let rows = ex.read(sql, values, Route::Replica).await?;
        rows.0.decode(&RowsOf::<D>::new(labels))
    }

    /// Every row, as one value or a tuple (one statement).
    pub async fn all<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Vec<R>> {
        self.fetch(ex.into(), Labels::SELECTION).await
    }

    /// The first row, if any.
    pub async fn one<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Option<R>> {
        Ok(self.limit(1).all(ex).await?.pop())
    }

    /// Every row, as a `#[derive(Projection)]` struct `P` whose fields have
    /// the selected types in order (see [`Projection`]).
    pub async fn all_as<'a, P: Projection<R>>(self, ex: impl Into<Exec<'a>>) -> Result<Vec<P>> {
        let labels = Labels {
            model: P::NAME,
            columns: P::FIELDS,
        };
        let rows: Vec<R> = self.fetch(ex.into(), labels).await?;
        Ok(rows.into_iter().map(P::from_row).collect())
    }

    /// The first row as a `P`, if any.
    pub async fn one_as<'a, P: Projection<R>>(self, ex: impl Into<Exec<'a>>) -> Result<Option<P>> {
        Ok(self.limit(1).all_as(ex).await?.pop())
    }
}

impl<M: Model, R, O> Subquery for Projected<M, R, O> {
    type Outer = O;
    fn into_statement(self) -> SelectStatement {
        let mut stmt = self.stmt;
        if self.items.is_empty() {
            // A correlated query with no select list, for `exists`.
            stmt.expr(sea_query::Expr::cust("1"));
        }
        for item in self.items {
            stmt.expr(item.expr);
        }
        stmt
    }
}

impl<M: Model, T: DbType, O> ColumnSubquery<T> for Projected<M, T, O> {}
impl<M: Model, T: DbType, O> ColumnSubquery<T> for Projected<M, Option<T>, O> {}

impl<M: Model> Subquery for Select<M> {
    type Outer = ();
    fn into_statement(self) -> SelectStatement {
        self.stmt
    }
}
