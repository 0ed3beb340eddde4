//! How a row of a join is read: one part per model (`B`, or `Option<B>` for
//! a left join), or one value per selected column.

use std::marker::PhantomData;

use alembix_driver::RowDecoder;
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
use sqlx::{Row, ValueRef};

use crate::error::{DecodeError, Error, Result};
use crate::model::Model;
use crate::types::DbType;

/// One row of any enabled backend, as the decoders of a join see it.
#[doc(hidden)]
#[non_exhaustive]
pub enum AnyRow<'r> {
    /// A PostgreSQL row.
    #[cfg(feature = "postgres")]
    Postgres(&'r sqlx::postgres::PgRow),
    /// A MySQL or MariaDB row.
    #[cfg(feature = "mysql")]
    MySql(&'r sqlx::mysql::MySqlRow),
    /// A SQLite row.
    #[cfg(feature = "sqlite")]
    Sqlite(&'r sqlx::sqlite::SqliteRow),
    /// Never built: keeps the lifetime when no backend is enabled.
    #[doc(hidden)]
    Never(std::convert::Infallible, PhantomData<&'r ()>),
}

impl AnyRow<'_> {
    /// An `M` from the columns at `base` on.
    fn model<M: Model>(&self, base: usize) -> Result<M> {
        match self {
            #[cfg(feature = "postgres")]
            AnyRow::Postgres(row) => M::decode_pg(row, base),
            #[cfg(feature = "mysql")]
            AnyRow::MySql(row) => M::decode_mysql(row, base),
            #[cfg(feature = "sqlite")]
            AnyRow::Sqlite(row) => M::decode_sqlite(row, base),
            AnyRow::Never(never, _) => match *never {},
        }
    }

    /// Whether column `index` is NULL.
    fn is_null(&self, index: usize) -> Result<bool, DecodeError> {
        Ok(match self {
            #[cfg(feature = "postgres")]
            AnyRow::Postgres(row) => row.try_get_raw(index)?.is_null(),
            #[cfg(feature = "mysql")]
            AnyRow::MySql(row) => row.try_get_raw(index)?.is_null(),
            #[cfg(feature = "sqlite")]
            AnyRow::Sqlite(row) => row.try_get_raw(index)?.is_null(),
            AnyRow::Never(never, _) => match *never {},
        })
    }

    /// Column `index` as a `T`.
    fn value<T: DbType>(&self, index: usize) -> Result<T, DecodeError> {
        match self {
            #[cfg(feature = "postgres")]
            AnyRow::Postgres(row) => T::decode_pg(row, index),
            #[cfg(feature = "mysql")]
            AnyRow::MySql(row) => T::decode_mysql(row, index),
            #[cfg(feature = "sqlite")]
            AnyRow::Sqlite(row) => T::decode_sqlite(row, index),
            AnyRow::Never(never, _) => match *never {},
        }
    }
}

/// One model of a join's row: the model itself (inner join), or
/// `Option<M>` (left join), `None` when the joined row is missing.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model of a join's row",
    note = "a join's row holds each joined model `M`, or `Option<M>` for a left join"
)]
pub trait Part: Sized + Send + 'static {
    /// The model read.
    type Model: Model;
    #[doc(hidden)]
    fn read(row: &AnyRow<'_>, base: usize) -> Result<Self>;
}

impl<M: Model> Part for M {
    type Model = M;
    fn read(row: &AnyRow<'_>, base: usize) -> Result<M> {
        row.model(base)
    }
}

impl<M: Model> Part for Option<M> {
    type Model = M;
    /// `None` when the model's primary key (every column, for a model
    /// without one) is NULL: the outer join found no row.
    fn read(row: &AnyRow<'_>, base: usize) -> Result<Option<M>> {
        let meta = M::meta();
        let probe: Vec<usize> = match meta.primary_key.first() {
            Some(&pk) => vec![pk],
            None => (0..meta.table.columns.len()).collect(),
        };
        for i in probe {
            let null = row
                .is_null(base + i)
                .map_err(|e| Error::decode(meta.rust_name, column_name(meta, i), e))?;
            if !null {
                return row.model(base).map(Some);
            }
        }
        Ok(None)
    }
}

