//! PostgreSQL: the defaults (named enum types, comments and index SQL as
//! the server prints it all come from the dialect layer or are the
//! default).

use alembix_schema::Dialect;

use super::DiffDriver;

/// The PostgreSQL comparison rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct Postgres;

impl DiffDriver for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }
}
