//! The comparison: the database's schema against the models' (both as the
//! database spells them, see [`crate::normalize`]) into ops, in an order
//! that every backend accepts, whose reverse is the downgrade.

use std::collections::{BTreeMap, BTreeSet};

use alembix_schema::{
    Column, ColumnType, Dialect, EnumType, ForeignKey, Op, Schema, Table, column_changes,
};
use serde_json::{Value, json};

/// What the comparison leaves alone.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Globs (`*`, `?`) of database tables no model describes that stay
    /// (a table outside PostgreSQL's `public` schema is matched as
    /// `schema.table`).
    pub exclude_tables: Vec<String>,
    /// PostgreSQL schemas compared besides those the models name (empty:
    /// `public`). Tables in them that no model describes are dropped.
    pub schemas: Vec<String>,
}

/// The ops and the warnings about destructive ones.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    pub ops: Vec<Op>,
    /// `(index of the op, message)`.
    pub warnings: Vec<(usize, String)>,
    /// Hints that are not about one op (a drop + add that looks like a rename).
    pub notes: Vec<String>,
    /// The database's schema the ops start from (needed to render SQLite rebuilds).
    pub current: Schema,
}

/// `*` and `?` globs.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// The type as the dialect writes it, the way both sides can be compared.
fn canon(ty: &ColumnType, d: Dialect) -> String {
    let once = ColumnType::from_sql(&ty.to_sql(d)).to_sql(d);
    once.to_ascii_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn same_type(a: &ColumnType, b: &ColumnType, d: Dialect) -> bool {
    match (a, b) {
        (
            ColumnType::Enum {
                name: n1,
                values: v1,
            },
            ColumnType::Enum {
                name: n2,
                values: v2,
            },
        ) => {
            // PostgreSQL: a named type whose values are compared as an enum op.
            if d == Dialect::Postgres {
                n1 == n2
            } else {
                v1 == v2
            }
        }
        (ColumnType::Enum { .. }, _) | (_, ColumnType::Enum { .. }) => false,
        _ => canon(a, d) == canon(b, d),
    }
}

fn column_differs(cur: &Column, tgt: &Column, d: Dialect) -> bool {
    !same_type(&cur.ty, &tgt.ty, d)
        || cur.nullable != tgt.nullable
        || cur.default != tgt.default
        || cur.auto_increment != tgt.auto_increment
        || (d != Dialect::Sqlite && cur.comment != tgt.comment)
}

/// An SQLite expression as SQLite reads it, for comparing two spellings:
/// outside quotes, case does not matter (keywords, function names and bare
/// identifiers are case-insensitive) and white space only separates words.
///
/// `lower( Email ) WHERE a>0` and `LOWER(email) where a > 0` are the same.
pub(crate) fn sqlite_canon(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    let word = |c: char| c.is_alphanumeric() || c == '_';
    for c in sql.chars() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && out.chars().last().is_some_and(word) && word(c) {
            out.push(' ');
        }
        pending_space = false;
        match c {
            '\'' | '"' | '`' | '[' => {
                quote = Some(if c == '[' { ']' } else { c });
                out.push(c);
            }
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn fk_same(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
}

/// A narrower type: values may not fit any more.
fn narrows(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    let rank = |t: &T| match t {
        T::SmallInt => 1,
        T::Integer => 2,
        T::BigInt => 3,
        _ => 0,
    };
    match (from, to) {
        (T::Varchar { length: Some(a) }, T::Varchar { length: Some(b) }) => b < a,
        (
            T::Text | T::Varchar { length: None },
            T::Varchar { length: Some(_) } | T::Char { .. },
        ) => true,
        (
            T::Decimal {
                precision: Some(p1),
                scale: s1,
            },
            T::Decimal {
                precision: Some(p2),
                scale: s2,
            },
        ) => p2 < p1 || s2.unwrap_or(0) < s1.unwrap_or(0),
        (T::Enum { values: a, .. }, T::Enum { values: b, .. }) => a.iter().any(|v| !b.contains(v)),
        (a, b) if rank(a) > 0 && rank(b) > 0 => rank(b) < rank(a),
        (T::Double, T::Real) => true,
        _ => false,
    }
}

/// Compares `current` (the database) with `target` (the models as the
/// database spells them); op payloads for new objects come from `model`
/// (the models as written), for old objects from `current`.
pub fn diff(
    current: &Schema,
    target: &Schema,
    model: &Schema,
    d: Dialect,
    opts: &DiffOptions,
) -> Diff {
    if d == Dialect::MySql {
        // MySQL keeps unique constraints and unique indexes as one thing:
        // where the model has a unique index of that name, both sides say index.
        let as_indexes = |s: &Schema| -> Schema {
            let mut s = s.clone();
            for t in &mut s.tables {
                let Some(m) = model.table(&t.name) else {
                    continue;
                };
                let (idx, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut t.uniques)
                    .into_iter()
                    .partition(|u| m.indexes.iter().any(|i| i.name == u.name && i.unique));
                t.uniques = keep;
                t.indexes
                    .extend(idx.into_iter().map(|u| alembix_schema::Index {
                        name: u.name,
                        columns: u.columns,
                        unique: true,
                        ..Default::default()
                    }));
                t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            }
            s
        };
        let (c, t) = (as_indexes(current), as_indexes(target));
        return diff_inner(&c, &t, model, d, opts);
    }
    diff_inner(current, target, model, d, opts)
}

fn diff_inner(
    current: &Schema,
    target: &Schema,
    model: &Schema,
    d: Dialect,
    opts: &DiffOptions,
) -> Diff {
    let excluded = |name: &str| {
        target.table(name).is_none()
            && (name == "alembix_version"
                || name == "alembix_log"
                || opts.exclude_tables.iter().any(|g| glob_match(g, name)))
    };
    let model_table = |name: &str| -> Table {
        model
            .table(name)
            .or_else(|| target.table(name))
            .cloned()
            .unwrap_or_else(|| Table::new(name))
    };

    // Buckets, emitted in a fixed order at the end.
    let mut enum_adds = Vec::new();
    let mut fk_drops = Vec::new();
    let mut renames = Vec::new();
    let mut drops = Vec::new(); // indexes, uniques, checks, pks
    let mut table_drops: Vec<Table> = Vec::new();
    let mut column_drops = Vec::new();
    let mut creates: Vec<Table> = Vec::new();
    let mut column_ops = Vec::new(); // add/alter column
    let mut adds = Vec::new(); // pk, unique, check, index
    let mut fk_adds = Vec::new();
    let mut comments = Vec::new();
    let mut enum_drops = Vec::new();
    let mut notes = Vec::new();

    // Enums (PostgreSQL named types).
    if d == Dialect::Postgres {
        for e in &target.enums {
            match current.enum_type(&e.name) {
                None => enum_adds.push(Op::CreateEnum {
                    enum_type: model
                        .enum_type(&e.name)
                        .cloned()
                        .unwrap_or_else(|| e.clone()),
                }),
                Some(c) if c.values != e.values => enum_adds.push(Op::AlterEnum {
                    name: e.name.clone(),
                    from: c.values.clone(),
                    to: e.values.clone(),
                }),
                _ => {}
            }
        }
        for c in &current.enums {
            // Tables the comparison leaves alone may still use it.
            let used_by_kept = current.tables.iter().any(|t| {
                excluded(&t.name)
                    && t.columns.iter().any(
                        |col| matches!(&col.ty, ColumnType::Enum { name, .. } if name == &c.name),
                    )
            });
            if target.enum_type(&c.name).is_none() && !used_by_kept {
                enum_drops.push(Op::DropEnum {
                    enum_type: EnumType {
                        name: c.name.clone(),
                        values: c.values.clone(),
                    },
                });
            }
        }
    }

    // Tables: pair by name, then by renamed_from.
    let mut pairs: Vec<(&Table, &Table)> = Vec::new();
    let mut used_current: BTreeSet<&str> = BTreeSet::new();
    for t in &target.tables {
        if let Some(c) = current.table(&t.name) {
            pairs.push((c, t));
            used_current.insert(&c.name);
            continue;
        }
        let old = t
            .renamed_from
            .iter()
            .find(|r| current.table(r).is_some() && target.table(r).is_none());
        match old {
            Some(r) => {
                let c = current.table(r).expect("checked");
                renames.push(Op::RenameTable {
                    table: t.name.clone(),
                    from: r.clone(),
                });
                pairs.push((c, t));
                used_current.insert(&c.name);
            }
            None => {
                let mut m = model_table(&t.name);
                for ix in std::mem::take(&mut m.indexes) {
                    adds.push(Op::CreateIndex {
                        table: t.name.clone(),
                        index: ix,
                    });
                }
                creates.push(m);
            }
        }
    }
    for c in &current.tables {
        if !used_current.contains(c.name.as_str()) && !excluded(&c.name) {
            table_drops.push(c.clone());
        }
    }

    for (cur, tgt) in &pairs {
        let name = &tgt.name;
        let mt = model_table(name);
        // Columns.
        let mut matched: BTreeSet<&str> = BTreeSet::new();
        let mut added = Vec::new();
        for tc in &tgt.columns {
            let cc = match cur.columns.iter().find(|c| c.name == tc.name) {
                Some(c) => Some(c),
                None => {
                    let old = tc.renamed_from.iter().find(|r| {
                        cur.columns.iter().any(|c| &c.name == *r)
                            && !tgt.columns.iter().any(|c| &c.name == *r)
                    });
                    old.map(|r| {
                        renames.push(Op::RenameColumn {
                            table: name.clone(),
                            column: tc.name.clone(),
                            from: r.clone(),
                        });
                        cur.columns.iter().find(|c| &c.name == r).expect("checked")
                    })
                }
            };
            let model_col = mt
                .columns
                .iter()
                .find(|c| c.name == tc.name)
                .cloned()
                .unwrap_or_else(|| tc.clone());
            match cc {
                Some(cc) => {
                    matched.insert(&cc.name);
                    if column_differs(cc, tc, d) {
                        // What compares equal on this database is taken from
                        // the model, so `changes` lists exactly what differs.
                        let mut from = cc.clone();
                        from.name = tc.name.clone();
                        if same_type(&cc.ty, &tc.ty, d) {
                            from.ty = model_col.ty.clone();
                        }
                        if cc.default == tc.default {
                            from.default = model_col.default.clone();
                        }
                        if d == Dialect::Sqlite || cc.comment == tc.comment {
                            from.comment = model_col.comment.clone();
                        }
                        column_ops.push(Op::AlterColumn {
                            table: name.clone(),
                            from,
                            to: model_col,
                        });
                    }
                }
                None => {
                    added.push(model_col.clone());
                    column_ops.push(Op::AddColumn {
                        table: name.clone(),
                        column: model_col,
                    });
                }
            }
        }
        for cc in &cur.columns {
            if !matched.contains(cc.name.as_str()) {
                if let Some(a) = added.iter().find(|a| same_type(&a.ty, &cc.ty, d)) {
                    notes.push(format!(
                        "{name}: column `{}` is dropped and `{}` of the same type is added; if it is a rename, add #[column(renamed_from = \"{}\")] to `{}`",
                        cc.name, a.name, cc.name, a.name
                    ));
                }
                column_drops.push(Op::DropColumn {
                    table: name.clone(),
                    column: cc.clone(),
                });
            }
        }
        // Primary key.
        let pk_cols = |t: &Table| t.primary_key.as_ref().map(|p| p.columns.clone());
        if pk_cols(cur) != pk_cols(tgt) {
            if let Some(p) = &cur.primary_key {
                drops.push(Op::DropPrimaryKey {
                    table: name.clone(),
                    primary_key: p.clone(),
                });
            }
            if let Some(p) = mt.primary_key.clone().or_else(|| tgt.primary_key.clone()) {
                adds.push(Op::AddPrimaryKey {
                    table: name.clone(),
                    primary_key: p,
                });
            }
        }
        // Indexes.
        let (gone, new) = by_name(
            &cur.indexes,
            &tgt.indexes,
            &mt.indexes,
            |i| &i.name,
            |a, b| {
                let same_sql = |x: &Option<String>, y: &Option<String>| match d {
                    // SQLite keeps the text as written: compare it as SQLite reads it.
                    Dialect::Sqlite => {
                        x.as_deref().map(sqlite_canon) == y.as_deref().map(sqlite_canon)
                    }
                    // PostgreSQL printed both sides itself (see `normalize`).
                    _ => x == y,
                };
                a.columns == b.columns
                    && a.unique == b.unique
                    && same_sql(&a.expr, &b.expr)
                    && same_sql(&a.predicate, &b.predicate)
            },
        );
        drops.extend(gone.into_iter().map(|index| Op::DropIndex {
            table: name.clone(),
            index,
        }));
        adds.extend(new.into_iter().map(|index| Op::CreateIndex {
            table: name.clone(),
            index,
        }));
        let (gone, new) = by_name(
            &cur.uniques,
            &tgt.uniques,
            &mt.uniques,
            |u| &u.name,
            |a, b| a.columns == b.columns,
        );
        drops.extend(gone.into_iter().map(|unique| Op::DropUnique {
            table: name.clone(),
            unique,
        }));
        adds.extend(new.into_iter().map(|unique| Op::AddUnique {
            table: name.clone(),
            unique,
        }));
        // Checks: by name and expression (a changed expression is drop + add).
        let (gone, new) = by_name(
            &cur.checks,
            &tgt.checks,
            &mt.checks,
            |c| &c.name,
            |a, b| a.expr == b.expr,
        );
        drops.extend(gone.into_iter().map(|check| Op::DropCheck {
            table: name.clone(),
            check,
        }));
        adds.extend(new.into_iter().map(|check| Op::AddCheck {
            table: name.clone(),
            check,
        }));
        let (gone, new) = by_name(
            &cur.foreign_keys,
            &tgt.foreign_keys,
            &mt.foreign_keys,
            |f| &f.name,
            fk_same,
        );
        fk_drops.extend(gone.into_iter().map(|foreign_key| Op::DropForeignKey {
            table: name.clone(),
            foreign_key,
        }));
        fk_adds.extend(new.into_iter().map(|foreign_key| Op::AddForeignKey {
            table: name.clone(),
            foreign_key,
        }));
        if d != Dialect::Sqlite && cur.comment != tgt.comment {
            comments.push(Op::AlterTableComment {
                table: name.clone(),
                from: cur.comment.clone(),
                to: mt.comment.clone(),
            });
        }
    }

    // Dropped tables: children before parents; a foreign key to a table
    // dropped earlier (a cycle) is dropped first, so the downgrade can
    // recreate the tables and close the cycle afterwards.
    let drop_seq = drop_order(&table_drops);
    let position: BTreeMap<String, usize> = drop_seq
        .iter()
        .enumerate()
        .map(|(p, &i)| (table_drops[i].name.clone(), p))
        .collect();
    for &i in &drop_seq {
        let me = position[&table_drops[i].name];
        let t = &mut table_drops[i];
        let (early, keep): (Vec<ForeignKey>, Vec<ForeignKey>) = std::mem::take(&mut t.foreign_keys)
            .into_iter()
            .partition(|f| {
                f.ref_table != t.name && position.get(&f.ref_table).is_some_and(|&p| p < me)
            });
        t.foreign_keys = keep;
        for f in early {
            fk_drops.push(Op::DropForeignKey {
                table: t.name.clone(),
                foreign_key: f,
            });
        }
    }
    // New tables: create referenced tables first; foreign keys to tables
    // created later (cycles) are added after all creates.
    let order = creation_order(&creates);
    let mut created: BTreeSet<String> = current.tables.iter().map(|t| t.name.clone()).collect();
    let mut create_ops = Vec::new();
    for i in order {
        let mut t = creates[i].clone();
        let (later, now): (Vec<ForeignKey>, Vec<ForeignKey>) = std::mem::take(&mut t.foreign_keys)
            .into_iter()
            .partition(|f| f.ref_table != t.name && !created.contains(&f.ref_table));
        t.foreign_keys = now;
        created.insert(t.name.clone());
        for f in later {
            fk_adds.push(Op::AddForeignKey {
                table: t.name.clone(),
                foreign_key: f,
            });
        }
        create_ops.push(Op::CreateTable { table: t });
    }

    let mut ops = Vec::new();
    ops.extend(
        enum_adds
            .into_iter()
            .filter(|o| matches!(o, Op::CreateEnum { .. })),
    );
    ops.extend(fk_drops);
    ops.extend(renames);
    // A column losing auto-increment loses it before its key goes (MySQL
    // wants an auto column to be a key); one gaining it, after its key exists.
    let (ai_off, column_ops): (Vec<Op>, Vec<Op>) = column_ops.into_iter().partition(
        |op| matches!(op, Op::AlterColumn { from, to, .. } if from.auto_increment && !to.auto_increment),
    );
    let (ai_on, column_ops): (Vec<Op>, Vec<Op>) = column_ops.into_iter().partition(
        |op| matches!(op, Op::AlterColumn { from, to, .. } if !from.auto_increment && to.auto_increment),
    );
    ops.extend(ai_off);
    ops.extend(drops);
    ops.extend(column_drops);
    for &t in &drop_seq {
        ops.push(Op::DropTable {
            table: table_drops[t].clone(),
        });
    }
    // Enum value changes before the columns that take the new values.
    if d == Dialect::Postgres {
        for e in &target.enums {
            if let Some(c) = current.enum_type(&e.name)
                && c.values != e.values
            {
                ops.push(Op::AlterEnum {
                    name: e.name.clone(),
                    from: c.values.clone(),
                    to: e.values.clone(),
                });
            }
        }
    }
    ops.extend(create_ops);
    ops.extend(column_ops);
    ops.extend(adds);
    ops.extend(ai_on);
    ops.extend(fk_adds);
    ops.extend(comments);
    ops.extend(enum_drops);

    let mut warnings = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::DropTable { table } => {
                warnings.push((i, format!("drops table `{}` and its rows", table.name)))
            }
            Op::DropColumn { table, column } => warnings.push((
                i,
                format!("drops column `{table}.{}` and its values", column.name),
            )),
            Op::AlterColumn { table, from, to } => {
                if narrows(&from.ty, &to.ty) {
                    warnings.push((
                        i,
                        format!(
                            "narrows `{table}.{}` from {} to {}: existing values may not fit",
                            to.name,
                            from.ty.to_sql(d),
                            to.ty.to_sql(d)
                        ),
                    ));
                }
                if from.nullable && !to.nullable && to.default.is_none() {
                    warnings.push((
                        i,
                        format!(
                            "makes `{table}.{}` NOT NULL without a default: fails if a row holds NULL",
                            to.name
                        ),
                    ));
                }
            }
            Op::AlterEnum { name, from, to } if from.iter().any(|v| !to.contains(v)) => {
                warnings.push((i, format!("removes labels from enum `{name}`: rows holding them make the migration fail")));
            }
            _ => {}
        }
    }
    Diff {
        ops,
        warnings,
        notes,
        current: current.clone(),
    }
}

/// Named objects of one kind (indexes, uniques, checks, foreign keys) on
/// both sides: those of `current` with no equal of the same name in
/// `target` (to drop), and the model's version of those of `target` with no
/// equal in `current` (to add). A changed definition is in both lists.
fn by_name<T: Clone>(
    current: &[T],
    target: &[T],
    model: &[T],
    name: impl Fn(&T) -> &str,
    same: impl Fn(&T, &T) -> bool,
) -> (Vec<T>, Vec<T>) {
    let matched = |x: &T, others: &[T]| others.iter().any(|o| name(o) == name(x) && same(o, x));
    let gone = current
        .iter()
        .filter(|c| !matched(c, target))
        .cloned()
        .collect();
    let new = target
        .iter()
        .filter(|t| !matched(t, current))
        .map(|t| {
            model
                .iter()
                .find(|m| name(m) == name(t))
                .cloned()
                .unwrap_or_else(|| t.clone())
        })
        .collect();
    (gone, new)
}

/// Indices of `tables` with referenced tables before the tables that reference them.
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

/// The contract view of ops for `diff --format json`.
pub fn ops_json(ops: &[Op]) -> Value {
    Value::Array(ops.iter().map(op_json).collect())
}

fn op_json(op: &Op) -> Value {
    let mut v = json!({ "op": op.kind() });
    let set = |v: &mut Value, k: &str, x: Value| {
        v[k] = x;
    };
    match op {
        Op::CreateTable { table } | Op::DropTable { table } => {
            set(&mut v, "table", json!(table.name))
        }
        Op::RenameTable { table, from } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "from", json!(from));
        }
        Op::AddColumn { table, column } | Op::DropColumn { table, column } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "column", json!(column.name));
        }
        Op::RenameColumn {
            table,
            column,
            from,
        } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "column", json!(column));
            set(&mut v, "from", json!(from));
        }
        Op::AlterColumn { table, from, to } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "column", json!(to.name));
            let changes: Vec<&str> = column_changes(from, to)
                .iter()
                .map(|c| c.as_str())
                .collect();
            set(&mut v, "changes", json!(changes));
        }
        Op::CreateIndex { table, index } | Op::DropIndex { table, index } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(index.name));
        }
        Op::AddUnique { table, unique } | Op::DropUnique { table, unique } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(unique.name));
        }
        Op::AddForeignKey { table, foreign_key } | Op::DropForeignKey { table, foreign_key } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(foreign_key.name));
        }
        Op::AddCheck { table, check } | Op::DropCheck { table, check } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(check.name));
        }
        Op::AddPrimaryKey { table, primary_key } | Op::DropPrimaryKey { table, primary_key } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(primary_key.name));
        }
        Op::CreateEnum { enum_type } | Op::DropEnum { enum_type } => {
            set(&mut v, "name", json!(enum_type.name))
        }
        Op::AlterEnum { name, .. } => set(&mut v, "name", json!(name)),
        Op::AlterTableComment { table, .. } => set(&mut v, "table", json!(table)),
        _ => {}
    }
    v
}

#[cfg(test)]
mod canon_tests {
    use super::sqlite_canon;

    #[test]
    fn sqlite_spellings_compare_equal() {
        assert_eq!(
            sqlite_canon("lower( Email ) IS  NOT NULL AND a>0"),
            sqlite_canon("LOWER(email) is not null and a > 0")
        );
        assert_ne!(sqlite_canon("a = 'X'"), sqlite_canon("a = 'x'"));
        assert_ne!(sqlite_canon("\"A\" > 0"), sqlite_canon("\"a\" > 0"));
        assert_ne!(sqlite_canon("a > 0"), sqlite_canon("a > 1"));
    }
}