fn column_name(meta: &'static crate::model::ModelMeta, i: usize) -> &'static str {
    meta.table.columns[i].name.as_str()
}

/// The shape of a join's rows: what one row is read into.
///
/// Implemented by tuples of [`Part`]s (`(A, B, Option<C>)`, two to five
/// models) and by the shapes of a column selection
/// ([`Joined::columns`](super::Joined::columns)).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the row of a join",
    note = "a join's rows are tuples of its models, or the values of the columns it selects"
)]
pub trait RowShape: Send + 'static {
    /// One row.
    type Output: Send + 'static;
    #[doc(hidden)]
    fn read(row: &AnyRow<'_>, names: &[Name]) -> Result<Self::Output>;
}

/// The model and column names of a selected value, for decode errors.
#[doc(hidden)]
pub type Name = (&'static str, &'static str);

macro_rules! model_rows {
    ($($P:ident)+) => {
        impl<$($P: Part),+> RowShape for ($($P,)+) {
            type Output = Self;
            #[allow(unused_assignments)]
            fn read(row: &AnyRow<'_>, _names: &[Name]) -> Result<Self> {
                let mut base = 0;
                Ok(($({
                    let part = $P::read(row, base)?;
                    base += <$P::Model as Model>::meta().table.columns.len();
                    part
                },)+))
            }
        }
    };
}
model_rows!(A);
model_rows!(A B);
model_rows!(A B C);
model_rows!(A B C D);
model_rows!(A B C D E);

/// The rows of a selection of one value of type `T`.
pub struct One<T>(PhantomData<fn() -> T>);

/// The rows of a selection of several values, `T` being their tuple.
pub struct Many<T>(PhantomData<fn() -> T>);

fn value<T: DbType>(row: &AnyRow<'_>, names: &[Name], i: usize) -> Result<T> {
    row.value(i).map_err(|e| {
        let (model, column) = names.get(i).copied().unwrap_or(("the selection", "?"));
        Error::decode(model, column, e)
    })
}

impl<T: DbType> RowShape for One<T> {
    type Output = T;
    fn read(row: &AnyRow<'_>, names: &[Name]) -> Result<T> {
        value(row, names, 0)
    }
}

macro_rules! value_rows {
    ($($T:ident $i:tt)+) => {
        impl<$($T: DbType),+> RowShape for Many<($($T,)+)> {
            type Output = ($($T,)+);
            fn read(row: &AnyRow<'_>, names: &[Name]) -> Result<Self::Output> {
                Ok(($(value::<$T>(row, names, $i)?,)+))
            }
        }
    };
}
value_rows!(A 0);
value_rows!(A 0 B 1);
value_rows!(A 0 B 1 C 2);
value_rows!(A 0 B 1 C 2 D 3);
value_rows!(A 0 B 1 C 2 D 3 E 4);
value_rows!(A 0 B 1 C 2 D 3 E 4 F 5);

/// Reads rows of shape `R`.
pub(crate) struct ShapeDecoder<R> {
    pub(crate) names: Vec<Name>,
    pub(crate) shape: PhantomData<fn() -> R>,
}

impl<R: RowShape> RowDecoder for ShapeDecoder<R> {
    type Output = R::Output;
    type Error = Error;

    #[cfg(feature = "postgres")]
    fn postgres(&self, row: &sqlx::postgres::PgRow) -> Result<R::Output> {
        R::read(&AnyRow::Postgres(row), &self.names)
    }

    #[cfg(feature = "mysql")]
    fn mysql(&self, row: &sqlx::mysql::MySqlRow) -> Result<R::Output> {
        R::read(&AnyRow::MySql(row), &self.names)
    }

    #[cfg(feature = "sqlite")]
    fn sqlite(&self, row: &sqlx::sqlite::SqliteRow) -> Result<R::Output> {
        R::read(&AnyRow::Sqlite(row), &self.names)
    }
}
