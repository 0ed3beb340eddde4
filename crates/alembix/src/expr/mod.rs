//! Typed columns, expressions and conditions.
//!
//! The derive gives each model one constant per field, named like the field,
//! whose type carries the model and the field's Rust type:
//!
//! ```
//! # use alembix::Model;
//! #[derive(Model, Debug, Clone)]
//! struct Counter { id: i64, value: i32 }
//!
//! let cond = Counter::value.gt(10).and(Counter::id.is_in([1, 2, 3]));
//! let next = Counter::value + 1; // an expression, for `update_many().set(..)`
//! # let _ = (cond, next);
//! ```
//!
//! Comparing a column with a value of another type does not compile, and
//! neither does using a column of a model the query does not include (see
//! [`source`]).

use std::marker::PhantomData;

pub mod aggregate;
mod compare;
pub mod source;
pub mod subquery;
pub use aggregate::{avg, count, count_distinct, max, min, sum};
pub use source::{And, Merge, Source};
pub use subquery::{exists, not_exists};

use sea_query::{ExprTrait, IntoIden};

use crate::types::DbType;

/// A column of model `M` holding Rust values of type `T`.
pub struct Col<M, T> {
    table: &'static str,
    name: &'static str,
    index: usize,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Col<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, T> Copy for Col<M, T> {}

impl<M, T> std::fmt::Debug for Col<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.table, self.name)
    }
}

/// A typed SQL expression whose value has Rust type `T`, reading the
/// columns of the models in `S` (see [`source`]).
#[derive(Debug, Clone)]
pub struct Expr<T, S = ()> {
    pub(crate) inner: sea_query::Expr,
    _marker: PhantomData<fn() -> (T, S)>,
}

impl<T, S> Expr<T, S> {
    pub(crate) fn new(inner: sea_query::Expr) -> Self {
        Expr {
            inner,
            _marker: PhantomData,
        }
    }

    /// The underlying sea-query expression.
    pub fn into_inner(self) -> sea_query::Expr {
        self.inner
    }
}

impl<T> Expr<T> {
    /// An expression of type `T` from raw SQL (with `?` placeholders bound
    /// to `values` in order), for SQL functions the typed API lacks. The
    /// SQL is used verbatim, never build it from user input; Alembix trusts
    /// it to have type `T`.
    ///
    /// ```
    /// # use alembix::{Expr, Model};
    /// # #[derive(Model, Debug, Clone)] struct User { id: i64, name: String }
    /// let name_length: Expr<i32> = Expr::raw("LENGTH(name)", []);
    /// let q = User::find().select((User::id, name_length));
    /// # let _ = q;
    /// ```
    pub fn raw<I>(sql: &'static str, values: I) -> Expr<T>
    where
        I: IntoIterator<Item = sea_query::Value>,
    {
        Expr::new(sea_query::Expr::cust_with_values(sql, values))
    }
}

/// A boolean condition for `filter`, reading the columns of the models in
/// `S` (see [`source`]): a query accepts it only when it includes them.
///
/// ```
/// # use alembix::{Cond, Model};
/// # #[derive(Model, Debug, Clone)] struct Post { id: i64, votes: i32, draft: bool }
/// fn popular() -> Cond<Post> {
///     Post::votes.ge(100)
/// }
/// let q = Post::find().filter(popular().and(Post::draft.eq(false)));
/// # let _ = q;
/// ```
#[derive(Debug, Clone)]
pub struct Cond<S = ()>(pub(crate) sea_query::Expr, PhantomData<fn() -> S>);

impl Cond {
    /// A condition from raw SQL (with `?` placeholders bound to `values`
    /// in order). The SQL is used verbatim: never build it from user input.
    pub fn raw<I>(sql: &'static str, values: I) -> Cond
    where
        I: IntoIterator<Item = sea_query::Value>,
    {
        Cond::new(sea_query::Expr::cust_with_values(sql, values))
    }
}

impl<S> Cond<S> {
    pub(crate) fn new(expr: sea_query::Expr) -> Self {
        Cond(expr, PhantomData)
    }
    /// Both conditions.
    pub fn and<T: Merge<S>>(self, other: Cond<T>) -> Cond<T::Out> {
        Cond::new(self.0.and(other.0))
    }
    /// Either condition.
    pub fn or<T: Merge<S>>(self, other: Cond<T>) -> Cond<T::Out> {
        Cond::new(self.0.or(other.0))
    }
    /// The negation.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Cond<S> {
        Cond::new(self.0.not())
    }
    /// The underlying sea-query expression.
    pub fn into_inner(self) -> sea_query::Expr {
        self.0
    }
}

impl<S> std::ops::Not for Cond<S> {
    type Output = Cond<S>;
    fn not(self) -> Cond<S> {
        Cond::not(self)
    }
}

/// Something that can stand on the right of a comparison with a column of
/// type `T`: a value of type `T`, another column of type `T`, or an
/// expression of type `T`.
#[diagnostic::on_unimplemented(
    message = "cannot compare a column of type `{T}` with a value of type `{Self}`",
    label = "expected a value of type `{T}`",
    note = "columns can only be compared with values, columns or expressions of the same Rust type"
)]
pub trait Operand<T> {
    /// The models whose columns the operand reads (`()` for a value).
    type Src;
    /// The operand as an SQL expression.
    fn into_expr(self) -> sea_query::Expr;
}

