//! PostgreSQL's own ways: `insert_many` through `UNNEST` of typed arrays.

use alembix_schema::Dialect;
use sea_query::Value;
use sqlx::postgres::PgArguments;

use crate::db::Exec;
use crate::error::Result;
use crate::model::Model;
use crate::query::bulk::insert_values;
use crate::query::write::insert_into;

/// Inserts `rows` with one `UNNEST` statement per chunk of as many rows as
/// `VALUES` would take (so the statement count, and the size of one
/// message, stay the same), falling back to `VALUES` for a chunk whose
/// values cannot travel in arrays.
pub(crate) async fn insert_unnest<M: Model>(
    ex: Exec<'_>,
    columns: &[usize],
    rows: &[&M],
) -> Result<u64> {
    let per_stmt = (ex.dialect().caps().max_bind_params / columns.len()).max(1);
    let mut total = 0;
    for chunk in rows.chunks(per_stmt) {
        total += match unnest_insert(columns, chunk) {
            Some((sql, args)) => {
                let values = || {
                    let each_row = chunk
                        .iter()
                        .flat_map(|r| columns.iter().map(|i| r.value_at(*i)));
                    sea_query::Values(each_row.collect())
                };
                ex.execute_pg(sql, args, values).await?
            }
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
    let meta = M::meta();
    let d = Dialect::Postgres;
    let mut args = PgArguments::default();
    let mut casts = Vec::with_capacity(columns.len());
    for (n, &i) in columns.iter().enumerate() {
        let element_type = bind_column(&mut args, rows, i)?;
        casts.push(format!("${}::{element_type}[]", n + 1));
    }
    let sql = format!(
        "{} SELECT * FROM UNNEST({})",
        insert_into(meta, d, columns),
        casts.join(", ")
    );
    Some((sql, args))
}

/// The closure that takes the payload of one `Value` variant (not NULL).
macro_rules! take {
    ($variant:ident) => {
        |v| match v {
            Value::$variant(Some(x)) => Some(x),
            _ => None,
        }
    };
}

/// Binds column `i` of every row as one typed array, and gives the array's
/// element type; `None` when a value cannot travel in it. The column's
/// field type binds a borrowed array itself where it can (no value is
/// cloned); otherwise each row's value is converted and taken apart.
fn bind_column<M: Model>(args: &mut PgArguments, rows: &[&M], i: usize) -> Option<String> {
    if let Some(element) = M::bind_pg_column(rows, i, args) {
        return Some(element.to_string());
    }
    let ty = match rows.first()?.value_at(i) {
        Value::Bool(Some(_)) => bind_array(args, rows, i, take!(Bool)).map(|_| "bool"),
        Value::SmallInt(Some(_)) => bind_array(args, rows, i, take!(SmallInt)).map(|_| "int2"),
        Value::Int(Some(_)) => bind_array(args, rows, i, take!(Int)).map(|_| "int4"),
        Value::BigInt(Some(_)) => bind_array(args, rows, i, take!(BigInt)).map(|_| "int8"),
        Value::Float(Some(_)) => bind_array(args, rows, i, take!(Float)).map(|_| "float4"),
        Value::Double(Some(_)) => bind_array(args, rows, i, take!(Double)).map(|_| "float8"),
        Value::String(Some(_)) => bind_array(args, rows, i, take!(String)).map(|_| "text"),
        Value::Bytes(Some(_)) => bind_array(args, rows, i, take!(Bytes)).map(|_| "bytea"),
        Value::ChronoDate(Some(_)) => bind_array(args, rows, i, take!(ChronoDate)).map(|_| "date"),
        Value::ChronoTime(Some(_)) => bind_array(args, rows, i, take!(ChronoTime)).map(|_| "time"),
        Value::ChronoDateTime(Some(_)) => {
            bind_array(args, rows, i, take!(ChronoDateTime)).map(|_| "timestamp")
        }
        Value::ChronoDateTimeUtc(Some(_)) => {
            bind_array(args, rows, i, take!(ChronoDateTimeUtc)).map(|_| "timestamptz")
        }
        Value::Uuid(Some(_)) => bind_array(args, rows, i, take!(Uuid)).map(|_| "uuid"),
        Value::Decimal(Some(_)) => bind_array(args, rows, i, take!(Decimal)).map(|_| "numeric"),
        Value::Json(Some(_)) => bind_array(args, rows, i, |v| match v {
            Value::Json(Some(x)) => Some(*x),
            _ => None,
        })
        .map(|_| "jsonb"),
        Value::Enum(sea_query::value::OptionEnum::Some(e)) => {
            // Labels travel as text[] and are cast to the enum's array type.
            let type_name = e.type_name.clone();
            bind_array(args, rows, i, |v| match v {
                Value::Enum(sea_query::value::OptionEnum::Some(v)) if v.type_name == type_name => {
                    Some(v.value.into_owned())
                }
                _ => None,
            })?;
            return Some(format!(
                "text[]::{}",
                Dialect::Postgres.quote_ident(type_name.as_ref())
            ));
        }
        _ => None,
    };
    ty.map(str::to_string)
}

/// Binds column `i` of every row as a `Vec<T>`; `None` when a row's value
/// is not a `T` (a NULL, another type), which gives up on UNNEST.
fn bind_array<M: Model, T>(
    args: &mut PgArguments,
    rows: &[&M],
    i: usize,
    take: impl Fn(Value) -> Option<T>,
) -> Option<()>
where
    Vec<T>: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    use sqlx::Arguments as _;
    let items = rows
        .iter()
        .map(|row| take(row.value_at(i)))
        .collect::<Option<Vec<T>>>()?;
    args.add(items).ok()
}
