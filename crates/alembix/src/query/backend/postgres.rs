//! PostgreSQL's own ways: `insert_many` through `UNNEST` of typed arrays.

use alembix_schema::Dialect;
use sea_query::Value;
use sqlx::postgres::PgArguments;

use crate::db::Exec;
use crate::error::Result;
use crate::model::Model;
use crate::query::bulk::insert_values;
use crate::query::write::table_name;
use crate::query::{max_params, quote_ident};

/// Inserts `rows` with one `UNNEST` statement per chunk of as many rows as
/// `VALUES` would take (so the statement count, and the size of one
/// message, stay the same), falling back to `VALUES` for a chunk whose
/// values cannot travel in arrays.
pub(crate) async fn insert_unnest<M: Model>(
    ex: Exec<'_>,
    columns: &[usize],
    rows: &[&M],
) -> Result<u64> {
    let per_stmt = (max_params(ex.dialect()) / columns.len()).max(1);
    let mut total = 0;
    for chunk in rows.chunks(per_stmt) {
        total += match unnest_insert(columns, chunk) {
            Some((sql, args)) => ex.execute_pg(sql, args).await?,
            // NULLs cannot travel in the arrays: multi-row VALUES.
            None => insert_values::<M>(ex, columns, chunk).await?,
        };
    }
    Ok(total)
}

/// PostgreSQL: `INSERT INTO t (a, b) SELECT * FROM UNNEST($1::int8[], $2::text[])`
/// for `rows`: one array parameter per column, so the SQL
/// (and its prepared statement) is the same whatever the number of rows, and
/// the server parses a handful of parameters instead of one per value (about
/// twice as fast as multi-row `VALUES` for 10,000 rows, see BENCHMARKS.md).
/// The arrays carry the values' own types, so the column's assignment cast
/// applies exactly as with `VALUES`. Each array is bound as a typed `Vec<T>`
/// built straight from the rows' values. `None` when a value cannot travel
/// in an array (NULL, a type without array support): the caller uses `VALUES`.
fn unnest_insert<M: Model>(columns: &[usize], rows: &[&M]) -> Option<(String, PgArguments)> {
    use sqlx::Arguments as _;
    let meta = M::meta();
    let d = Dialect::Postgres;
    let mut args = PgArguments::default();
    let mut casts = Vec::with_capacity(columns.len());
    // Binds column `i` of every row as a `Vec<$t>`; any other value (a NULL,
    // another type) gives up on UNNEST.
    macro_rules! bind {
        ($i:expr, $pat:pat $(if $guard:expr)? => $val:expr, $t:ty) => {{
            let mut items: Vec<$t> = Vec::with_capacity(rows.len());
            for row in rows {
                match row.value_at($i) {
                    $pat $(if $guard)? => items.push($val),
                    _ => return None,
                }
            }
            args.add(items).ok()?;
        }};
    }
    for (n, &i) in columns.iter().enumerate() {
        let element_type = match rows.first()?.value_at(i) {
            Value::Bool(Some(_)) => {
                bind!(i, Value::Bool(Some(v)) => v, bool);
                "bool".to_string()
            }
            Value::SmallInt(Some(_)) => {
                bind!(i, Value::SmallInt(Some(v)) => v, i16);
                "int2".to_string()
            }
            Value::Int(Some(_)) => {
                bind!(i, Value::Int(Some(v)) => v, i32);
                "int4".to_string()
            }
            Value::BigInt(Some(_)) => {
                bind!(i, Value::BigInt(Some(v)) => v, i64);
                "int8".to_string()
            }
            Value::Float(Some(_)) => {
                bind!(i, Value::Float(Some(v)) => v, f32);
                "float4".to_string()
            }
            Value::Double(Some(_)) => {
                bind!(i, Value::Double(Some(v)) => v, f64);
                "float8".to_string()
            }
            Value::String(Some(_)) => {
                bind!(i, Value::String(Some(v)) => v, String);
                "text".to_string()
            }
            Value::Bytes(Some(_)) => {
                bind!(i, Value::Bytes(Some(v)) => v, Vec<u8>);
                "bytea".to_string()
            }
            Value::ChronoDate(Some(_)) => {
                bind!(i, Value::ChronoDate(Some(v)) => v, chrono::NaiveDate);
                "date".to_string()
            }
            Value::ChronoTime(Some(_)) => {
                bind!(i, Value::ChronoTime(Some(v)) => v, chrono::NaiveTime);
                "time".to_string()
            }
            Value::ChronoDateTime(Some(_)) => {
                bind!(i, Value::ChronoDateTime(Some(v)) => v, chrono::NaiveDateTime);
                "timestamp".to_string()
            }
            Value::ChronoDateTimeUtc(Some(_)) => {
                bind!(i, Value::ChronoDateTimeUtc(Some(v)) => v, chrono::DateTime<chrono::Utc>);
                "timestamptz".to_string()
            }
            Value::Uuid(Some(_)) => {
                bind!(i, Value::Uuid(Some(v)) => v, uuid::Uuid);
                "uuid".to_string()
            }
            Value::Decimal(Some(_)) => {
                bind!(i, Value::Decimal(Some(v)) => v, rust_decimal::Decimal);
                "numeric".to_string()
            }
            Value::Json(Some(_)) => {
                bind!(i, Value::Json(Some(v)) => *v, serde_json::Value);
                "jsonb".to_string()
            }
            Value::Enum(sea_query::value::OptionEnum::Some(e)) => {
                // Labels travel as text[] and are cast to the enum's array type.
                let type_name = e.type_name.clone();
                bind!(
                    i,
                    Value::Enum(sea_query::value::OptionEnum::Some(v)) if v.type_name == type_name
                        => v.value.into_owned(),
                    String
                );
                format!("text[]::{}", quote_ident(d, type_name.as_ref()))
            }
            _ => return None,
        };
        casts.push(format!("${}::{element_type}[]", n + 1));
    }
    let table = table_name(meta, d);
    let names: Vec<String> = columns
        .iter()
        .map(|i| quote_ident(d, meta.column_name(*i)))
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) SELECT * FROM UNNEST({})",
        names.join(", "),
        casts.join(", ")
    );
    Some((sql, args))
}

