//! The backends' [`OnlineDdl`] implementations: how each writes ops on
//! tables that exist before a revision without blocking them (see
//! [`crate::plan::render_staged`]).

mod mysql;
mod postgres;
mod postgres_fill;

use super::{Dialect, MySql, Postgres};
use crate::plan::OnlineDdl;

impl Dialect {
    /// The backend's online forms, or `None` where it has none (SQLite,
    /// whose `ALTER`s are table rebuilds in one transaction).
    ///
    /// ```
    /// use alembix_schema::{Dialect, plan::OnlineDdl};
    /// assert_eq!(Dialect::Postgres.online().unwrap().target(), Dialect::Postgres);
    /// assert!(Dialect::Sqlite.online().is_none());
    /// ```
    pub fn online(self) -> Option<&'static dyn OnlineDdl> {
        match self {
            Dialect::Postgres => Some(&Postgres),
            Dialect::MySql => Some(&MySql),
            Dialect::Sqlite => None,
        }
    }
}
