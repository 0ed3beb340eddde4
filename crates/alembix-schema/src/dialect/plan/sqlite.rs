//! SQLite table rebuilds: what `ALTER TABLE` cannot do there (change a
//! column's type, nullability or default, add or drop keys, constraints
//! and checks) is done by rebuilding the table, the way SQLite's own
//! documentation describes:
//!
//! ```sql
//! PRAGMA foreign_keys = OFF;                 -- outside any transaction
//! BEGIN;
//! CREATE TABLE "_alembix_new_t" (...new definition...);
//! INSERT INTO "_alembix_new_t" (...) SELECT ... FROM "t";
//! DROP TABLE "t";                            -- fires no ON DELETE action
//! ALTER TABLE "_alembix_new_t" RENAME TO "t"; -- other tables still say "t"
//! CREATE INDEX ...;                          -- the table's indexes, recreated
//! COMMIT;
//! PRAGMA foreign_keys = ON;
//! ```
//!
//! `PRAGMA foreign_keys` has no effect inside a transaction, so a plan with
//! a rebuild says [`RenderedPlan::own_transaction`]: the revision is written
//! with `transaction: false` and holds its own `BEGIN`/`COMMIT`; the engine
//! rolls that transaction back and turns foreign keys on again if a
//! statement fails.

use std::collections::{BTreeMap, BTreeSet};

use crate::apply::IndexedSchema;
use crate::dialect::{Dialect, Sqlite};
use crate::model::{Schema, Table};
use crate::op::Op;
use crate::plan::{RenderedPlan, StatefulRender};
use crate::render::{RenderError, render_op};

impl StatefulRender for Sqlite {
    fn target(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn render_plan(&self, ops: &[Op], start: &Schema) -> Result<RenderedPlan, RenderError> {
        let needs = tables_to_rebuild(ops);
        let mut state = IndexedSchema::new(start.clone());
        let mut statements: Vec<Vec<String>> = vec![Vec::new(); ops.len()];
        let mut rebuilds: BTreeMap<String, Rebuild> = BTreeMap::new();
        for (i, op) in ops.iter().enumerate() {
            match op
                .table()
                .filter(|t| is_table_level(op) && needs.contains(*t))
            {
                Some(t) => {
                    let entry = rebuilds.entry(t.to_string()).or_insert_with(|| Rebuild {
                        at: i,
                        before: state.table(t).cloned().unwrap_or_else(|| Table::new(t)),
                        renamed: BTreeMap::new(),
                    });
                    if let Op::RenameColumn { column, from, .. } = op {
                        let original = entry.renamed.remove(from).unwrap_or_else(|| from.clone());
                        entry.renamed.insert(column.clone(), original);
                    }
                }
                None => statements[i] = render_op(op, Dialect::Sqlite)?,
            }
            state.apply(op);
        }
        let mut own_transaction = false;
        for (t, r) in rebuilds {
            // A table dropped later in the same list needs no rebuild first.
            if let Some(after) = state.table(&t) {
                statements[r.at] = rebuild_table(&r.before, after, &r.renamed)?;
                own_transaction = true;
            }
        }
        Ok(RenderedPlan {
            statements,
            own_transaction,
        })
    }
}

/// One table's rebuild: where it is emitted (the first op folded into it),
/// the table before that op, and the column renames folded in (new name →
/// name in `before`).
struct Rebuild {
    at: usize,
    before: Table,
    renamed: BTreeMap<String, String>,
}

/// Ops inside one table (not creating, dropping or renaming it, not on enums).
fn is_table_level(op: &Op) -> bool {
    !matches!(
        op,
        Op::CreateTable { .. }
            | Op::DropTable { .. }
            | Op::RenameTable { .. }
            | Op::CreateEnum { .. }
            | Op::DropEnum { .. }
            | Op::AlterEnum { .. }
    )
}

/// The tables with an op `ALTER TABLE` cannot do.
fn tables_to_rebuild(ops: &[Op]) -> BTreeSet<String> {
    ops.iter()
        .filter(|op| is_table_level(op) && render_op(op, Dialect::Sqlite).is_err())
        .filter_map(|op| op.table().map(str::to_string))
        .collect()
}

/// The statements that rebuild `before` into `after` (same name).
/// `renamed` maps new column names to old ones.
fn rebuild_table(
    before: &Table,
    after: &Table,
    renamed: &BTreeMap<String, String>,
) -> Result<Vec<String>, RenderError> {
    let d = Dialect::Sqlite;
    let q = |s: &str| d.quote_ident(s);
    let new = format!("_alembix_new_{}", after.name);
    let mut create = after.clone();
    create.name = new.clone();
    let indexes = std::mem::take(&mut create.indexes);
    let mut out = render_op(&Op::CreateTable { table: create }, d)?;
    let mut to_cols = Vec::new();
    let mut from_cols = Vec::new();
    for c in &after.columns {
        let source = renamed.get(&c.name).unwrap_or(&c.name);
        if before.columns.iter().any(|b| &b.name == source) {
            to_cols.push(q(&c.name));
            from_cols.push(q(source));
        }
    }
    if !to_cols.is_empty() {
        out.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            q(&new),
            to_cols.join(", "),
            from_cols.join(", "),
            q(&before.name)
        ));
    }
    out.push(format!("DROP TABLE {}", q(&before.name)));
    out.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        q(&new),
        q(&after.name)
    ));
    for index in indexes {
        out.extend(render_op(
            &Op::CreateIndex {
                table: after.name.clone(),
                index,
            },
            d,
        )?);
    }
    Ok(out)
}
