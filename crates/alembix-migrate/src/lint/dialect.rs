//! The one place lint chooses by backend: which sqlparser dialect reads a
//! statement. Which rules apply where is asked of the dialect layer's
//! capabilities.

use alembix_schema::Dialect;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};

/// sqlparser's dialect for a backend.
pub(crate) fn parser_dialect(dialect: Dialect) -> Box<dyn sqlparser::dialect::Dialect> {
    match dialect {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::MySql => Box::new(MySqlDialect {}),
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
    }
}
