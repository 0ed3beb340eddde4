//! The ordering pass: the buckets of ops in an order every backend
//! accepts, foreign-key cycles among created or dropped tables closed
//! afterwards, and the downgrade as the inverse.
//!
//! The order: enum creates, foreign-key drops, renames, auto-increment
//! removals, key/index/constraint drops, column drops, table drops
//! (children first), enum label changes, table creates (parents first),
//! column adds and alters, key/index/constraint adds, auto-increment
//! additions, foreign-key adds, comments, enum drops.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use alembix_schema::{ForeignKey, Op, Schema, Table};

use super::Changes;

/// The ops of all buckets in order; `current` is the database's schema.
pub(super) fn ordered(ch: Changes, current: &Schema) -> Vec<Op> {
    let Changes {
        enum_creates,
        enum_alters,
        enum_drops,
        mut fk_drops,
        renames,
        drops,
        mut table_drops,
        column_drops,
        creates,
        column_ops,
        adds,
        mut fk_adds,
        comments,
        notes: _,
    } = ch;
    let drop_seq = drop_order(&table_drops);
    fk_drops.extend(open_drop_cycles(&mut table_drops, &drop_seq));
    let create_ops = create_in_order(&creates, current, &mut fk_adds);
    // A column losing auto-increment loses it before its key goes (MySQL
    // wants an auto column to be a key); one gaining it, after its key exists.
    let (ai_off, column_ops): (Vec<Op>, Vec<Op>) = column_ops.into_iter().partition(
        |op| matches!(op, Op::AlterColumn { from, to, .. } if from.auto_increment && !to.auto_increment),
    );
    let (ai_on, column_ops): (Vec<Op>, Vec<Op>) = column_ops.into_iter().partition(
        |op| matches!(op, Op::AlterColumn { from, to, .. } if !from.auto_increment && to.auto_increment),
    );
    let mut ops = enum_creates;
    ops.extend(fk_drops);
    ops.extend(renames);
    ops.extend(ai_off);
    ops.extend(drops);
    ops.extend(column_drops);
    ops.extend(drop_seq.iter().map(|&t| Op::DropTable {
        table: table_drops[t].clone(),
    }));
    // Enum value changes before the columns that take the new values.
    ops.extend(enum_alters);
    ops.extend(create_ops);
    ops.extend(column_ops);
    ops.extend(adds);
    ops.extend(ai_on);
    ops.extend(fk_adds);
    ops.extend(comments);
    ops.extend(enum_drops);
    ops
}

/// Dropped tables go children before parents; a foreign key to a table
/// dropped earlier (a cycle) is taken out of its table and returned, to be
/// dropped first, so the downgrade can recreate the tables and close the
/// cycle afterwards.
fn open_drop_cycles(table_drops: &mut [Table], drop_seq: &[usize]) -> Vec<Op> {
    let position: BTreeMap<String, usize> = drop_seq
        .iter()
        .enumerate()
        .map(|(p, &i)| (table_drops[i].name.clone(), p))
        .collect();
    let mut fk_drops = Vec::new();
    for &i in drop_seq {
        let me = position[&table_drops[i].name];
        let t = &mut table_drops[i];
        let (early, keep): (Vec<ForeignKey>, Vec<ForeignKey>) = std::mem::take(&mut t.foreign_keys)
            .into_iter()
            .partition(|f| {
                f.ref_table != t.name && position.get(&f.ref_table).is_some_and(|&p| p < me)
            });
        t.foreign_keys = keep;
        fk_drops.extend(early.into_iter().map(|foreign_key| Op::DropForeignKey {
            table: t.name.clone(),
            foreign_key,
        }));
    }
    fk_drops
}

/// New tables: referenced tables are created first; a foreign key to a
/// table created later (a cycle) is taken out of its `CREATE TABLE` and
/// pushed to `fk_adds`, to be added after all creates.
fn create_in_order(creates: &[Table], current: &Schema, fk_adds: &mut Vec<Op>) -> Vec<Op> {
    let mut created: BTreeSet<String> = current.tables.iter().map(|t| t.name.clone()).collect();
    let mut create_ops = Vec::new();
    for i in creation_order(creates) {
        let mut t = creates[i].clone();
        let (later, now): (Vec<ForeignKey>, Vec<ForeignKey>) = std::mem::take(&mut t.foreign_keys)
            .into_iter()
            .partition(|f| f.ref_table != t.name && !created.contains(&f.ref_table));
        t.foreign_keys = now;
        created.insert(t.name.clone());
        fk_adds.extend(later.into_iter().map(|foreign_key| Op::AddForeignKey {
            table: t.name.clone(),
            foreign_key,
        }));
        create_ops.push(Op::CreateTable { table: t });
    }
    create_ops
}

/// Indices of `tables` with referenced tables before the tables that
/// reference them (ties by name; a cycle is cut where it closes).
fn creation_order(tables: &[Table]) -> Vec<usize> {
    let names: BTreeMap<&str, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let mut state = vec![0u8; tables.len()];
    let mut out = Vec::new();
    fn visit(
        i: usize,
        tables: &[Table],
        names: &BTreeMap<&str, usize>,
        state: &mut [u8],
        out: &mut Vec<usize>,
    ) {
        if state[i] != 0 {
            return; // done, or on the stack (a cycle: closed by add_foreign_key later)
        }
        state[i] = 1;
        for f in &tables[i].foreign_keys {
            if let Some(&j) = names.get(f.ref_table.as_str())
                && j != i
            {
                visit(j, tables, names, state, out);
            }
        }
        state[i] = 2;
        out.push(i);
    }
    let mut idx: Vec<usize> = (0..tables.len()).collect();
    idx.sort_by(|a, b| tables[*a].name.cmp(&tables[*b].name));
    for i in idx {
        visit(i, tables, &names, &mut state, &mut out);
    }
    out
}

/// Indices of `tables` with referencing tables before the ones they reference.
fn drop_order(tables: &[Table]) -> Vec<usize> {
    let mut o = creation_order(tables);
    o.reverse();
    o
}

/// The downgrade of `ops`: each op reversed, last first, except that an
/// index of a table the downgrade drops goes with the table (and MySQL
/// refuses to drop an index a foreign key needs).
///
/// ```
/// use alembix_autogen::diff::downgrade;
/// use alembix_schema::{Column, ColumnType, Index, Op, Table};
/// let table = Table::new("t").column(Column::new("a", ColumnType::Integer));
/// let index = Index { name: "ix_t_a".into(), columns: vec!["a".into()], ..Default::default() };
/// let up = vec![
///     Op::CreateTable { table: table.clone() },
///     Op::CreateIndex { table: "t".into(), index },
/// ];
/// assert_eq!(downgrade(&up), vec![Op::DropTable { table }]);
/// ```
pub fn downgrade(ops: &[Op]) -> Vec<Op> {
    let reversed: Vec<Op> = ops.iter().rev().map(Op::reverse).collect();
    // Walked from the end: the tables a later op of the downgrade drops.
    let mut dropped_later: HashSet<&str> = HashSet::new();
    let mut keep = vec![true; reversed.len()];
    for (i, rev) in reversed.iter().enumerate().rev() {
        match rev {
            Op::DropIndex { table, .. } => keep[i] = !dropped_later.contains(table.as_str()),
            Op::DropTable { table } => {
                dropped_later.insert(&table.name);
            }
            _ => {}
        }
    }
    reversed
        .into_iter()
        .zip(keep)
        .filter_map(|(op, keep)| keep.then_some(op))
        .collect()
}
