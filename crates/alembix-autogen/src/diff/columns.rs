//! Columns of a pair of tables: paired by name, then by `renamed_from`;
//! changed ones altered, new ones added, the rest dropped (with a note
//! when a drop and an add of the same type look like a rename).

use std::collections::BTreeSet;

use alembix_schema::{Column, Op, Table};

use super::{Changes, Cx};

/// Compares the columns of `cur` (the database) and `tgt` (the target);
/// `mt` is the model table as written, which op payloads come from.
pub(super) fn diff_columns(cx: &Cx, cur: &Table, tgt: &Table, mt: &Table, ch: &mut Changes) {
    let name = &tgt.name;
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    let mut added = Vec::new();
    for tc in &tgt.columns {
        let model_col = mt
            .columns
            .iter()
            .find(|c| c.name == tc.name)
            .cloned()
            .unwrap_or_else(|| tc.clone());
        match current_column(cur, tgt, tc, ch) {
            Some(cc) => {
                matched.insert(&cc.name);
                if column_differs(cx, cc, tc) {
                    ch.column_ops.push(Op::AlterColumn {
                        table: name.clone(),
                        from: alter_from(cx, cc, tc, &model_col),
                        to: model_col,
                    });
                }
            }
            None => {
                added.push(model_col.clone());
                add_column(cx, tgt, model_col, ch);
            }
        }
    }
    for cc in &cur.columns {
        if matched.contains(cc.name.as_str()) {
            continue;
        }
        if let Some(a) = added.iter().find(|a| cx.driver.same_type(&a.ty, &cc.ty)) {
            ch.notes.push(format!(
                "{name}: column `{}` is dropped and `{}` of the same type is added; if it is a rename, add #[column(renamed_from = \"{}\")] to `{}`",
                cc.name, a.name, cc.name, a.name
            ));
        }
        ch.column_drops.push(Op::DropColumn {
            table: name.clone(),
            column: cc.clone(),
        });
    }
}

/// The database column a target column is paired with: the one of the same
/// name, or a former name (`renamed_from`) that only the database has,
/// which records a rename.
fn current_column<'a>(
    cur: &'a Table,
    tgt: &Table,
    tc: &Column,
    ch: &mut Changes,
) -> Option<&'a Column> {
    if let Some(c) = cur.find_column(&tc.name) {
        return Some(c);
    }
    let Some(old) = tc
        .renamed_from
        .iter()
        .find(|r| cur.find_column(r).is_some() && tgt.find_column(r).is_none())
    else {
        if !tc.renamed_from.is_empty() {
            ch.notes.push(unmatched_rename(
                &format!("column `{}.{}`", tgt.name, tc.name),
                &tc.renamed_from,
            ));
        }
        return None;
    };
    ch.renames.push(Op::RenameColumn {
        table: tgt.name.clone(),
        column: tc.name.clone(),
        from: old.clone(),
    });
    cur.find_column(old)
}

/// The warning for a `renamed_from` that names nothing the database holds:
/// the object is created new rather than renamed.
pub(super) fn unmatched_rename(what: &str, names: &[String]) -> String {
    format!(
        "{what}: renamed_from = \"{}\" matches nothing in the database, so it is added as new, not renamed; correct the former name or remove renamed_from",
        names.join(", ")
    )
}

/// Whether a column differs on this backend.
fn column_differs(cx: &Cx, cur: &Column, tgt: &Column) -> bool {
    !cx.driver.same_type(&cur.ty, &tgt.ty)
        || cur.nullable != tgt.nullable
        || cur.default != tgt.default
        || cur.auto_increment != tgt.auto_increment
        || (cx.driver.compares_comments() && cur.comment != tgt.comment)
}

/// The `from` of an alter: the database column under the target name, with
/// what compares equal on this backend taken from the model, so the op's
/// changes list exactly what differs.
fn alter_from(cx: &Cx, cc: &Column, tc: &Column, model_col: &Column) -> Column {
    let mut from = cc.clone();
    from.name = tc.name.clone();
    if cx.driver.same_type(&cc.ty, &tc.ty) {
        from.ty = model_col.ty.clone();
    }
    if cc.default == tc.default {
        from.default = model_col.default.clone();
    }
    if !cx.driver.compares_comments() || cc.comment == tc.comment {
        from.comment = model_col.comment.clone();
    }
    from
}

/// `column` added to the existing table `tgt`. Where an auto-increment
/// column outside the key must lead a unique key in the statement that
/// makes it auto-increment (MySQL/MariaDB), it is added plain and NULL,
/// and made auto-increment by an alter that the ordering pass places after
/// the unique key's add (the server numbers the rows already there then).
fn add_column(cx: &Cx, tgt: &Table, column: Column, ch: &mut Changes) {
    use alembix_schema::dialect::AutoIncrementOutsideKey;
    let in_key = tgt
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.contains(&column.name));
    let rule = cx.driver.dialect().caps().auto_increment_outside_key;
    let table = tgt.name.clone();
    if column.auto_increment && !in_key && rule == AutoIncrementOutsideKey::Unique {
        let mut plain = column.clone();
        plain.auto_increment = false;
        plain.nullable = true;
        ch.column_ops.push(Op::AddColumn {
            table: table.clone(),
            column: plain.clone(),
        });
        ch.column_ops.push(Op::AlterColumn {
            table,
            from: plain,
            to: column,
        });
        return;
    }
    ch.column_ops.push(Op::AddColumn { table, column });
}
