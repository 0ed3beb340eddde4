//! Rendering a list of ops with the schema they run against.
//!
//! [`render_op`] renders one op on its own. Some ops render differently
//! depending on what the database already holds, so a list of ops is
//! rendered by walking it with the schema as it stands before each op
//! ([`Schema::apply`]):
//!
//! - SQLite: what `ALTER TABLE` cannot do (change a column, add or drop keys,
//!   constraints and checks) is a table rebuild; every such op of one table
//!   folds into one rebuild from the table before the first of them to the
//!   table after the last, and the plan needs its own transaction handling
//!   (see [`RenderedPlan::own_transaction`]).
//! - MySQL/MariaDB: dropping a foreign key also drops the index InnoDB made
//!   for it, when no other index serves the key's columns.
//! - PostgreSQL: removing enum labels recreates the type and converts every
//!   column using it.
//!
//! The per-backend part is the [`StatefulRender`] trait, implemented for
//! [`crate::dialect::Postgres`], [`crate::dialect::MySql`] and
//! [`crate::dialect::Sqlite`]; [`render_plan`] picks the one for a
//! [`Dialect`].
//!
//! [`render_staged`] renders the same list with each statement's step, and
//! with `online_ddl` the online forms of ops on existing tables (the
//! backend's [`OnlineDdl`]; what each backend writes is listed there).

use crate::apply::IndexedSchema;
use crate::dialect::Dialect;
use crate::model::Schema;
use crate::op::Op;
use crate::render::{RenderError, render_op};

/// The statements of a list of ops, per op.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderedPlan {
    /// For each op, in order, the statements that carry it out (no
    /// trailing `;`). An op folded into a SQLite rebuild that an earlier op
    /// of the same table carries has none.
    pub statements: Vec<Vec<String>>,
    /// True when the statements cannot run in the transaction a migration
    /// runner opens around them: a SQLite rebuild must turn
    /// `PRAGMA foreign_keys` off, which has no effect inside a transaction,
    /// so the revision holds its own `BEGIN`/`COMMIT`.
    pub own_transaction: bool,
}

impl RenderedPlan {
    /// Every statement, in order.
    ///
    /// ```
    /// use alembix_schema::RenderedPlan;
    /// let plan = RenderedPlan {
    ///     statements: vec![vec!["A".into()], vec![], vec!["B".into(), "C".into()]],
    ///     own_transaction: false,
    /// };
    /// assert_eq!(plan.flat(), ["A", "B", "C"]);
    /// ```
    pub fn flat(&self) -> Vec<&str> {
        self.statements
            .iter()
            .flatten()
            .map(String::as_str)
            .collect()
    }
}

/// How a backend renders a list of ops given the schema they start from.
///
/// The defaults render each op on its own ([`render_op`]) while tracking
/// the schema; a backend overrides [`StatefulRender::render_with_state`]
/// when one op's SQL depends on the schema, or
/// [`StatefulRender::render_plan`] when ops combine (SQLite rebuilds).
pub trait StatefulRender: Send + Sync + std::fmt::Debug {
    /// The backend this renders for.
    fn target(&self) -> Dialect;

    /// The statements of one op, run against `state` (the schema before it).
    fn render_with_state(&self, op: &Op, state: &Schema) -> Result<Vec<String>, RenderError> {
        let _ = state;
        render_op(op, self.target())
    }

    /// The statements of every op, the first one running against `start`.
    fn render_plan(&self, ops: &[Op], start: &Schema) -> Result<RenderedPlan, RenderError> {
        if let [op] = ops {
            // One op needs no schema of its own to move past it: callers
            // walking long lists op by op would copy the schema each time.
            return Ok(RenderedPlan {
                statements: vec![self.render_with_state(op, start)?],
                own_transaction: false,
            });
        }
        let mut state = IndexedSchema::new(start.clone());
        let mut statements = Vec::with_capacity(ops.len());
        for op in ops {
            statements.push(self.render_with_state(op, state.schema())?);
            state.apply(op);
        }
        Ok(RenderedPlan {
            statements,
            own_transaction: false,
        })
    }
}

/// Renders `ops` for `dialect`, the first op running against `start`.
///
/// ```
/// use alembix_schema::{render_plan, Column, ColumnType, Dialect::*, Op, Schema, Table};
/// let start = Schema {
///     tables: vec![Table::new("t").column(Column::new("n", ColumnType::Integer))],
///     ..Default::default()
/// };
/// let ops = [
///     Op::AlterColumn {
///         table: "t".into(),
///         from: Column::new("n", ColumnType::Integer),
///         to: Column::new("n", ColumnType::BigInt),
///     },
///     Op::AlterColumn {
///         table: "t".into(),
///         from: Column::new("n", ColumnType::BigInt),
///         to: Column::new("n", ColumnType::BigInt).nullable(),
///     },
/// ];
/// // SQLite cannot alter a column: both changes are one table rebuild.
/// let plan = render_plan(&ops, &start, Sqlite).unwrap();
/// assert!(plan.own_transaction);
/// assert!(plan.statements[0][0].starts_with("CREATE TABLE \"_alembix_new_t\""));
/// assert!(plan.statements[1].is_empty());
/// // PostgreSQL alters it in place.
/// let plan = render_plan(&ops, &start, Postgres).unwrap();
/// assert!(!plan.own_transaction);
/// assert!(plan.statements[0][0].starts_with("ALTER TABLE \"t\" ALTER COLUMN \"n\" TYPE bigint"));
/// ```
pub fn render_plan(
    ops: &[Op],
    start: &Schema,
    dialect: Dialect,
) -> Result<RenderedPlan, RenderError> {
    let r = dialect.stateful();
    if ops.iter().any(|op| backfill::parts(op).is_some()) {
        return backfill::render(r, ops, start);
    }
    r.render_plan(ops, start)
}

mod backfill;
mod online;
#[cfg(test)]
mod tests;

pub use backfill::Fill;
pub use online::{
    BACKFILL_BATCH, OnlineDdl, OnlineOp, RenderOptions, Staged, StagedPlan, render_staged,
};
