//! `insert_many`: rows grouped by the columns they write, sent in as few
//! statements as the backend's parameter limit allows.

use sea_query::{Query, Values};

use super::write::{column_idens, insert_columns, insert_columns_for_defaults, insert_into};
use crate::db::Exec;
use crate::error::Result;
use crate::model::Model;

pub(crate) async fn insert_many<M: Model>(ex: Exec<'_>, rows: &[M]) -> Result<u64> {
    // Rows that write the same columns (a key to generate or not, defaults
    // to apply or not) are batched together.
    let mut groups: Vec<(Vec<usize>, Vec<&M>)> = Vec::new();
    for row in rows {
        let columns = insert_columns_for_defaults(row, &insert_columns(row));
        match groups.iter_mut().find(|(c, _)| *c == columns) {
            Some((_, group)) => group.push(row),
            None => groups.push((columns, vec![row])),
        }
    }
    let mut total = 0;
    for (columns, group) in groups {
        total += insert_group::<M>(ex, &columns, &group).await?;
    }
    Ok(total)
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
