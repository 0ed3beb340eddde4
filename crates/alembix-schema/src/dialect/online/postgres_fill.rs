//! PostgreSQL's batched backfill: one `DO` block that walks the primary
//! key in key order (keyset pagination), updates the rows of
//! [`BACKFILL_BATCH`] keys at a time and commits after each batch, so no
//! row stays locked for long and a stop loses at most one batch.
//!
//! `COMMIT` inside `DO` needs PostgreSQL 11+ and a block run in autocommit,
//! which a no-transaction step is. Every `UPDATE` keeps `col IS NULL`, so
//! running the block again after a stop (or a resume) touches only the rows
//! still to fill.

use crate::dialect::Dialect;
use crate::model::Column;
use crate::plan::{BACKFILL_BATCH, Fill};
use crate::render::TableName;

const D: Dialect = Dialect::Postgres;

/// `a` for one item, `(a, b)` for several: a row value PostgreSQL compares
/// in key order (and with the key's index).
fn row(items: &[String]) -> String {
    match items {
        [one] => one.clone(),
        _ => format!("({})", items.join(", ")),
    }
}

/// The `DO` block that fills `fill` in batches along the key `keys`.
pub(crate) fn batched_update(fill: &Fill, keys: &[&Column]) -> String {
    let t = TableName::bare(&fill.table).sql(D);
    let cols: Vec<String> = keys.iter().map(|c| D.quote_ident(&c.name)).collect();
    let last: Vec<String> = (1..=keys.len())
        .map(|i| format!("alembix_last_{i}"))
        .collect();
    let next: Vec<String> = (1..=keys.len())
        .map(|i| format!("alembix_next_{i}"))
        .collect();
    let mut declare = String::new();
    for (i, c) in keys.iter().enumerate() {
        let ty = c.ty.to_sql(D);
        declare.push_str(&format!("  {} {ty};\n  {} {ty};\n", last[i], next[i]));
    }
    let order = cols.join(", ");
    let desc: Vec<String> = cols.iter().map(|c| format!("{c} DESC")).collect();
    // The last key of the next batch, after `after` (a condition, or none).
    let next_batch = |after: &str| {
        format!(
            "SELECT {order} INTO {} FROM (SELECT {order} FROM {t}{after} ORDER BY {order} LIMIT {BACKFILL_BATCH}) AS batch ORDER BY {} LIMIT 1;",
            next.join(", "),
            desc.join(", ")
        )
    };
    let (key, last_row, next_row) = (row(&cols), row(&last), row(&next));
    let first = next_batch("");
    let later = next_batch(&format!(" WHERE {key} > {last_row}"));
    let update_first = fill.update_where(D, &format!("{key} <= {next_row} AND "));
    let update = fill.update_where(
        D,
        &format!("{key} > {last_row} AND {key} <= {next_row} AND "),
    );
    let keep = last
        .iter()
        .zip(&next)
        .map(|(l, n)| format!("    {l} := {n};\n"))
        .collect::<String>();
    let body = format!(
        "DECLARE\n{declare}BEGIN\n  -- {BACKFILL_BATCH} keys at a time, in key order, each batch committed\n  \
         {first}\n  IF NOT FOUND THEN\n    RETURN;\n  END IF;\n  {update_first};\n  COMMIT;\n  \
         LOOP\n{keep}    {later}\n    EXIT WHEN NOT FOUND;\n    {update};\n    COMMIT;\n  END LOOP;\nEND\n"
    );
    let tag = dollar_tag(&body);
    format!("DO {tag}\n{body}{tag}")
}

/// `$$`, or a tagged quote when the body holds `$$` (a backfill expression
/// with a dollar-quoted string).
fn dollar_tag(body: &str) -> String {
    let mut tag = "$$".to_string();
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$alembix{n}$");
    }
    tag
}
