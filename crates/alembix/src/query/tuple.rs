//! Select lists: the columns and expressions a query reads instead of whole
//! models, and reading each row of them back into a value or a tuple.

use std::marker::PhantomData;

use alembix_driver::RowDecoder;
#[cfg(feature = "mysql")]
use sqlx::mysql::MySqlRow;
#[cfg(feature = "postgres")]
use sqlx::postgres::PgRow;
#[cfg(feature = "sqlite")]
use sqlx::sqlite::SqliteRow;

use crate::Backend;
use crate::error::{Error, Result};
use crate::expr::{Col, Expr, Source};
use crate::types::DbType;

/// One expression of a select list, ready to be written for a backend.
#[derive(Debug, Clone)]
pub struct SelectItem {
    pub(crate) expr: sea_query::Expr,
    result: fn(sea_query::Expr, Backend) -> sea_query::Expr,
}

impl SelectItem {
    /// The expression as the select list of a query on `backend` reads it.
    pub(crate) fn render(&self, backend: Backend) -> sea_query::Expr {
        (self.result)(self.expr.clone(), backend)
    }
}

/// Something a query can select: a column ([`Col`]) or an expression
/// ([`Expr`]: an aggregate, arithmetic, a scalar subquery), read back as
/// [`Value`](Selectable::Value).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected",
    label = "expected a column or an expression",
    note = "select columns (`Post::title`), aggregates (`count()`, `max(Post::votes)`) or other typed expressions, alone or in a tuple"
)]
pub trait Selectable {
    /// The Rust type the value is read back as.
    type Value: DbType;
    /// The models whose columns it reads (see [`source`](crate::expr::source)).
    type Src;
    /// The expression.
    fn into_item(self) -> SelectItem;
}

fn unchanged(expr: sea_query::Expr, _: Backend) -> sea_query::Expr {
    expr
}

impl<M, T: DbType> Selectable for Col<M, T> {
    type Value = T;
    type Src = M;
    fn into_item(self) -> SelectItem {
        // A column's SQL type is the one its Rust type maps to: no cast.
        SelectItem {
            expr: self.expr(),
            result: unchanged,
        }
    }
}

impl<T: DbType, S> Selectable for Expr<T, S> {
    type Value = T;
    type Src = S;
    fn into_item(self) -> SelectItem {
        SelectItem {
            expr: self.inner,
            result: T::result_expr,
        }
    }
}

/// A select list of a query over the models `Q`: one [`Selectable`], read
/// back as its value, or a tuple of up to eight, read back as a tuple.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a select list of this query",
    label = "expected a column, an expression or a tuple of up to 8 of them, reading only models of `{Q}`",
    note = "every selected column must belong to a model the query includes"
)]
pub trait SelectList<Q, I> {
    /// What each row is read back as.
    type Row: RowValues;
    /// The expressions, in order.
    fn into_items(self) -> Vec<SelectItem>;
}

impl<Q, I, X: Selectable> SelectList<Q, I> for X
where
    X::Src: Source<Q, I>,
{
    type Row = X::Value;
    fn into_items(self) -> Vec<SelectItem> {
        vec![self.into_item()]
    }
}

/// Names for the values of a row in decode errors: the projection's name
/// and field names, or positions.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    pub(crate) model: &'static str,
    pub(crate) columns: &'static [&'static str],
}

const POSITIONS: [&str; 8] = ["1", "2", "3", "4", "5", "6", "7", "8"];

impl Labels {
    /// Values named by their position in the select list.
    pub(crate) const SELECTION: Labels = Labels {
        model: "the selected values",
        columns: &POSITIONS,
    };

    fn wrap(&self, index: usize, err: sqlx::Error) -> Error {
        let column = self
            .columns
            .get(index)
            .or(POSITIONS.get(index))
            .copied()
            .unwrap_or("?");
        Error::decode(self.model, column, err)
    }
}

/// A row of selected values: one [`DbType`], or a tuple of up to eight.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a row of selected values",
    note = "a row is read as one value or as a tuple of up to 8 values whose types implement `DbType`"
)]
pub trait RowValues: Sized {
    #[doc(hidden)]
    #[cfg(feature = "postgres")]
    fn decode_pg(row: &PgRow, labels: Labels) -> Result<Self>;
    #[doc(hidden)]
    #[cfg(feature = "mysql")]
    fn decode_mysql(row: &MySqlRow, labels: Labels) -> Result<Self>;
    #[doc(hidden)]
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(row: &SqliteRow, labels: Labels) -> Result<Self>;
}

