//! SQL text of the statements every model runs most (lookup by key, insert,
//! save, delete by key), rendered once per model and dialect.
//!
//! The rendered text depends only on the model and the dialect, never on the
//! values (all values are bound parameters), so it is built the first time
//! with the first call's values and reused after.

use std::sync::OnceLock;

use alembix_schema::Dialect;

/// The cached statements of one model for one dialect.
#[derive(Debug, Default)]
pub(crate) struct Statements {
    pub find_by_key: OnceLock<String>,
    /// Insert of every column, with `RETURNING` where the backend has it.
    pub insert_given: OnceLock<String>,
    /// Insert without the auto-increment key, with `RETURNING` where the backend has it.
    pub insert_generated: OnceLock<String>,
    pub save: OnceLock<String>,
    pub delete_by_key: OnceLock<String>,
}

/// One [`Statements`] per dialect and `RETURNING` support (which the
/// dialect decides from the server's version at connect: MySQL proper has
/// no `INSERT ... RETURNING`, MariaDB 10.5 and later has).
#[derive(Debug, Default)]
pub(crate) struct StatementCache {
    by_backend: [[Statements; 2]; Dialect::ALL.len()],
}

impl StatementCache {
    pub(crate) fn get(&self, dialect: Dialect, returning: bool) -> &Statements {
        &self.by_backend[dialect as usize][usize::from(returning)]
    }
}
