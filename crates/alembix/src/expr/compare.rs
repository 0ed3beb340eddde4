//! Comparisons and orderings of expressions (aggregates, arithmetic, scalar
//! subqueries), as columns have them.

use sea_query::ExprTrait;

use super::{Cond, Expr, Merge, Operand, OrderBy};

macro_rules! comparisons {
    ($($(#[$doc:meta])* $name:ident $op:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name<V: Operand<T>>(self, v: V) -> Cond<<V::Src as Merge<S>>::Out>
        where
            V::Src: Merge<S>,
        {
            Cond::new(self.inner.$op(v.into_expr()))
        }
    )*};
}

/// Comparisons of an expression of type `T` with a value, column or
/// expression of type `T`:
///
/// ```
/// # use alembix::Model;
/// use alembix::expr::{count, max};
/// # #[derive(Model, Debug, Clone)] struct Post { id: i64, author_id: i64, votes: i32 }
/// let q = Post::find()
///     .select((Post::author_id, count()))
///     .group_by(Post::author_id)
///     .having(count().ge(2).and(max(Post::votes).gt(10)))
///     .order_by(count().desc());
/// # let _ = q;
/// ```
impl<T, S> Expr<T, S> {
    comparisons! {
        /// `expr = v`
        eq eq;
        /// `expr <> v`
        ne ne;
        /// `expr < v`
        lt lt;
        /// `expr <= v`
        le lte;
        /// `expr > v`
        gt gt;
        /// `expr >= v`
        ge gte;
    }

    /// `expr IS NULL`
    pub fn is_null(self) -> Cond<S> {
        Cond::new(self.inner.is_null())
    }
    /// `expr IS NOT NULL`
    pub fn is_not_null(self) -> Cond<S> {
        Cond::new(self.inner.is_not_null())
    }
    /// Ascending order.
    pub fn asc(self) -> OrderBy<S> {
        OrderBy::new(self.inner, sea_query::Order::Asc)
    }
    /// Descending order.
    pub fn desc(self) -> OrderBy<S> {
        OrderBy::new(self.inner, sea_query::Order::Desc)
    }
}

/// A nullable expression (`max(..)`, a scalar subquery) compares with a
/// column or value of the non-null type: where it is NULL the comparison is
/// unknown, and a filter leaves the row out.
impl<T, S> Operand<T> for Expr<Option<T>, S> {
    type Src = S;
    fn into_expr(self) -> sea_query::Expr {
        self.inner
    }
}