impl<T: DbType> RowValues for T {
    #[cfg(feature = "postgres")]
    fn decode_pg(row: &PgRow, labels: Labels) -> Result<Self> {
        T::decode_pg(row, 0).map_err(|e| labels.wrap(0, e))
    }
    #[cfg(feature = "mysql")]
    fn decode_mysql(row: &MySqlRow, labels: Labels) -> Result<Self> {
        T::decode_mysql(row, 0).map_err(|e| labels.wrap(0, e))
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(row: &SqliteRow, labels: Labels) -> Result<Self> {
        T::decode_sqlite(row, 0).map_err(|e| labels.wrap(0, e))
    }
}

macro_rules! tuples {
    ($( ($($t:ident $i:ident $n:tt),+) )*) => {$(
        impl<Q, $($t: Selectable, $i,)+> SelectList<Q, ($($i,)+)> for ($($t,)+)
        where
            $($t::Src: Source<Q, $i>,)+
        {
            type Row = ($($t::Value,)+);
            fn into_items(self) -> Vec<SelectItem> {
                vec![$(self.$n.into_item()),+]
            }
        }

        impl<$($t: DbType),+> RowValues for ($($t,)+) {
            #[cfg(feature = "postgres")]
            fn decode_pg(row: &PgRow, labels: Labels) -> Result<Self> {
                Ok(($($t::decode_pg(row, $n).map_err(|e| labels.wrap($n, e))?,)+))
            }
            #[cfg(feature = "mysql")]
            fn decode_mysql(row: &MySqlRow, labels: Labels) -> Result<Self> {
                Ok(($($t::decode_mysql(row, $n).map_err(|e| labels.wrap($n, e))?,)+))
            }
            #[cfg(feature = "sqlite")]
            fn decode_sqlite(row: &SqliteRow, labels: Labels) -> Result<Self> {
                Ok(($($t::decode_sqlite(row, $n).map_err(|e| labels.wrap($n, e))?,)+))
            }
        }
    )*};
}

tuples! {
    (A IA 0)
    (A IA 0, B IB 1)
    (A IA 0, B IB 1, C IC 2)
    (A IA 0, B IB 1, C IC 2, D ID 3)
    (A IA 0, B IB 1, C IC 2, D ID 3, E IE 4)
    (A IA 0, B IB 1, C IC 2, D ID 3, E IE 4, F IF 5)
    (A IA 0, B IB 1, C IC 2, D ID 3, E IE 4, F IF 5, G IG 6)
    (A IA 0, B IB 1, C IC 2, D ID 3, E IE 4, F IF 5, G IG 6, H IH 7)
}

/// Reads each row as an `R`, naming values with `labels` in errors.
pub(crate) struct RowsOf<R> {
    labels: Labels,
    _row: PhantomData<fn() -> R>,
}

impl<R> RowsOf<R> {
    pub(crate) fn new(labels: Labels) -> Self {
        RowsOf {
            labels,
            _row: PhantomData,
        }
    }
}

impl<R: RowValues> RowDecoder for RowsOf<R> {
    type Output = R;
    type Error = Error;

    #[cfg(feature = "postgres")]
    fn postgres(&self, row: &PgRow) -> Result<R> {
        R::decode_pg(row, self.labels)
    }

    #[cfg(feature = "mysql")]
    fn mysql(&self, row: &MySqlRow) -> Result<R> {
        R::decode_mysql(row, self.labels)
    }

    #[cfg(feature = "sqlite")]
    fn sqlite(&self, row: &SqliteRow) -> Result<R> {
        R::decode_sqlite(row, self.labels)
    }
}

/// A struct read from a row of selected values of types `R` (a tuple, or
/// one value), field by field in order. Derive it with
/// `#[derive(Projection)]` and read rows with
/// [`Projected::all_as`](crate::query::Projected::all_as):
///
/// ```
/// use alembix::{Model, Projection};
/// use alembix::expr::{count, max};
///
/// #[derive(Model, Debug, Clone)]
/// struct Post { id: i64, author_id: i64, votes: i32 }
///
/// #[derive(Projection, Debug, PartialEq)]
/// struct AuthorStats { author_id: i64, posts: i64, top: Option<i32> }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let db = alembix::Db::connect("sqlite::memory:").await?;
/// db.create_all(&[Post::table()]).await?;
/// Post { id: 0, author_id: 7, votes: 3 }.insert(&db).await?;
/// Post { id: 0, author_id: 7, votes: 5 }.insert(&db).await?;
/// let stats: Vec<AuthorStats> = Post::find()
///     .select((Post::author_id, count(), max(Post::votes)))
///     .group_by(Post::author_id)
///     .all_as(&db)
///     .await?;
/// assert_eq!(stats, vec![AuthorStats { author_id: 7, posts: 2, top: Some(5) }]);
/// # Ok::<_, alembix::Error>(()) }).unwrap();
/// ```
///
/// The field types must be the selected types, in order: anything else is
/// a compile error at `all_as`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from the selected values `{R}`",
    label = "the fields of `{Self}` do not have the types `{R}`",
    note = "a #[derive(Projection)] struct reads the selected values in order: its fields must have exactly the selected types"
)]
pub trait Projection<R>: Sized {
    /// The struct's name, for decode errors.
    const NAME: &'static str;
    /// The field names in order, for decode errors.
    const FIELDS: &'static [&'static str];
    /// The struct from the values of one row.
    fn from_row(row: R) -> Self;
}
