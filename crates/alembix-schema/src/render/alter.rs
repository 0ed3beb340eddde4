//! `alter_column` and `alter_enum`.

use super::{Dialect, Rendered, TableName};
use crate::model::{Column, ColumnType};
use crate::op::{ColumnChange, column_changes};

/// Renders what changed between two versions of a column: the dialect's
/// [`alter_column`](crate::SqlDialect::alter_column), for the changes that
/// need SQL there (none for comments on SQLite; none for types that render
/// the same).
pub(crate) fn alter_column(tn: TableName<'_>, from: &Column, to: &Column, d: Dialect) -> Rendered {
    let changes = effective_changes(from, to, d);
    if changes.is_empty() {
        return Ok(vec![]);
    }
    if from.name != to.name {
        return Err(format!(
            "alter_column cannot rename ({:?} to {:?}); use rename_column",
            from.name, to.name
        ));
    }
    d.rules().alter_column(tn, from, to, &changes)
}

/// The changes that need SQL on a dialect: a type change is none when both
/// types render the same there (`Integer` and `BigInt` on SQLite, the
/// labels of a PostgreSQL enum type, which `alter_enum` changes), and a
/// comment change is none on SQLite.
pub(crate) fn effective_changes(from: &Column, to: &Column, d: Dialect) -> Vec<ColumnChange> {
    // Where an enum is a CHECK of its labels, a label change is a type change.
    let label_check = |c: &Column| match &c.ty {
        ColumnType::Enum { values, .. } if d.caps().enum_as_check => Some(values.clone()),
        _ => None,
    };
    column_changes(from, to)
        .into_iter()
        .filter(|c| match c {
            ColumnChange::Type => {
                from.ty.to_sql(d) != to.ty.to_sql(d) || label_check(from) != label_check(to)
            }
            ColumnChange::Comment => d.caps().has_comments,
            _ => true,
        })
        .collect()
}

/// PostgreSQL enum changes: added labels become `ALTER TYPE .. ADD VALUE`
/// (placed with `BEFORE`/`AFTER` when not appended). Removing or reordering
/// labels needs the columns that use the type, which the op does not know:
/// that is an error for now.
pub(crate) fn alter_enum(name: &str, from: &[String], to: &[String], d: Dialect) -> Rendered {
    let removed: Vec<&String> = from.iter().filter(|v| !to.contains(v)).collect();
    if !removed.is_empty() {
        return Err(format!(
            "removing labels from the enum type {name:?} ({}) needs the type to be \
             recreated and every column using it converted; write this revision by hand",
            removed
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let kept: Vec<&String> = to.iter().filter(|v| from.contains(v)).collect();
    if kept.iter().copied().ne(from.iter()) {
        return Err(format!(
            "reordering the labels of the enum type {name:?} is not supported; \
             write this revision by hand"
        ));
    }
    let ty = d.quote_ident(name);
    let mut out = Vec::new();
    for (i, v) in to.iter().enumerate() {
        if from.contains(v) {
            continue;
        }
        let label = d.quote_literal(v);
        let next_existing = to[i + 1..].iter().find(|w| from.contains(w));
        let sql = match (i, next_existing) {
            (_, None) => format!("ALTER TYPE {ty} ADD VALUE {label}"),
            (0, Some(next)) => format!(
                "ALTER TYPE {ty} ADD VALUE {label} BEFORE {}",
                d.quote_literal(next)
            ),
            (_, Some(_)) => format!(
                "ALTER TYPE {ty} ADD VALUE {label} AFTER {}",
                d.quote_literal(&to[i - 1])
            ),
        };
        out.push(sql);
    }
    Ok(out)
}
