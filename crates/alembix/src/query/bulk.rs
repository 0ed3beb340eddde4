//! `insert_many`: rows grouped by the columns they write, sent in as few
//! statements as the backend's parameter limit allows.

use sea_query::{Query, Values};

use super::write::{column_idens, insert_into};
use crate::db::Exec;
use crate::error::Result;
use crate::model::Model;

pub(crate) async fn insert_many<M: Model>(ex: Exec<'_>, rows: &[M]) -> Result<u64> {
    let mut total = 0;
    for (columns, group) in groups(rows) {
        total += insert_group::<M>(ex, &columns, &group).await?;
    }
    Ok(total)
}

/// The rows grouped by the columns they write (a key to generate or not,
/// defaults to apply or not), in order of first appearance.
fn groups<M: Model>(rows: &[M]) -> Vec<(Vec<usize>, Vec<&M>)> {
    let meta = M::meta();
    // Only the auto-increment key and the columns with a default can be
    // left out of a row's insert. A group keeps which of those its rows
    // leave out; a row is compared with it column by column, with no list
    // built per row.
    let optional: Vec<usize> = (0..meta.table.columns.len())
        .filter(|&i| meta.auto_increment == Some(i) || meta.table.columns[i].default.is_some())
        .collect();
    let mut groups: Vec<(Vec<bool>, Vec<&M>)> = Vec::new();
    for row in rows {
        let same = |pattern: &[bool]| {
            pattern
                .iter()
                .zip(&optional)
                .all(|(&out, &i)| left_out(row, i) == out)
        };
        match groups.iter_mut().find(|(pattern, _)| same(pattern)) {
            Some((_, group)) => group.push(row),
            None => {
                let pattern = optional.iter().map(|&i| left_out(row, i)).collect();
                groups.push((pattern, vec![row]));
            }
        }
    }
    groups
        .into_iter()
        .map(|(pattern, group)| {
            let columns = (0..meta.table.columns.len())
                .filter(|i| {
                    optional
                        .iter()
                        .position(|o| o == i)
                        .is_none_or(|at| !pattern[at])
                })
                .collect();
            (columns, group)
        })
        .collect()
}

/// Whether `row`'s insert leaves column `i` out: the auto-increment key
/// left at 0 (as `insert_columns`), or NULL in a column with a default (as
/// `insert_columns_for_defaults`).
fn left_out<M: Model>(row: &M, i: usize) -> bool {
    if M::meta().auto_increment == Some(i) {
        return row.auto_key_unset();
    }
    let v = row.value_at(i);
    v == v.as_null()
}

/// One group of rows writing the same columns: as typed arrays where the
/// backend takes them, else multi-row `VALUES`.
async fn insert_group<M: Model>(ex: Exec<'_>, columns: &[usize], rows: &[&M]) -> Result<u64> {
    #[cfg(feature = "postgres")]
    if ex.dialect().caps().insert_from_arrays && !columns.is_empty() {
        return super::backend::postgres::insert_unnest::<M>(ex, columns, rows).await;
    }
    insert_values::<M>(ex, columns, rows).await
}

/// Multi-row `VALUES`, as many rows per statement as the parameter limit allows.
pub(crate) async fn insert_values<M: Model>(
    ex: Exec<'_>,
    columns: &[usize],
    rows: &[&M],
) -> Result<u64> {
    let mut total = 0;
    let dialect = ex.dialect();
    let per_stmt = (dialect.caps().max_bind_params / columns.len().max(1)).max(1);
    if !dialect.caps().numbered_placeholders && !columns.is_empty() {
        // `?` placeholders and the values as they are: what sea-query would
        // render, without building an expression tree of every value first
        // (that tree made insert_many ~1.5x slower than sqlx on SQLite).
        let meta = M::meta();
        let head = format!("{} VALUES ", insert_into(meta, dialect, columns));
        let tuple = format!("({})", vec!["?"; columns.len()].join(", "));
        for chunk in rows.chunks(per_stmt) {
            let mut sql = String::with_capacity(head.len() + chunk.len() * (tuple.len() + 2));
            sql.push_str(&head);
            let mut values = Vec::with_capacity(chunk.len() * columns.len());
            for (n, row) in chunk.iter().enumerate() {
                if n > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&tuple);
                values.extend(columns.iter().map(|i| row.value_at(*i)));
            }
            total += ex.execute(sql, Values(values)).await?.rows_affected;
        }
        return Ok(total);
    }
    for chunk in rows.chunks(per_stmt) {
        let mut stmt = Query::insert();
        stmt.into_table(M::meta().table_ref())
            .columns(column_idens::<M>(columns));
        for row in chunk {
            stmt.values_panic(
                columns
                    .iter()
                    .map(|i| sea_query::Expr::val(row.value_at(*i))),
            );
        }
        let (sql, values) = ex.dialect().build_query(&stmt);
        total += ex.execute(sql, values).await?.rows_affected;
    }
    Ok(total)
}
