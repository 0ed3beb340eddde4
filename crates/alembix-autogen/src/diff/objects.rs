//! Declared objects (views, functions, triggers, sequences, extensions):
//! paired by kind and name (then by `renamed_from`), compared by their
//! definitions as the database spells them, and placed around the table
//! ops by dependency.
//!
//! The order: extension and sequence creates and sequence changes first;
//! then the drops (triggers, views — dependents first —, functions), with
//! the views and triggers that read a table an op changes in a way they
//! do not survive ([`DiffDriver::keeps_dependents`]); renames; the table
//! ops; then functions, views (what they read first) and triggers created
//! or replaced, the dropped dependents created again; sequence and
//! extension drops last. Which tables and views an object reads is found
//! in its definition ([`SqlObject::mentions`]), conservatively.

use std::collections::BTreeSet;

use alembix_schema::{ObjectKind, Op, Schema, SqlObject};

use crate::dialect::DiffDriver;

/// The objects' differences, before they are placed.
#[derive(Debug, Default)]
pub(super) struct ObjectChanges {
    creates: Vec<SqlObject>,
    drops: Vec<SqlObject>,
    /// (as it is, as it shall be)
    replaces: Vec<(SqlObject, SqlObject)>,
    renames: Vec<Op>,
    /// Unchanged objects (the database's side).
    kept: Vec<SqlObject>,
}

/// Pairs the objects of both sides. A function, procedure or trigger the
/// backend cannot rename in place ([`DiffDriver::renames_in_place`]) is
/// not paired with its former name: its statement names it, so the old one
/// is dropped and the new one created.
pub(super) fn diff_objects(
    current: &Schema,
    target: &Schema,
    driver: &dyn DiffDriver,
) -> ObjectChanges {
    let mut ch = ObjectChanges::default();
    let mut paired: BTreeSet<(ObjectKind, String)> = BTreeSet::new();
    for t in &target.objects {
        let renames = !t.kind.is_statement() || driver.renames_in_place(t.kind);
        let cur = current.object(t.kind, &t.name).or_else(|| {
            t.renamed_from.iter().find_map(|old| {
                (renames && target.object(t.kind, old).is_none())
                    .then(|| current.object(t.kind, old))
                    .flatten()
            })
        });
        let Some(c) = cur else {
            ch.creates.push(t.clone());
            continue;
        };
        paired.insert((c.kind, c.name.clone()));
        let mut c = c.clone();
        if c.name != t.name {
            let from = std::mem::replace(&mut c.name, t.name.clone());
            ch.renames.push(Op::RenameObject {
                object: c.clone(),
                from,
            });
        }
        if c.definition != t.definition || c.table != t.table {
            ch.replaces.push((c, t.clone()));
        } else {
            ch.kept.push(c);
        }
    }
    for c in &current.objects {
        if !paired.contains(&(c.kind, c.name.clone())) {
            ch.drops.push(c.clone());
        }
    }
    ch
}

/// Whether an object must be dropped before ops that change what it reads
/// (views and triggers; functions are not checked when created).
fn reads_tables(o: &SqlObject) -> bool {
    o.kind.is_view() || o.kind == ObjectKind::Trigger
}

/// The names of tables changed in a way their dependents do not survive.
fn changed_tables(table_ops: &[Op], driver: &dyn DiffDriver) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for op in table_ops {
        if driver.keeps_dependents(op) {
            continue;
        }
        if let Op::RenameTable { from, .. } = op {
            out.insert(from.clone());
        }
        if let Some(t) = op.table() {
            out.insert(t.to_string());
        }
    }
    out
}

