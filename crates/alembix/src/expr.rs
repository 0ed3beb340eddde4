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
//! Comparing a column with a value of another type does not compile.

use std::marker::PhantomData;

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

/// A typed SQL expression whose value has Rust type `T`.
#[derive(Debug, Clone)]
pub struct Expr<T> {
    pub(crate) inner: sea_query::Expr,
    _marker: PhantomData<fn() -> T>,
}

impl<T> Expr<T> {
    fn new(inner: sea_query::Expr) -> Self {
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

/// A boolean condition for `filter`.
#[derive(Debug, Clone)]
pub struct Cond(pub(crate) sea_query::Expr);

impl Cond {
    /// Both conditions.
    pub fn and(self, other: Cond) -> Cond {
        Cond(self.0.and(other.0))
    }
    /// Either condition.
    pub fn or(self, other: Cond) -> Cond {
        Cond(self.0.or(other.0))
    }
    /// The negation.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Cond {
        Cond(self.0.not())
    }
    /// A condition from raw SQL (with `?` placeholders bound to `values`
    /// in order). The SQL is used verbatim: never build it from user input.
    pub fn raw<I>(sql: &'static str, values: I) -> Cond
    where
        I: IntoIterator<Item = sea_query::Value>,
    {
        Cond(sea_query::Expr::cust_with_values(sql, values))
    }
}

impl std::ops::Not for Cond {
    type Output = Cond;
    fn not(self) -> Cond {
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
    /// The operand as an SQL expression.
    fn into_expr(self) -> sea_query::Expr;
}

impl<T: DbType> Operand<T> for T {
    fn into_expr(self) -> sea_query::Expr {
        sea_query::Expr::val(self.to_value())
    }
}

impl<T: DbType> Operand<Option<T>> for T {
    fn into_expr(self) -> sea_query::Expr {
        sea_query::Expr::val(self.to_value())
    }
}

impl Operand<String> for &str {
    fn into_expr(self) -> sea_query::Expr {
        sea_query::Expr::val(self)
    }
}

impl Operand<Option<String>> for &str {
    fn into_expr(self) -> sea_query::Expr {
        sea_query::Expr::val(self)
    }
}

impl<M, T> Operand<T> for Col<M, T> {
    fn into_expr(self) -> sea_query::Expr {
        self.expr()
    }
}

impl<T> Operand<T> for Expr<T> {
    fn into_expr(self) -> sea_query::Expr {
        self.inner
    }
}

/// Ordering of query results.
#[derive(Debug, Clone)]
pub struct OrderBy {
    pub(crate) expr: sea_query::Expr,
    pub(crate) order: sea_query::Order,
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

    fn cmp(self, f: impl FnOnce(sea_query::Expr) -> sea_query::Expr) -> Cond {
        Cond(f(self.expr()))
    }

    /// `col = v`
    pub fn eq(self, v: impl Operand<T>) -> Cond {
        self.cmp(|c| c.eq(v.into_expr()))
    }
    /// `col <> v`
    pub fn ne(self, v: impl Operand<T>) -> Cond {
        self.cmp(|c| c.ne(v.into_expr()))
    }
    /// `col < v`
    pub fn lt(self, v: impl Operand<T>) -> Cond {
        self.cmp(|c| c.lt(v.into_expr()))
    }
    /// `col <= v`
    pub fn le(self, v: impl Operand<T>) -> Cond {
        self.cmp(|c| c.lte(v.into_expr()))
    }
    /// `col > v`
    pub fn gt(self, v: impl Operand<T>) -> Cond {
        self.cmp(|c| c.gt(v.into_expr()))
    }
    /// `col >= v`
    pub fn ge(self, v: impl Operand<T>) -> Cond {
        self.cmp(|c| c.gte(v.into_expr()))
    }
    /// `col BETWEEN low AND high`
    pub fn between(self, low: impl Operand<T>, high: impl Operand<T>) -> Cond {
        self.cmp(|c| c.between(low.into_expr(), high.into_expr()))
    }
    /// `col IN (...)`; an empty list is a condition that is always false.
    pub fn is_in<V: Operand<T>>(self, values: impl IntoIterator<Item = V>) -> Cond {
        let values: Vec<sea_query::Expr> = values.into_iter().map(Operand::into_expr).collect();
        if values.is_empty() {
            return Cond(sea_query::Expr::cust("1 = 0"));
        }
        self.cmp(|c| c.is_in(values))
    }
    /// `col IS NULL`
    pub fn is_null(self) -> Cond {
        self.cmp(|c| c.is_null())
    }
    /// `col IS NOT NULL`
    pub fn is_not_null(self) -> Cond {
        self.cmp(|c| c.is_not_null())
    }
    /// Ascending order.
    pub fn asc(self) -> OrderBy {
        OrderBy {
            expr: self.expr(),
            order: sea_query::Order::Asc,
        }
    }
    /// Descending order.
    pub fn desc(self) -> OrderBy {
        OrderBy {
            expr: self.expr(),
            order: sea_query::Order::Desc,
        }
    }
}

/// Text columns.
pub trait TextColumn {}
impl TextColumn for String {}
impl TextColumn for Option<String> {}

impl<M, T: TextColumn> Col<M, T> {
    /// `col LIKE pattern` (`%` and `_` are wildcards).
    pub fn like(self, pattern: &str) -> Cond {
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
        impl<M, T: Numeric, R: Operand<T>> std::ops::$trait<R> for Col<M, T> {
            type Output = Expr<T>;
            fn $method(self, rhs: R) -> Expr<T> {
                Expr::new(self.expr().$op(rhs.into_expr()))
            }
        }
        impl<T: Numeric, R: Operand<T>> std::ops::$trait<R> for Expr<T> {
            type Output = Expr<T>;
            fn $method(self, rhs: R) -> Expr<T> {
                Expr::new(self.inner.$op(rhs.into_expr()))
            }
        }
    )*};
}
arith!(Add add add, Sub sub sub, Mul mul mul, Div div div);
