//! Keys and constraints of a pair of tables: the primary key, indexes,
//! unique constraints, checks and foreign keys. All but the primary key
//! are compared by name ([`by_name`]): a changed definition is a drop and
//! an add.

use alembix_schema::{Check, ForeignKey, Index, Op, Table, UniqueConstraint};

use super::{Changes, Cx};

/// Compares the keys and constraints of `cur` and `tgt`; `mt` is the model
/// table as written, which added objects come from.
pub(super) fn diff_keys(cx: &Cx, cur: &Table, tgt: &Table, mt: &Table, ch: &mut Changes) {
    primary_key(cur, tgt, mt, ch);
    indexes(cx, cur, tgt, mt, ch);
    uniques_and_checks(cur, tgt, mt, ch);
    foreign_keys(cur, tgt, mt, ch);
}

/// Indexes: by name, columns, uniqueness, and expression and predicate as
/// the backend compares SQL.
fn indexes(cx: &Cx, cur: &Table, tgt: &Table, mt: &Table, ch: &mut Changes) {
    let same_index = |a: &Index, b: &Index| {
        let sql = |x: &Option<String>, y: &Option<String>| {
            cx.driver.same_index_sql(x.as_deref(), y.as_deref())
        };
        a.columns == b.columns
            && a.unique == b.unique
            && sql(&a.expr, &b.expr)
            && sql(&a.predicate, &b.predicate)
    };
    let (gone, new) = by_name(
        &cur.indexes,
        &tgt.indexes,
        &mt.indexes,
        |i| &i.name,
        same_index,
    );
    let table = || tgt.name.clone();
    ch.drops.extend(gone.into_iter().map(|index| Op::DropIndex {
        table: table(),
        index,
    }));
    ch.adds.extend(new.into_iter().map(|index| Op::CreateIndex {
        table: table(),
        index,
    }));
}

/// Unique constraints by name and columns; checks by name and expression
/// (a changed expression is drop + add).
fn uniques_and_checks(cur: &Table, tgt: &Table, mt: &Table, ch: &mut Changes) {
    let table = || tgt.name.clone();
    let same_columns = |a: &UniqueConstraint, b: &UniqueConstraint| a.columns == b.columns;
    let (gone, new) = by_name(
        &cur.uniques,
        &tgt.uniques,
        &mt.uniques,
        |u| &u.name,
        same_columns,
    );
    ch.drops
        .extend(gone.into_iter().map(|unique| Op::DropUnique {
            table: table(),
            unique,
        }));
    ch.adds.extend(new.into_iter().map(|unique| Op::AddUnique {
        table: table(),
        unique,
    }));
    let same_expr = |a: &Check, b: &Check| a.expr == b.expr;
    let (gone, new) = by_name(&cur.checks, &tgt.checks, &mt.checks, |c| &c.name, same_expr);
    ch.drops.extend(gone.into_iter().map(|check| Op::DropCheck {
        table: table(),
        check,
    }));
    ch.adds.extend(new.into_iter().map(|check| Op::AddCheck {
        table: table(),
        check,
    }));
}

/// Foreign keys by name and definition; their drops and adds are buckets of
/// their own (dropped first, added last).
fn foreign_keys(cur: &Table, tgt: &Table, mt: &Table, ch: &mut Changes) {
    let (current, target, model) = (&cur.foreign_keys, &tgt.foreign_keys, &mt.foreign_keys);
    let (gone, new) = by_name(current, target, model, |f| &f.name, fk_same);
    let table = || tgt.name.clone();
    ch.fk_drops
        .extend(gone.into_iter().map(|foreign_key| Op::DropForeignKey {
            table: table(),
            foreign_key,
        }));
    ch.fk_adds
        .extend(new.into_iter().map(|foreign_key| Op::AddForeignKey {
            table: table(),
            foreign_key,
        }));
}

/// The primary key: compared by its columns; a change drops the old key
/// and adds the model's.
fn primary_key(cur: &Table, tgt: &Table, mt: &Table, ch: &mut Changes) {
    let pk_cols = |t: &Table| t.primary_key.as_ref().map(|p| p.columns.clone());
    if pk_cols(cur) == pk_cols(tgt) {
        return;
    }
    if let Some(p) = &cur.primary_key {
        ch.drops.push(Op::DropPrimaryKey {
            table: tgt.name.clone(),
            primary_key: p.clone(),
        });
    }
    if let Some(p) = mt.primary_key.clone().or_else(|| tgt.primary_key.clone()) {
        ch.adds.push(Op::AddPrimaryKey {
            table: tgt.name.clone(),
            primary_key: p,
        });
    }
}

/// Two foreign keys with the same definition (names aside).
fn fk_same(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
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