/// The ops of `table_ops` with the objects' ops placed around them.
pub(super) fn place(table_ops: Vec<Op>, ch: ObjectChanges, driver: &dyn DiffDriver) -> Vec<Op> {
    let ObjectChanges {
        creates,
        mut drops,
        replaces,
        renames,
        mut kept,
    } = ch;
    // Names whose dependents must go first: changed tables, and views
    // dropped or replaced (found again for each view that has to go).
    let mut changed = changed_tables(&table_ops, driver);
    changed.extend(
        drops
            .iter()
            .filter(|o| o.kind.is_view())
            .map(|o| o.name.clone()),
    );
    let mut late: Vec<SqlObject> = creates;
    let mut late_replaces = Vec::new();
    for (from, to) in replaces {
        let affected =
            reads_tables(&from) && changed.iter().any(|n| from.mentions(n) || to.mentions(n));
        if affected || from.kind.is_view() {
            changed.insert(from.name.clone());
        }
        if affected {
            drops.push(from);
            late.push(to);
        } else {
            late_replaces.push((from, to));
        }
    }
    loop {
        let (go, stay): (Vec<SqlObject>, Vec<SqlObject>) = std::mem::take(&mut kept)
            .into_iter()
            .partition(|o| reads_tables(o) && changed.iter().any(|n| o.mentions(n)));
        kept = stay;
        if go.is_empty() {
            break;
        }
        for o in go {
            changed.insert(o.name.clone());
            drops.push(o.clone());
            late.push(o);
        }
    }
    let early_kinds =
        |o: &SqlObject| matches!(o.kind, ObjectKind::Extension | ObjectKind::Sequence);
    let mut ops: Vec<Op> = Vec::new();
    let (early_creates, late): (Vec<_>, Vec<_>) = late.into_iter().partition(early_kinds);
    ops.extend(
        creation_order(early_creates)
            .into_iter()
            .map(|object| Op::CreateObject { object }),
    );
    let (early_replaces, late_replaces): (Vec<_>, Vec<_>) =
        late_replaces.into_iter().partition(|(f, _)| early_kinds(f));
    ops.extend(
        early_replaces
            .into_iter()
            .map(|(from, to)| Op::ReplaceObject { from, to }),
    );
    let (late_drops, drops): (Vec<_>, Vec<_>) = drops.into_iter().partition(early_kinds);
    let mut drops = creation_order(drops);
    drops.reverse();
    ops.extend(drops.into_iter().map(|object| Op::DropObject { object }));
    ops.extend(renames);
    ops.extend(table_ops);
    ops.extend(late_ops(late, late_replaces));
    let mut late_drops = creation_order(late_drops);
    late_drops.reverse();
    ops.extend(
        late_drops
            .into_iter()
            .map(|object| Op::DropObject { object }),
    );
    ops
}

/// Creates and replacements after the table ops, in creation order.
fn late_ops(creates: Vec<SqlObject>, replaces: Vec<(SqlObject, SqlObject)>) -> Vec<Op> {
    let mut all: Vec<(SqlObject, Option<SqlObject>)> =
        creates.into_iter().map(|o| (o, None)).collect();
    all.extend(replaces.into_iter().map(|(f, t)| (t, Some(f))));
    let order = creation_order(all.iter().map(|(o, _)| o.clone()).collect());
    order
        .into_iter()
        .map(|o| {
            let at = all
                .iter()
                .position(|(x, _)| x.kind == o.kind && x.name == o.name)
                .expect("ordered from this list");
            match all.swap_remove(at) {
                (to, Some(from)) => Op::ReplaceObject { from, to },
                (object, None) => Op::CreateObject { object },
            }
        })
        .collect()
}