impl<T: DbType> Operand<T> for T {
    type Src = ();
    fn into_expr(self) -> sea_query::Expr {
        sea_query::Expr::val(self.to_value())
    }
}

impl<T: DbType> Operand<Option<T>> for T {
    type Src = ();
    fn into_expr(self) -> sea_query::Expr {
        sea_query::Expr::val(self.to_value())
    }
}

impl Operand<String> for &str {
    type Src = ();
    fn into_expr(self) -> sea_query::Expr {
        sea_query::Expr::val(self)
    }
}

impl Operand<Option<String>> for &str {
    type Src = ();
    fn into_expr(self) -> sea_query::Expr {
        sea_query::Expr::val(self)
    }
}

impl<M, T> Operand<T> for Col<M, T> {
    type Src = M;
    fn into_expr(self) -> sea_query::Expr {
        self.expr()
    }
}

impl<T, S> Operand<T> for Expr<T, S> {
    type Src = S;
    fn into_expr(self) -> sea_query::Expr {
        self.inner
    }
}

/// Ordering of query results, by the columns of the models in `S`.
#[derive(Debug, Clone)]
pub struct OrderBy<S = ()> {
    pub(crate) expr: sea_query::Expr,
    pub(crate) order: sea_query::Order,
    _source: PhantomData<fn() -> S>,
}

impl<S> OrderBy<S> {
    pub(crate) fn new(expr: sea_query::Expr, order: sea_query::Order) -> Self {
        OrderBy {
            expr,
            order,
            _source: PhantomData,
        }
    }
}

impl<M, T> Col<M, T> {
    #[doc(hidden)]
    pub const fn new(table: &'static str, name: &'static str, index: usize) -> Self {
        Col {
            table,
            name,
            index,
            _marker: PhantomData,
        }
    }

