//! MySQL/MariaDB: a dropped foreign key takes InnoDB's implicit index with it.

use crate::dialect::{Dialect, MySql};
use crate::model::{ForeignKey, Schema};
use crate::op::Op;
use crate::plan::StatefulRender;
use crate::render::{RenderError, render_op};

impl StatefulRender for MySql {
    fn target(&self) -> Dialect {
        Dialect::MySql
    }

    fn render_with_state(&self, op: &Op, state: &Schema) -> Result<Vec<String>, RenderError> {
        let d = Dialect::MySql;
        let mut v = render_op(op, d)?;
        if let Op::DropForeignKey { table, foreign_key } = op
            && !served(state, table, foreign_key)
        {
            // InnoDB made an index named after the key when no other
            // index starts with its columns; it goes with the key.
            v.push(format!(
                "DROP INDEX {} ON {}",
                d.quote_ident(&foreign_key.name),
                d.quote_ident(table)
            ));
        }
        Ok(v)
    }
}

/// Whether an index, unique constraint or primary key of `table` starts
/// with the foreign key's columns (then InnoDB made no index of its own).
fn served(state: &Schema, table: &str, foreign_key: &ForeignKey) -> bool {
    state.table(table).is_some_and(|t| {
        let starts = |cols: &[String]| cols.starts_with(&foreign_key.columns);
        t.indexes.iter().any(|i| starts(&i.columns))
            || t.uniques.iter().any(|u| starts(&u.columns))
            || t.primary_key.as_ref().is_some_and(|p| starts(&p.columns))
    })
}
