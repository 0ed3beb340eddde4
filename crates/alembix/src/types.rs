//! How Rust values travel to and from each backend.

use sea_query::Value;
#[cfg(feature = "mysql")]
use sqlx::mysql::MySqlRow;
#[cfg(feature = "postgres")]
use sqlx::postgres::{PgArguments, PgRow};
#[cfg(feature = "sqlite")]
use sqlx::sqlite::SqliteRow;
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
use sqlx::{Row, ValueRef};

use crate::error::DecodeError;

/// A Rust type that can be stored in a column: how to bind it and how to
/// read it back on each backend.
///
/// Implemented for the types in the mapping table of the crate docs, for
/// `Option<T>`, and by `#[derive(DbEnum)]`. Implement it for your own types
/// together with `#[column(sql_type = "...")]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "no column type for `{Self}`",
    note = "derive `DbEnum` for it, or add #[column(sql_type = \"...\")] and implement `alembix::DbType`"
)]
pub trait DbType: Sized + Send + Sync + 'static {
    /// The value to bind.
    fn to_value(&self) -> Value;
    /// A NULL of this type (for `Option::None`).
    fn null_value() -> Value;
    #[cfg(feature = "postgres")]
    /// Reads column `index` of a PostgreSQL row.
    fn decode_pg(row: &PgRow, index: usize) -> Result<Self, DecodeError>;
    #[cfg(feature = "mysql")]
    /// Reads column `index` of a MySQL row.
    fn decode_mysql(row: &MySqlRow, index: usize) -> Result<Self, DecodeError>;
    #[cfg(feature = "sqlite")]
    /// Reads column `index` of a SQLite row.
    fn decode_sqlite(row: &SqliteRow, index: usize) -> Result<Self, DecodeError>;
    /// How a computed expression (an aggregate, arithmetic, a scalar
    /// subquery) read back as `Self` is written in the select list of a
    /// query on `backend`. The SQL type of a computed value differs between
    /// backends (`SUM` of a `bigint` is `numeric` on PostgreSQL and
    /// `DECIMAL` on MySQL/MariaDB), so `i64` casts it to the backend's
    /// 64-bit integer, `f64` to its double, and `Decimal` to text on SQLite
    /// (where decimals are stored as text); every other type leaves it as
    /// it is. Plain columns are never cast.
    fn result_expr(expr: sea_query::Expr, backend: crate::Backend) -> sea_query::Expr {
        let _ = backend;
        expr
    }
    /// PostgreSQL `insert_many`: binds `items` (one column of the rows) as
    /// one typed array, borrowed from the rows, and gives the array's
    /// element type; `None` (nothing bound) for a type that does not travel
    /// this way, whose values are then bound through [`DbType::to_value`].
    #[cfg(feature = "postgres")]
    #[doc(hidden)]
    fn bind_pg_array<'a>(
        items: impl Iterator<Item = &'a Self>,
        args: &mut PgArguments,
    ) -> Option<&'static str>
    where
        Self: 'a,
    {
        let _ = (items, args);
        None
    }
}

/// `DbType` for types sea-query binds as a `Value` variant and sqlx decodes
/// on every backend; `sqlite: f` reads the SQLite column with `f` instead.
macro_rules! native {
    ($($ty:ty => $variant:ident $(, sqlite: $sqlite:path)? $(, result: $result:path)? $(, pg_array: $how:ident $element:literal)?;)*) => {$(
        impl DbType for $ty {
            fn to_value(&self) -> Value {
                Value::$variant(Some(self.clone().into()))
            }
            fn null_value() -> Value {
                Value::$variant(None)
            }
            #[cfg(feature = "postgres")]
            fn decode_pg(row: &PgRow, index: usize) -> Result<Self, DecodeError> {
                row.try_get(index)
            }
            #[cfg(feature = "mysql")]
            fn decode_mysql(row: &MySqlRow, index: usize) -> Result<Self, DecodeError> {
                row.try_get(index)
            }
            #[cfg(feature = "sqlite")]
            fn decode_sqlite(row: &SqliteRow, index: usize) -> Result<Self, DecodeError> {
                native!(@sqlite row, index $(, $sqlite)?)
            }
            $(
                fn result_expr(expr: sea_query::Expr, backend: crate::Backend) -> sea_query::Expr {
                    $result(expr, backend)
                }
            )?
            $(
                #[cfg(feature = "postgres")]
                fn bind_pg_array<'a>(
                    items: impl Iterator<Item = &'a Self>,
                    args: &mut PgArguments,
                ) -> Option<&'static str> {
                    sqlx::Arguments::add(args, native!(@array $how items)).ok()?;
                    Some($element)
                }
            )?
        }
    )*};
    (@array copy $items:ident) => { $items.copied().collect::<Vec<Self>>() };
    (@array str $items:ident) => { $items.map(String::as_str).collect::<Vec<&str>>() };
    (@sqlite $row:ident, $index:ident) => { $row.try_get($index) };
    (@sqlite $row:ident, $index:ident, $decode:path) => { $decode($row, $index) };
}

