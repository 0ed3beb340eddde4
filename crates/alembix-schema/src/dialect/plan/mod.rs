//! The backends' [`StatefulRender`] implementations: how each renders a
//! list of ops against the schema they start from (see [`crate::plan`]).

mod mysql;
mod postgres;
mod sqlite;

use super::{Dialect, MySql, Postgres, Sqlite};
use crate::plan::StatefulRender;

impl Dialect {
    /// The backend's stateful rendering of op lists (used by
    /// [`crate::render_plan`]).
    ///
    /// ```
    /// use alembix_schema::{Dialect, StatefulRender};
    /// assert_eq!(Dialect::Sqlite.stateful().target(), Dialect::Sqlite);
    /// ```
    pub fn stateful(self) -> &'static dyn StatefulRender {
        match self {
            Dialect::Postgres => &Postgres,
            Dialect::MySql => &MySql,
            Dialect::Sqlite => &Sqlite,
        }
    }
}
