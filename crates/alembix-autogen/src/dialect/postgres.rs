//! PostgreSQL: enums are named types.

use alembix_schema::Dialect;

use super::DiffDriver;

/// The PostgreSQL comparison rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct Postgres;

impl DiffDriver for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    /// A named type: the same name is the same type (its labels are
    /// compared as an enum op).
    fn same_enum(&self, a: (&str, &[String]), b: (&str, &[String])) -> bool {
        a.0 == b.0
    }

    fn named_enums(&self) -> bool {
        true
    }
}
