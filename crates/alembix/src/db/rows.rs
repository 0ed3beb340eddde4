//! Rows fetched by a query, read into models.

use std::marker::PhantomData;

use alembix_driver::RowDecoder;

use crate::error::{Error, Result};
use crate::model::Model;

/// Rows fetched from one backend.
pub(crate) struct Rows(pub(crate) alembix_driver::Rows);

/// Reads an `M` from a row, its columns from `base` on.
pub(crate) struct ModelAt<M> {
    base: usize,
    model: PhantomData<fn() -> M>,
}

impl<M> ModelAt<M> {
    pub(crate) fn new(base: usize) -> Self {
        ModelAt {
            base,
            model: PhantomData,
        }
    }
}

impl<M: Model> RowDecoder for ModelAt<M> {
    type Output = M;
    type Error = Error;

    #[cfg(feature = "postgres")]
    fn postgres(&self, row: &sqlx::postgres::PgRow) -> Result<M> {
        M::decode_pg(row, self.base)
    }

    #[cfg(feature = "mysql")]
    fn mysql(&self, row: &sqlx::mysql::MySqlRow) -> Result<M> {
        M::decode_mysql(row, self.base)
    }

    #[cfg(feature = "sqlite")]
    fn sqlite(&self, row: &sqlx::sqlite::SqliteRow) -> Result<M> {
        M::decode_sqlite(row, self.base)
    }
}

impl Rows {
    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Decodes every row into `M`, reading its columns from `base` on.
    pub(crate) fn decode<M: Model>(&self, base: usize) -> Result<Vec<M>> {
        self.0.decode(&ModelAt::<M>::new(base))
    }

    /// The first column of the first row as an `i64`.
    pub(crate) fn scalar_i64(&self) -> Result<i64> {
        if self.0.is_empty() {
            return Err(Error::Usage("the query returned no row".into()));
        }
        Ok(self.0.get_i64(0, 0)?)
    }
}
