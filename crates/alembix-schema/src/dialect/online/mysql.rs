//! MySQL/MariaDB's online forms: the `ALGORITHM` (and `LOCK`) clause the
//! server accepts for each statement autogen writes, from the backend's
//! [`OnlineAlter`] data; a statement the server would copy the table for
//! stays plain. Backfills stay one `UPDATE` (MySQL has no anonymous blocks
//! that could commit between batches).

use crate::dialect::{Dialect, MySql, OnlineAlgorithm, OnlineAlter, SqlDialect};
use crate::model::{Column, ColumnType};
use crate::op::{ColumnChange, Op};
use crate::plan::{OnlineDdl, OnlineOp, Staged};
use crate::render::{RenderError, effective_changes};

const D: Dialect = Dialect::MySql;

/// Enums of up to this many labels take one byte; more take two.
const ONE_BYTE_ENUM: usize = 255;

impl OnlineDdl for MySql {
    fn target(&self) -> Dialect {
        D
    }

    fn existing_table_op(
        &self,
        op: &Op,
        plain: Vec<String>,
        _state: &crate::model::Schema,
    ) -> Result<OnlineOp, RenderError> {
        let a = D.caps().online_alter;
        let now = match op {
            Op::AddColumn { column, .. } if !column.auto_increment => alter(plain, a.add_column),
            Op::DropColumn { .. } => alter(plain, a.drop_column),
            Op::RenameColumn { .. } => alter(plain, a.rename_column),
            Op::AlterColumn { from, to, .. } => alter(plain, column_algorithm(&a, from, to)),
            Op::CreateIndex { .. } => match a.create_index {
                Some(g) => plain
                    .into_iter()
                    .map(|s| format!("{s} {}", g.index_clause()))
                    .collect(),
                None => plain,
            },
            Op::DropIndex { table, index } => drop_index(plain, table, &index.name, &a),
            Op::AddUnique { .. } => alter(plain, a.add_unique),
            Op::DropUnique { .. } => alter(plain, a.drop_index),
            Op::DropForeignKey { table, foreign_key } => {
                // The key, then InnoDB's index for it when the plan drops it.
                let mut it = plain.into_iter();
                let mut out = alter(it.next().into_iter().collect(), a.drop_foreign_key);
                let rest: Vec<String> = it.collect();
                if !rest.is_empty() {
                    out.extend(drop_index(rest, table, &foreign_key.name, &a));
                }
                out
            }
            Op::DropCheck { .. } => alter(plain, a.drop_check),
            Op::AlterTableComment { .. } => alter(plain, a.table_comment),
            _ => plain,
        };
        Ok(OnlineOp {
            now: now.into_iter().map(Staged::tx).collect(),
            later: Vec::new(),
        })
    }
}

/// `ALTER TABLE` statements with the clause appended, when there is one.
fn alter(plain: Vec<String>, algorithm: Option<OnlineAlgorithm>) -> Vec<String> {
    match algorithm {
        Some(g) => plain
            .into_iter()
            .map(|s| format!("{s}, {}", g.alter_clause()))
            .collect(),
        None => plain,
    }
}

/// An index dropped as `ALTER TABLE ... DROP INDEX ..., <clause>` (MariaDB's
/// `DROP INDEX ... ON` takes no clause).
fn drop_index(plain: Vec<String>, table: &str, name: &str, a: &OnlineAlter) -> Vec<String> {
    match a.drop_index {
        Some(g) => vec![format!(
            "{}, {}",
            MySql.drop_unique(table, name),
            g.alter_clause()
        )],
        None => plain,
    }
}

/// The algorithm for a `MODIFY COLUMN`: the slowest its changes need, or
/// none when one of them copies the table.
fn column_algorithm(a: &OnlineAlter, from: &Column, to: &Column) -> Option<OnlineAlgorithm> {
    let mut worst = OnlineAlgorithm::Instant;
    for change in effective_changes(from, to, D) {
        let g = match change {
            ColumnChange::Type if labels_appended(&from.ty, &to.ty) => a.enum_labels_appended,
            ColumnChange::Type | ColumnChange::AutoIncrement => None,
            ColumnChange::Nullable => a.column_nullability,
            ColumnChange::Default => a.column_default,
            ColumnChange::Comment => a.column_comment,
        };
        worst = worst.max(g?);
    }
    Some(worst)
}

/// True when `to` is `from` with labels appended at the end and the same
/// storage size (an instant change of the enum's definition).
fn labels_appended(from: &ColumnType, to: &ColumnType) -> bool {
    match (from, to) {
        (ColumnType::Enum { values: f, .. }, ColumnType::Enum { values: t, .. }) => {
            t.len() > f.len()
                && t.starts_with(f)
                && (f.len() <= ONE_BYTE_ENUM) == (t.len() <= ONE_BYTE_ENUM)
        }
        _ => false,
    }
}
