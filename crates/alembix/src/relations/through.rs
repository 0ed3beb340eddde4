//! Many-to-many relations through a join model: one statement joining the
//! join model to the target, filtered by the keys of the rows loaded for.

use alembix_schema::ForeignKey;
use sea_query::{ExprTrait, IntoIden, Query};

use super::{Grouping, batch_size, distinct, position, single};
use crate::db::{Exec, Route};
use crate::error::{Error, Result};
use crate::model::Model;

/// The one foreign key of the join model `J` to `P`'s table.
fn only_foreign_key<J: Model, P: Model>() -> Result<&'static ForeignKey> {
    let target = &P::meta().table.name;
    let found: Vec<&ForeignKey> = J::meta()
        .table
        .foreign_keys
        .iter()
        .filter(|fk| &fk.ref_table == target)
        .collect();
    match found.as_slice() {
        [fk] => Ok(fk),
        [] => Err(Error::Usage(format!(
            "join model {} has no foreign key to `{target}`; a join model needs one \
             foreign key to each side (#[column(references = \"{target}.<column>\")])",
            J::meta().rust_name
        ))),
        many => Err(Error::Usage(format!(
            "join model {} has {} foreign keys to `{target}` ({}); the side to load through \
             is ambiguous",
            J::meta().rust_name,
            many.len(),
            many.iter()
                .map(|fk| format!("`{}`", fk.columns.join(", ")))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn column(table: &str, column: &str) -> sea_query::Expr {
    sea_query::Expr::col((
        table.to_string().into_iden(),
        column.to_string().into_iden(),
    ))
}

/// The rows of `T` linked to the rows of `M` by rows of the join model
/// `J`, flat (a target linked to several rows is there once per link), and
/// which row each belongs to.
pub(crate) async fn load_through<M: Model, J: Model, T: Model>(
    ex: Exec<'_>,
    rows: &[M],
    batch: Option<usize>,
) -> Result<(Vec<T>, Grouping)> {
    let (join_to_row, row_key) = single(only_foreign_key::<J, M>()?)?;
    let (join_to_target, target_key) = single(only_foreign_key::<J, T>()?)?;
    let mi = position::<M>(row_key)?;
    let ji = position::<J>(join_to_row)?;
    let keys = distinct(rows.iter().map(|r| r.value_at(mi)));
    if keys.is_empty() {
        let none = Grouping::new(rows.iter().map(|r| r.value_at(mi)), std::iter::empty());
        return Ok((Vec::new(), none));
    }
    let (jmeta, tmeta) = (J::meta(), T::meta());
    let on = column(&jmeta.table.name, join_to_target).equals((
        tmeta.table.name.clone().into_iden(),
        target_key.to_string().into_iden(),
    ));
    let mut pairs: Vec<(T, J)> = Vec::new();
    for part in keys.chunks(batch_size(&ex, batch)) {
        let mut stmt = Query::select();
        stmt.expr(tmeta.select_all())
            .expr(jmeta.select_all())
            .from(tmeta.table_ref())
            .inner_join(jmeta.table_ref(), on.clone())
            .and_where(super::key_in(
                &ex,
                column(&jmeta.table.name, join_to_row),
                part,
            ));
        let (sql, values) = ex.dialect().build_query(&stmt);
        let rows = ex.read(sql, values, Route::Replica).await?;
        pairs.extend(rows.decode_pairs::<T, J>()?);
    }
    let grouping = Grouping::new(
        rows.iter().map(|r| r.value_at(mi)),
        pairs.iter().map(|(_, j)| j.value_at(ji)),
    );
    Ok((pairs.into_iter().map(|(t, _)| t).collect(), grouping))
}
