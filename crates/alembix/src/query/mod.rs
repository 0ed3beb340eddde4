//! Query builders and the statements behind the [`Model`](crate::Model) methods.

pub(crate) mod cache;
mod select;
mod write;

pub use select::{Join, Select};
pub use write::{BindValue, DeleteMany, RawQuery, UpdateMany};
pub(crate) use write::{delete_by_key, find_by_key, insert, insert_many, save, upsert};

use alembix_schema::Dialect;
use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryStatementWriter, SqliteQueryBuilder, Values,
};

/// Renders a statement for a dialect: SQL text with placeholders, and values.
pub(crate) fn build<S: QueryStatementWriter>(stmt: &S, dialect: Dialect) -> (String, Values) {
    match dialect {
        Dialect::Postgres => stmt.build(PostgresQueryBuilder),
        Dialect::MySql => stmt.build(MysqlQueryBuilder),
        Dialect::Sqlite => stmt.build(SqliteQueryBuilder),
    }
}

/// Quotes an identifier for a dialect.
pub(crate) fn quote_ident(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// The most bind parameters one statement may carry on a dialect.
pub(crate) fn max_params(dialect: Dialect) -> usize {
    match dialect {
        Dialect::Postgres | Dialect::MySql => 65_535,
        Dialect::Sqlite => 32_766,
    }
}