/// Objects in creation order: by kind (extensions, sequences, functions,
/// procedures, views, triggers); views after the views they read; ties by
/// name.
pub(crate) fn creation_order(mut objects: Vec<SqlObject>) -> Vec<SqlObject> {
    objects.sort_by(|a, b| {
        let rank = |o: &SqlObject| match o.kind {
            ObjectKind::MaterializedView => ObjectKind::View,
            k => k,
        };
        (rank(a), &a.name).cmp(&(rank(b), &b.name))
    });
    let mut out: Vec<SqlObject> = Vec::with_capacity(objects.len());
    let mut state = vec![0u8; objects.len()];
    fn visit(i: usize, objects: &[SqlObject], state: &mut [u8], out: &mut Vec<SqlObject>) {
        if state[i] != 0 {
            return;
        }
        state[i] = 1;
        if objects[i].kind.is_view() {
            for j in 0..objects.len() {
                if j != i && objects[j].kind.is_view() && objects[i].mentions(&objects[j].name) {
                    visit(j, objects, state, out);
                }
            }
        }
        state[i] = 2;
        out.push(objects[i].clone());
    }
    for i in 0..objects.len() {
        visit(i, &objects, &mut state, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use alembix_schema::{Column, ColumnType, Dialect, ObjectKind, Schema, SqlObject, Table};

    use crate::diff::{DiffOptions, diff, downgrade};

    fn users(email: ColumnType) -> Table {
        Table::new("users")
            .column(Column::new("id", ColumnType::BigInt))
            .column(Column::new("email", email))
    }

    fn kinds(ops: &[alembix_schema::Op]) -> Vec<&'static str> {
        ops.iter().map(|o| o.kind()).collect()
    }

    #[test]
    fn views_go_around_a_column_type_change_and_back() {
        let view = SqlObject::new(ObjectKind::View, "v", "SELECT email FROM users");
        let outer = SqlObject::new(ObjectKind::View, "w", "SELECT email FROM v");
        let cur = Schema {
            tables: vec![users(ColumnType::Varchar(Some(10)))],
            objects: vec![view.clone(), outer.clone()],
            ..Default::default()
        };
        let tgt = Schema {
            tables: vec![users(ColumnType::Varchar(Some(20)))],
            ..cur.clone()
        };
        let d = diff(&cur, &tgt, &tgt, Dialect::Postgres, &DiffOptions::default());
        assert_eq!(
            kinds(&d.ops),
            [
                "drop_view",
                "drop_view",
                "alter_column",
                "create_view",
                "create_view"
            ]
        );
        let names: Vec<&str> = d
            .ops
            .iter()
            .filter_map(|o| o.object().map(|x| x.name.as_str()))
            .collect();
        assert_eq!(names, ["w", "v", "v", "w"], "dependents first, then back");
        let mut after = cur.clone();
        for op in &d.ops {
            after.apply(op);
        }
        for op in &downgrade(&d.ops) {
            after.apply(op);
        }
        after.objects.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(after, cur, "the downgrade is the exact inverse");
    }

    #[test]
    fn mysql_renames_views_in_place_and_recreates_routines() {
        let named = |kind, name: &str, def: &str, from: &str| {
            let mut o = SqlObject::new(kind, name, def);
            o.renamed_from = vec![from.into()];
            o
        };
        let cur = Schema {
            tables: vec![users(ColumnType::Varchar(Some(10)))],
            objects: vec![
                SqlObject::new(ObjectKind::View, "v", "select 1"),
                SqlObject::new(
                    ObjectKind::Function,
                    "f",
                    "CREATE FUNCTION `f`() RETURNS int RETURN 1",
                ),
                SqlObject::new(
                    ObjectKind::Trigger,
                    "t",
                    "CREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW SET @a = 1",
                )
                .on("users"),
            ],
            ..Default::default()
        };
        let tgt = Schema {
            objects: vec![
                named(ObjectKind::View, "w", "select 1", "v"),
                named(
                    ObjectKind::Function,
                    "g",
                    "CREATE FUNCTION `g`() RETURNS int RETURN 1",
                    "f",
                ),
                named(
                    ObjectKind::Trigger,
                    "u",
                    "CREATE TRIGGER u BEFORE INSERT ON users FOR EACH ROW SET @a = 1",
                    "t",
                )
                .on("users"),
            ],
            ..cur.clone()
        };
        let d = diff(&cur, &tgt, &tgt, Dialect::MySql, &DiffOptions::default());
        let ops: Vec<String> = d
            .ops
            .iter()
            .map(|o| format!("{} {}", o.kind(), o.object().unwrap().name))
            .collect();
        assert_eq!(
            ops,
            [
                "drop_trigger t",
                "drop_function f",
                "rename_view w",
                "create_function g",
                "create_trigger u"
            ]
        );
        let sql = alembix_schema::render_op(&d.ops[2], Dialect::MySql).unwrap();
        assert_eq!(sql, ["RENAME TABLE `v` TO `w`"]);
        let pg = diff(&cur, &tgt, &tgt, Dialect::Postgres, &DiffOptions::default());
        assert!(
            pg.ops
                .iter()
                .all(|o| o.kind().starts_with("rename_") || o.kind().starts_with("replace_")),
            "PostgreSQL renames every kind in place: {:?}",
            pg.ops
        );
    }

    #[test]
    fn an_unrelated_change_leaves_views_alone() {
        let view = SqlObject::new(ObjectKind::View, "v", "SELECT id FROM orgs");
        let cur = Schema {
            tables: vec![users(ColumnType::Varchar(Some(10)))],
            objects: vec![view],
            ..Default::default()
        };
        let tgt = Schema {
            tables: vec![users(ColumnType::Varchar(Some(20)))],
            ..cur.clone()
        };
        let d = diff(&cur, &tgt, &tgt, Dialect::Postgres, &DiffOptions::default());
        assert_eq!(kinds(&d.ops), ["alter_column"]);
    }
}
