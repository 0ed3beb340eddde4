//! MySQL and MariaDB.

use super::{Dialect, SqlDialect};

/// The MySQL and MariaDB dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySql;

impl SqlDialect for MySql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn name(&self) -> &'static str {
        "mysql"
    }

    // DDL commits the transaction it runs in.
    fn transactional_ddl(&self) -> bool {
        false
    }
}
