//! Aggregate functions: `count()`, `count_distinct`, `sum`, `avg`, `min`
//! and `max` as typed [`Expr`]s, for the select list, `having` and
//! `order_by` of a grouped query.
//!
//! Their result types are the same on every backend:
//!
//! | Function | Argument | Result |
//! | --- | --- | --- |
//! | [`count()`] | — | `i64` |
//! | [`count_distinct`] | any column or expression | `i64` |
//! | [`sum`] | `i16`, `i32`, `i64` | `Option<i64>` |
//! | [`sum`] | `f32`, `f64` | `Option<f64>` |
//! | [`sum`] | `Decimal` | `Option<Decimal>` |
//! | [`avg`] | any number | `Option<f64>` |
//! | [`min`], [`max`] | `T` or `Option<T>` | `Option<T>` |
//!
//! `sum`, `avg`, `min` and `max` are `None` over no rows (or only NULLs).
//! The backends disagree on the SQL types (PostgreSQL's `sum(bigint)` is
//! `numeric`, MySQL/MariaDB's `SUM` of integers is `DECIMAL`, its `AVG` of
//! integers a `DECIMAL` rounded to 4 places), so the SQL is written for the
//! Rust type: `avg` averages its argument as a double (so it is not rounded
//! on MySQL/MariaDB), and a selected `i64` or `f64` expression is cast to
//! the backend's type for it (see [`DbType::result_expr`]). A sum of `i64`
//! that does not fit an `i64` is an error, not a wrong number. On SQLite,
//! where `Decimal` is stored as text, `sum` of decimals is computed in
//! floating point and `min`/`max` of decimals compare them as text.
//!
//! ```
//! use alembix::Model;
//! use alembix::expr::{avg, count, sum};
//!
//! #[derive(Model, Debug, Clone)]
//! struct Post { id: i64, author_id: i64, votes: i32 }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let db = alembix::Db::connect("sqlite::memory:").await?;
//! db.create_all(&[Post::table()]).await?;
//! for (author_id, votes) in [(1, 4), (1, 5), (2, 1)] {
//!     Post { id: 0, author_id, votes }.insert(&db).await?;
//! }
//! let rows: Vec<(i64, i64, Option<i64>, Option<f64>)> = Post::find()
//!     .select((Post::author_id, count(), sum(Post::votes), avg(Post::votes)))
//!     .group_by(Post::author_id)
//!     .having(count().gt(1))
//!     .all(&db)
//!     .await?;
//! assert_eq!(rows, vec![(1, 2, Some(9), Some(4.5))]);
//! # Ok::<_, alembix::Error>(()) }).unwrap();
//! ```

use sea_query::{ExprTrait, Func};

use super::Expr;
use crate::query::Selectable;
use crate::types::DbType;

/// `COUNT(*)`: the number of rows (of each group).
pub fn count() -> Expr<i64, ()> {
    Expr::new(Func::count(sea_query::Expr::cust("*")).into())
}

/// `COUNT(DISTINCT x)`: the number of distinct non-NULL values of `x`.
pub fn count_distinct<X: Selectable>(x: X) -> Expr<i64, X::Src> {
    Expr::new(Func::count_distinct(x.into_item().expr).into())
}

/// `SUM(x)`; see the [module docs](self) for its type.
pub fn sum<X: Selectable>(x: X) -> Expr<<X::Value as Summable>::Sum, X::Src>
where
    X::Value: Summable,
{
    Expr::new(Func::sum(x.into_item().expr).into())
}

/// `AVG(x)` as a double; see the [module docs](self).
pub fn avg<X: Selectable>(x: X) -> Expr<Option<f64>, X::Src>
where
    X::Value: Summable,
{
    // Multiplying by a bound double makes every backend average doubles.
    let as_double = x.into_item().expr.mul(sea_query::Expr::val(1.0f64));
    Expr::new(Func::avg(as_double).into())
}

/// `MIN(x)`: the smallest value, `None` over no rows.
pub fn min<X: Selectable>(x: X) -> Expr<<X::Value as Nullable>::Nullable, X::Src>
where
    X::Value: Nullable,
{
    Expr::new(Func::min(x.into_item().expr).into())
}

/// `MAX(x)`: the largest value, `None` over no rows.
pub fn max<X: Selectable>(x: X) -> Expr<<X::Value as Nullable>::Nullable, X::Src>
where
    X::Value: Nullable,
{
    Expr::new(Func::max(x.into_item().expr).into())
}

/// Numbers [`sum`] and [`avg`] accept, and the type of their sum.
#[diagnostic::on_unimplemented(
    message = "`sum` and `avg` need a number, not `{Self}`",
    note = "sum and avg accept columns and expressions of i16, i32, i64, f32, f64 and Decimal (or Option of them)"
)]
pub trait Summable {
    /// The type of the sum.
    type Sum: DbType;
}

macro_rules! summable {
    ($($t:ty => $sum:ty),*) => {$(
        impl Summable for $t { type Sum = Option<$sum>; }
        impl Summable for Option<$t> { type Sum = Option<$sum>; }
    )*};
}
summable!(i16 => i64, i32 => i64, i64 => i64, f32 => f64, f64 => f64,
    rust_decimal::Decimal => rust_decimal::Decimal);

/// Types [`min`] and [`max`] accept, with the type that adds NULL to them.
#[diagnostic::on_unimplemented(
    message = "`min` and `max` are not available for `{Self}`",
    note = "min and max accept numbers, strings, dates and times, decimals and UUIDs (or Option of them)"
)]
pub trait Nullable {
    /// `Option<Self>`, or `Self` if it is an `Option` already.
    type Nullable: DbType;
}

macro_rules! nullable {
    ($($t:ty),*) => {$(
        impl Nullable for $t { type Nullable = Option<$t>; }
        impl Nullable for Option<$t> { type Nullable = Option<$t>; }
    )*};
}
nullable!(
    i16,
    i32,
    i64,
    f32,
    f64,
    String,
    rust_decimal::Decimal,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>,
    uuid::Uuid
);
