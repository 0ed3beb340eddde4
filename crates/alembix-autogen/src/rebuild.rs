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
//! `PRAGMA foreign_keys` has no effect inside a transaction, so a revision
//! with a rebuild is written with `transaction: false` and holds its own
//! `BEGIN`/`COMMIT`; the engine rolls that transaction back and turns
//! foreign keys on again if a statement fails.

use std::collections::{BTreeMap, BTreeSet};

use alembix_schema::{Dialect, Op, Schema, Table, render_op};

use crate::error::Result;

/// Applies one op to a schema (the model of what the database holds after it).
pub fn apply_op(schema: &mut Schema, op: &Op) {
    let table = |s: &mut Schema, name: &str| -> Option<usize> {
        s.tables.iter().position(|t| t.name == name)
    };
    match op {
        Op::CreateTable { table: t } => schema.tables.push(t.clone()),
        Op::DropTable { table: t } => schema.tables.retain(|x| x.name != t.name),
        Op::RenameTable { table: new, from } => {
            if let Some(i) = table(schema, from) {
                schema.tables[i].name = new.clone();
            }
            for t in &mut schema.tables {
                for f in &mut t.foreign_keys {
                    if &f.ref_table == from {
                        f.ref_table = new.clone();
                    }
                }
            }
        }
        Op::CreateEnum { enum_type } => schema.enums.push(enum_type.clone()),
        Op::DropEnum { enum_type } => schema.enums.retain(|e| e.name != enum_type.name),
        Op::AlterEnum { name, to, .. } => {
            if let Some(e) = schema.enums.iter_mut().find(|e| &e.name == name) {
                e.values = to.clone();
            }
        }
        other => {
            let Some(name) = other.table() else { return };
            let Some(i) = table(schema, name) else { return };
            let t = &mut schema.tables[i];
            match other {
                Op::AddColumn { column, .. } => t.columns.push(column.clone()),
                Op::DropColumn { column, .. } => t.columns.retain(|c| c.name != column.name),
                Op::RenameColumn { column, from, .. } => {
                    for c in &mut t.columns {
                        if &c.name == from {
                            c.name = column.clone();
                        }
                    }
                }
                Op::AlterColumn { to, .. } => {
                    if let Some(c) = t.columns.iter_mut().find(|c| c.name == to.name) {
                        *c = to.clone();
                    }
                }
                Op::CreateIndex { index, .. } => t.indexes.push(index.clone()),
                Op::DropIndex { index, .. } => t.indexes.retain(|x| x.name != index.name),
                Op::AddUnique { unique, .. } => t.uniques.push(unique.clone()),
                Op::DropUnique { unique, .. } => t.uniques.retain(|x| x.name != unique.name),
                Op::AddForeignKey { foreign_key, .. } => t.foreign_keys.push(foreign_key.clone()),
                Op::DropForeignKey { foreign_key, .. } => {
                    t.foreign_keys.retain(|x| x.name != foreign_key.name)
                }
                Op::AddCheck { check, .. } => t.checks.push(check.clone()),
                Op::DropCheck { check, .. } => t.checks.retain(|x| x.name != check.name),
                Op::AddPrimaryKey { primary_key, .. } => t.primary_key = Some(primary_key.clone()),
                Op::DropPrimaryKey { .. } => t.primary_key = None,
                Op::AlterTableComment { to, .. } => t.comment = to.clone(),
                _ => {}
            }
        }
    }
}

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

/// The statements that rebuild `before` into `after` (same name).
/// `renamed` maps new column names to old ones.
pub fn rebuild_table(
    before: &Table,
    after: &Table,
    renamed: &BTreeMap<String, String>,
) -> Result<Vec<String>> {
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
    for ix in indexes {
        out.extend(render_op(
            &Op::CreateIndex {
                table: after.name.clone(),
                index: ix,
            },
            d,
        )?);
    }
    Ok(out)
}

/// Renders ops for SQLite, rebuilding the tables whose ops `ALTER TABLE`
/// cannot do; `start` is the schema before the ops. Returns, per op, the
/// statements to emit at that op (empty for ops folded into a rebuild).
pub fn render_sqlite(ops: &[Op], start: &Schema) -> Result<(Vec<Vec<String>>, bool)> {
    let d = Dialect::Sqlite;
    let mut needs: BTreeSet<String> = BTreeSet::new();
    for op in ops {
        if is_table_level(op)
            && render_op(op, d).is_err()
            && let Some(t) = op.table()
        {
            needs.insert(t.to_string());
        }
    }
    let mut state = start.clone();
    let mut out: Vec<Vec<String>> = vec![Vec::new(); ops.len()];
    // table → (position, state before, column renames)
    let mut rebuilds: BTreeMap<String, (usize, Table, BTreeMap<String, String>)> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        let folded = is_table_level(op) && op.table().is_some_and(|t| needs.contains(t));
        if folded {
            let t = op.table().expect("table-level op").to_string();
            let before = state.table(&t).cloned().unwrap_or_else(|| Table::new(&t));
            let entry = rebuilds
                .entry(t)
                .or_insert_with(|| (i, before, BTreeMap::new()));
            if let Op::RenameColumn { column, from, .. } = op {
                let original = entry.2.remove(from).unwrap_or_else(|| from.clone());
                entry.2.insert(column.clone(), original);
            }
        } else {
            out[i] = render_op(op, d)?;
        }
        apply_op(&mut state, op);
    }
    let mut rebuilt = false;
    for (t, (at, before, renamed)) in rebuilds {
        // A table dropped later in the same list needs no rebuild first.
        if let Some(after) = state.table(&t) {
            out[at] = rebuild_table(&before, after, &renamed)?;
            rebuilt = true;
        }
    }
    Ok((out, rebuilt))
}
