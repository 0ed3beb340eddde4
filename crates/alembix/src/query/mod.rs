//! Query builders and the statements behind the [`Model`] methods.

mod backend;
mod bulk;
pub(crate) mod cache;
mod select;
mod write;

pub(crate) use bulk::insert_many;
pub use select::{Join, Select};
pub use write::{BindValue, DeleteMany, RawQuery, UpdateMany};
pub(crate) use write::{delete_by_key, find_by_key, insert, save, upsert};

use alembix_schema::Dialect;
use sea_query::{QueryStatementWriter, Values};

use crate::db::Rows;
use crate::error::Result;
use crate::model::Model;

/// Renders a statement for a dialect: SQL text with placeholders, and values.
pub(crate) fn build<S: QueryStatementWriter>(stmt: &S, dialect: Dialect) -> (String, Values) {
    dialect.build_query(stmt)
}

/// Quotes an identifier for a dialect.
pub(crate) fn quote_ident(dialect: Dialect, name: &str) -> String {
    dialect.quote_ident(name)
}

/// The most bind parameters one statement may carry on a dialect.
pub(crate) fn max_params(dialect: Dialect) -> usize {
    dialect.rules().max_bind_params()
}

impl Rows {
    /// Decodes every row into `M`, reading its columns from `base` on.
    pub(crate) fn decode<M: Model>(&self, base: usize) -> Result<Vec<M>> {
        match self {
            Rows::Pg(rows) => rows.iter().map(|r| M::decode_pg(r, base)).collect(),
            Rows::My(rows) => rows.iter().map(|r| M::decode_mysql(r, base)).collect(),
            Rows::Lite(rows) => rows.iter().map(|r| M::decode_sqlite(r, base)).collect(),
        }
    }

    /// Decodes every row into an `M` and a `P` (columns of `P` after those of `M`).
    pub(crate) fn decode_pairs<M: Model, P: Model>(&self) -> Result<Vec<(M, P)>> {
        let base = M::meta().table.columns.len();
        match self {
            Rows::Pg(rows) => rows
                .iter()
                .map(|r| Ok((M::decode_pg(r, 0)?, P::decode_pg(r, base)?)))
                .collect(),
            Rows::My(rows) => rows
                .iter()
                .map(|r| Ok((M::decode_mysql(r, 0)?, P::decode_mysql(r, base)?)))
                .collect(),
            Rows::Lite(rows) => rows
                .iter()
                .map(|r| Ok((M::decode_sqlite(r, 0)?, P::decode_sqlite(r, base)?)))
                .collect(),
        }
    }

    /// The first column of the first row as an `i64`.
    pub(crate) fn scalar_i64(&self) -> Result<i64> {
        use crate::types::DbType;
        let err = || crate::Error::Usage("the query returned no row".into());
        Ok(match self {
            Rows::Pg(rows) => i64::decode_pg(rows.first().ok_or_else(err)?, 0)?,
            Rows::My(rows) => i64::decode_mysql(rows.first().ok_or_else(err)?, 0)?,
            Rows::Lite(rows) => i64::decode_sqlite(rows.first().ok_or_else(err)?, 0)?,
        })
    }
}