    /// The column's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The table's name.
    pub fn table(&self) -> &'static str {
        self.table
    }

    /// The position of the column in the model.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The column as a table-qualified sea-query expression.
    pub fn expr(&self) -> sea_query::Expr {
        sea_query::Expr::col((self.table.into_iden(), self.name.into_iden()))
    }

    fn cmp(self, f: impl FnOnce(sea_query::Expr) -> sea_query::Expr) -> Cond<M> {
        Cond::new(f(self.expr()))
    }

    fn cmp_with<V: Operand<T>>(
        self,
        v: V,
        f: impl FnOnce(sea_query::Expr, sea_query::Expr) -> sea_query::Expr,
    ) -> Cond<<V::Src as Merge<M>>::Out>
    where
        V::Src: Merge<M>,
    {
        Cond::new(f(self.expr(), v.into_expr()))
    }

    /// `col = v`
    pub fn eq<V: Operand<T>>(self, v: V) -> Cond<<V::Src as Merge<M>>::Out>
    where
        V::Src: Merge<M>,
    {
        self.cmp_with(v, |c, v| c.eq(v))
    }
    /// `col <> v`
    pub fn ne<V: Operand<T>>(self, v: V) -> Cond<<V::Src as Merge<M>>::Out>
    where
        V::Src: Merge<M>,
    {
        self.cmp_with(v, |c, v| c.ne(v))
    }
    /// `col < v`
    pub fn lt<V: Operand<T>>(self, v: V) -> Cond<<V::Src as Merge<M>>::Out>
    where
        V::Src: Merge<M>,
    {
        self.cmp_with(v, |c, v| c.lt(v))
    }
    /// `col <= v`
    pub fn le<V: Operand<T>>(self, v: V) -> Cond<<V::Src as Merge<M>>::Out>
    where
        V::Src: Merge<M>,
    {
        self.cmp_with(v, |c, v| c.lte(v))
    }
    /// `col > v`
    pub fn gt<V: Operand<T>>(self, v: V) -> Cond<<V::Src as Merge<M>>::Out>
    where
        V::Src: Merge<M>,
    {
        self.cmp_with(v, |c, v| c.gt(v))
    }
    /// `col >= v`
    pub fn ge<V: Operand<T>>(self, v: V) -> Cond<<V::Src as Merge<M>>::Out>
    where
        V::Src: Merge<M>,
    {
        self.cmp_with(v, |c, v| c.gte(v))
    }
    /// `col BETWEEN low AND high`
    pub fn between<V: Operand<T, Src = ()>>(self, low: V, high: V) -> Cond<M> {
        self.cmp(|c| c.between(low.into_expr(), high.into_expr()))
    }
    /// `col IN (...)`; an empty list is a condition that is always false.
    pub fn is_in<V: Operand<T, Src = ()>>(self, values: impl IntoIterator<Item = V>) -> Cond<M> {
        let values: Vec<sea_query::Expr> = values.into_iter().map(Operand::into_expr).collect();
        if values.is_empty() {
            return Cond::new(sea_query::Expr::cust("1 = 0"));
        }
        self.cmp(|c| c.is_in(values))
    }
    /// `col IS NULL`
    pub fn is_null(self) -> Cond<M> {
        self.cmp(|c| c.is_null())
    }
    /// `col IS NOT NULL`
    pub fn is_not_null(self) -> Cond<M> {
        self.cmp(|c| c.is_not_null())
    }
    /// Ascending order.
    pub fn asc(self) -> OrderBy<M> {
        OrderBy::new(self.expr(), sea_query::Order::Asc)
    }
    /// Descending order.
    pub fn desc(self) -> OrderBy<M> {
        OrderBy::new(self.expr(), sea_query::Order::Desc)
    }
}

/// Text columns.
pub trait TextColumn {}
impl TextColumn for String {}
impl TextColumn for Option<String> {}

impl<M, T: TextColumn> Col<M, T> {
    /// `col LIKE pattern` (`%` and `_` are wildcards).
    pub fn like(self, pattern: &str) -> Cond<M> {
        self.cmp(|c| c.like(pattern))
    }
}

/// Numeric types, which support `+ - * /` in expressions.
pub trait Numeric {}
macro_rules! numeric {
    ($($t:ty),*) => {$( impl Numeric for $t {} impl Numeric for Option<$t> {} )*};
}
numeric!(i16, i32, i64, f32, f64, rust_decimal::Decimal);

macro_rules! arith {
    ($($trait:ident $method:ident $op:ident),*) => {$(
        impl<M, T: Numeric, R: Operand<T>> std::ops::$trait<R> for Col<M, T>
        where
            R::Src: Merge<M>,
        {
            type Output = Expr<T, <R::Src as Merge<M>>::Out>;
            fn $method(self, rhs: R) -> Self::Output {
                Expr::new(self.expr().$op(rhs.into_expr()))
            }
        }
        impl<T: Numeric, S, R: Operand<T>> std::ops::$trait<R> for Expr<T, S>
        where
            R::Src: Merge<S>,
        {
            type Output = Expr<T, <R::Src as Merge<S>>::Out>;
            fn $method(self, rhs: R) -> Self::Output {
                Expr::new(self.inner.$op(rhs.into_expr()))
            }
        }
    )*};
}
arith!(Add add add, Sub sub sub, Mul mul mul, Div div div);