// `pg_array`: how `insert_many` binds a column of the type on PostgreSQL,
// as one array borrowed from the rows (`copy`: the values copied into a
// `Vec<T>`; `str`: a `Vec<&str>`), and the array's element type.
native! {
    bool => Bool, pg_array: copy "bool";
    i16 => SmallInt, pg_array: copy "int2";
    i32 => Int, pg_array: copy "int4";
    i64 => BigInt, result: cast_i64, pg_array: copy "int8";
    f32 => Float, pg_array: copy "float4";
    f64 => Double, result: cast_f64, pg_array: copy "float8";
    String => String, pg_array: str "text";
    Vec<u8> => Bytes;
    chrono::NaiveDate => ChronoDate, pg_array: copy "date";
    chrono::NaiveTime => ChronoTime, pg_array: copy "time";
    chrono::NaiveDateTime => ChronoDateTime, pg_array: copy "timestamp";
    chrono::DateTime<chrono::Utc> => ChronoDateTimeUtc, pg_array: copy "timestamptz";
    uuid::Uuid => Uuid, pg_array: copy "uuid";
    serde_json::Value => Json;
    rust_decimal::Decimal => Decimal, sqlite: decimal_from_sqlite, result: cast_decimal, pg_array: copy "numeric";
}

/// `CAST(expr AS type)`, `type` written as it is (a fixed type name).
fn cast(expr: sea_query::Expr, type_name: &'static str) -> sea_query::Expr {
    sea_query::Func::cast_as(expr, sea_query::Alias::new(type_name)).into()
}

/// `expr`, cast to `type_name` when there is one.
fn cast_to(expr: sea_query::Expr, type_name: Option<&'static str>) -> sea_query::Expr {
    match type_name {
        Some(t) => cast(expr, t),
        None => expr,
    }
}

/// A computed `i64` (see `Capabilities::integer_result_cast`).
fn cast_i64(expr: sea_query::Expr, backend: crate::Backend) -> sea_query::Expr {
    cast_to(expr, backend.caps().integer_result_cast)
}

/// A computed `f64`: the backend's double whatever the expression's type.
fn cast_f64(expr: sea_query::Expr, backend: crate::Backend) -> sea_query::Expr {
    cast(expr, backend.caps().double_result_cast)
}

/// A computed `Decimal` (see `Capabilities::decimal_result_cast`).
fn cast_decimal(expr: sea_query::Expr, backend: crate::Backend) -> sea_query::Expr {
    cast_to(expr, backend.caps().decimal_result_cast)
}

/// SQLite has no exact decimal: the value is kept as text.
#[cfg(feature = "sqlite")]
fn decimal_from_sqlite(
    row: &SqliteRow,
    index: usize,
) -> Result<rust_decimal::Decimal, DecodeError> {
    let text: String = row.try_get(index)?;
    text.parse().map_err(|e| sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: Box::new(e),
    })
}

