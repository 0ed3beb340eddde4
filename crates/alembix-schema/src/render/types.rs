//! Column types per dialect (the table in the crate docs).

use super::Dialect;
use crate::model::ColumnType;

impl ColumnType {
    /// The SQL type of this column type on a dialect, as in the mapping table
    /// of the crate docs. On SQLite an enum is `text` (its `CHECK` is part of
    /// the column definition, not of the type).
    ///
    /// ```
    /// use alembix_schema::{ColumnType, Dialect};
    /// assert_eq!(ColumnType::TimestampTz.to_sql(Dialect::Postgres), "timestamptz");
    /// assert_eq!(ColumnType::TimestampTz.to_sql(Dialect::MySql), "datetime(6)");
    /// assert_eq!(ColumnType::Varchar(None).to_sql(Dialect::MySql), "varchar(255)");
    /// let mood = ColumnType::Enum { name: "mood".into(), values: vec!["ok".into(), "it's".into()] };
    /// assert_eq!(mood.to_sql(Dialect::Postgres), r#""mood""#);
    /// assert_eq!(mood.to_sql(Dialect::MySql), "enum('ok','it''s')");
    /// assert_eq!(mood.to_sql(Dialect::Sqlite), "text");
    /// ```
    pub fn to_sql(&self, dialect: Dialect) -> String {
        use ColumnType as T;
        use Dialect::*;
        let s: &str = match (self, dialect) {
            (T::SmallInt, Postgres | MySql) => "smallint",
            (T::SmallInt | T::Integer | T::BigInt, Sqlite) => "integer",
            (T::Integer, Postgres) => "integer",
            (T::Integer, MySql) => "int",
            (T::BigInt, Postgres | MySql) => "bigint",
            (T::Real, Postgres | Sqlite) => "real",
            (T::Real, MySql) => "float",
            (T::Double, Postgres) => "double precision",
            (T::Double, MySql) => "double",
            (T::Double, Sqlite) => "real",
            (T::Decimal { precision, scale }, Postgres | MySql) => {
                let base = if dialect == Postgres {
                    "numeric"
                } else {
                    "decimal"
                };
                return match (precision, scale) {
                    (Some(p), Some(s)) => format!("{base}({p}, {s})"),
                    (Some(p), None) => format!("{base}({p})"),
                    // A bare MySQL `decimal` is decimal(10, 0) and would drop
                    // every fraction; the widest type keeps rust_decimal values.
                    (None, _) if dialect == MySql => "decimal(65, 30)".to_string(),
                    (None, _) => base.to_string(),
                };
            }
            (T::Decimal { .. }, Sqlite) => "text",
            (T::Boolean, Postgres | Sqlite) => "boolean",
            (T::Boolean, MySql) => "bool",
            (T::Char { length }, Postgres | MySql) => return format!("char({length})"),
            (T::Varchar { length }, Postgres | MySql) => {
                return match (length, dialect) {
                    (Some(n), _) => format!("varchar({n})"),
                    (None, MySql) => "varchar(255)".to_string(),
                    (None, _) => "varchar".to_string(),
                };
            }
            (T::Char { .. } | T::Varchar { .. } | T::Text, Sqlite) => "text",
            (T::Text, Postgres | MySql) => "text",
            (T::Binary, Postgres) => "bytea",
            (T::Binary, MySql) => "longblob",
            (T::Binary | T::Uuid, Sqlite) => "blob",
            (T::Date, Postgres | MySql) => "date",
            (T::Time, Postgres) => "time",
            (T::Time, MySql) => "time(6)",
            (T::Timestamp, Postgres) => "timestamp",
            (T::TimestampTz, Postgres) => "timestamptz",
            (T::Timestamp | T::TimestampTz, MySql) => "datetime(6)",
            (T::Date | T::Time | T::Timestamp | T::TimestampTz | T::Json, Sqlite) => "text",
            (T::Uuid, Postgres) => "uuid",
            (T::Uuid, MySql) => "binary(16)",
            (T::Json, Postgres) => "jsonb",
            (T::Json, MySql) => "json",
            (T::Enum { name, .. }, Postgres) => return dialect.quote_ident(name),
            (T::Enum { values, .. }, MySql) => {
                let labels: Vec<String> = values.iter().map(|v| dialect.quote_literal(v)).collect();
                return format!("enum({})", labels.join(","));
            }
            (T::Enum { .. }, Sqlite) => "text",
            (T::Custom { sql }, _) => sql,
        };
        s.to_string()
    }
}
