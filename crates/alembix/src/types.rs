//! How Rust values travel to and from each backend.

use sea_query::Value;
#[cfg(feature = "mysql")]
use sqlx::mysql::MySqlRow;
#[cfg(feature = "postgres")]
use sqlx::postgres::PgRow;
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
}

macro_rules! native {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
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
                row.try_get(index)
            }
        }
    )*};
}

native! {
    bool => Bool,
    i16 => SmallInt,
    i32 => Int,
    i64 => BigInt,
    f32 => Float,
    f64 => Double,
    String => String,
    Vec<u8> => Bytes,
    chrono::NaiveDate => ChronoDate,
    chrono::NaiveTime => ChronoTime,
    chrono::NaiveDateTime => ChronoDateTime,
    chrono::DateTime<chrono::Utc> => ChronoDateTimeUtc,
    uuid::Uuid => Uuid,
}

impl DbType for rust_decimal::Decimal {
    fn to_value(&self) -> Value {
        Value::Decimal(Some(*self))
    }
    fn null_value() -> Value {
        Value::Decimal(None)
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
    /// SQLite has no exact decimal: the value is kept as text.
    fn decode_sqlite(row: &SqliteRow, index: usize) -> Result<Self, DecodeError> {
        let text: String = row.try_get(index)?;
        text.parse().map_err(|e| sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source: Box::new(e),
        })
    }
}

impl DbType for serde_json::Value {
    fn to_value(&self) -> Value {
        Value::Json(Some(Box::new(self.clone())))
    }
    fn null_value() -> Value {
        Value::Json(None)
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
        row.try_get(index)
    }
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
    #[cfg(feature = "postgres")]
    fn decode_pg(row: &PgRow, index: usize) -> Result<Self, DecodeError> {
        if row.try_get_raw(index)?.is_null() {
            return Ok(None);
        }
        T::decode_pg(row, index).map(Some)
    }
    #[cfg(feature = "mysql")]
    fn decode_mysql(row: &MySqlRow, index: usize) -> Result<Self, DecodeError> {
        if row.try_get_raw(index)?.is_null() {
            return Ok(None);
        }
        T::decode_mysql(row, index).map(Some)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(row: &SqliteRow, index: usize) -> Result<Self, DecodeError> {
        if row.try_get_raw(index)?.is_null() {
            return Ok(None);
        }
        T::decode_sqlite(row, index).map(Some)
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

#[cfg(feature = "postgres")]
#[doc(hidden)]
pub fn decode_enum_pg<E: DbEnum>(row: &PgRow, index: usize, rust: &str) -> Result<E, DecodeError> {
    // An enum type is not `text` to sqlx's type check; its wire form is the label.
    let raw = row.try_get_raw(index)?;
    let text = <&str as sqlx::Decode<sqlx::Postgres>>::decode(raw).map_err(|source| {
        sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source,
        }
    })?;
    enum_from_text(text, index, rust)
}

#[cfg(feature = "mysql")]
#[doc(hidden)]
pub fn decode_enum_mysql<E: DbEnum>(
    row: &MySqlRow,
    index: usize,
    rust: &str,
) -> Result<E, DecodeError> {
    let raw = row.try_get_raw(index)?;
    let text = <&str as sqlx::Decode<sqlx::MySql>>::decode(raw).map_err(|source| {
        sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source,
        }
    })?;
    enum_from_text(text, index, rust)
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
