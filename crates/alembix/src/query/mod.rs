//! Query builders and the statements behind the [`Model`](crate::Model) methods.

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
    dialect.caps().max_bind_params
}
