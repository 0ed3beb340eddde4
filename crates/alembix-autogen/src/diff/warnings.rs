//! Warnings about destructive ops: drops, narrowing type changes, a column
//! made NOT NULL without a default or a backfill, enum labels removed.

use alembix_schema::{ColumnType, Dialect, Op};

/// `(index of the op, message)` for each destructive op; types are named
/// as `d` writes them.
pub(super) fn warnings(ops: &[Op], d: Dialect) -> Vec<(usize, String)> {
    let mut warnings = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::DropTable { table } => {
                warnings.push((i, format!("drops table `{}` and its rows", table.name)))
            }
            Op::DropPartition { table, partition } => warnings.push((
                i,
                format!(
                    "drops partition `{}` of `{table}` and its rows (declare a model for it to keep it as a table of its own)",
                    partition.name
                ),
            )),
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
                if from.nullable && !to.nullable && to.default.is_none() && to.backfill.is_none() {
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
    warnings
}

/// A narrower type: values may not fit any more.
pub(super) fn narrows(from: &ColumnType, to: &ColumnType) -> bool {
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