/// Reads column `index` as NULL or as a value `decode` reads.
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
fn decode_nullable<R, T>(
    row: &R,
    index: usize,
    decode: fn(&R, usize) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
{
    if row.try_get_raw(index)?.is_null() {
        return Ok(None);
    }
    decode(row, index).map(Some)
}

impl<T: DbType> DbType for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => T::null_value(),
        }
    }
    fn null_value() -> Value {
        T::null_value()
    }
    fn result_expr(expr: sea_query::Expr, backend: crate::Backend) -> sea_query::Expr {
        T::result_expr(expr, backend)
    }
    #[cfg(feature = "postgres")]
    fn decode_pg(row: &PgRow, index: usize) -> Result<Self, DecodeError> {
        decode_nullable(row, index, T::decode_pg)
    }
    #[cfg(feature = "mysql")]
    fn decode_mysql(row: &MySqlRow, index: usize) -> Result<Self, DecodeError> {
        decode_nullable(row, index, T::decode_mysql)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(row: &SqliteRow, index: usize) -> Result<Self, DecodeError> {
        decode_nullable(row, index, T::decode_sqlite)
    }
}

/// A Rust enum stored as a database enum; implemented by `#[derive(DbEnum)]`.
///
/// ```
/// use alembix::DbEnum;
/// #[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
/// #[db_enum(name = "mood")]
/// enum Mood { Happy, Sad }
/// assert_eq!(Mood::Happy.label(), "happy");
/// assert_eq!(Mood::from_label("sad"), Some(Mood::Sad));
/// assert_eq!(Mood::NAME, "mood");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    note = "derive `DbEnum` for it, or add #[column(sql_type = \"...\")] and implement `alembix::DbType`"
)]
pub trait DbEnum: Sized + Send + Sync + 'static {
    /// The enum type's name (PostgreSQL type name).
    const NAME: &'static str;
    /// The labels, in declaration order.
    const LABELS: &'static [&'static str];
    /// This value's label.
    fn label(&self) -> &'static str;
    /// The value with this label.
    fn from_label(label: &str) -> Option<Self>;
    /// The schema's view of the enum.
    fn enum_type() -> alembix_schema::EnumType {
        alembix_schema::EnumType {
            name: Self::NAME.to_string(),
            values: Self::LABELS.iter().map(|l| l.to_string()).collect(),
        }
    }
}

#[doc(hidden)]
pub fn enum_value<E: DbEnum>(v: Option<&E>) -> Value {
    use sea_query::value::{Enum, OptionEnum};
    let type_name = E::NAME.into();
    Value::Enum(match v {
        Some(v) => OptionEnum::Some(Box::new(Enum {
            type_name,
            value: v.label().into(),
        })),
        None => OptionEnum::None(type_name),
    })
}

fn enum_from_text<E: DbEnum>(text: &str, index: usize, rust: &str) -> Result<E, DecodeError> {
    E::from_label(text).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: format!("`{text}` is not a label of {rust}").into(),
    })
}

/// Reads column `index` as its wire text and looks the label up: an enum
/// type is not `text` to sqlx's type check, but its wire form is the label.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn decode_enum_label<'r, R, E>(row: &'r R, index: usize, rust: &str) -> Result<E, DecodeError>
where
    R: Row,
    E: DbEnum,
    usize: sqlx::ColumnIndex<R>,
    &'r str: sqlx::Decode<'r, R::Database>,
{
    let raw = row.try_get_raw(index)?;
    let text = <&str as sqlx::Decode<R::Database>>::decode(raw).map_err(|source| {
        sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source,
        }
    })?;
    enum_from_text(text, index, rust)
}

#[cfg(feature = "postgres")]
#[doc(hidden)]
pub fn decode_enum_pg<E: DbEnum>(row: &PgRow, index: usize, rust: &str) -> Result<E, DecodeError> {
    decode_enum_label(row, index, rust)
}

#[cfg(feature = "mysql")]
#[doc(hidden)]
pub fn decode_enum_mysql<E: DbEnum>(
    row: &MySqlRow,
    index: usize,
    rust: &str,
) -> Result<E, DecodeError> {
    decode_enum_label(row, index, rust)
}

#[cfg(feature = "sqlite")]
#[doc(hidden)]
pub fn decode_enum_sqlite<E: DbEnum>(
    row: &SqliteRow,
    index: usize,
    rust: &str,
) -> Result<E, DecodeError> {
    let text: String = row.try_get(index)?;
    enum_from_text(&text, index, rust)
}
