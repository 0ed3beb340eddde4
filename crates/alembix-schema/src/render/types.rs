//! Column types per dialect (the table in the crate docs).

use super::Dialect;
use crate::model::ColumnType;

impl ColumnType {
    /// The SQL type of this column type on a dialect, as in the mapping table
    /// of the crate docs. On SQLite an enum is `text` (its `CHECK` is part of
    /// the column definition, not of the type).
    ///
    /// ```
    /// use alembix_schema::{ColumnType, Dialect::*};
    /// assert_eq!(ColumnType::TimestampTz.to_sql(Postgres), "timestamptz");
    /// assert_eq!(ColumnType::TimestampTz.to_sql(MySql), "datetime(6)");
    /// assert_eq!(ColumnType::Varchar(None).to_sql(MySql), "varchar(255)");
    /// let mood = ColumnType::Enum { name: "mood".into(), values: vec!["ok".into(), "it's".into()] };
    /// assert_eq!(mood.to_sql(Postgres), r#""mood""#);
    /// assert_eq!(mood.to_sql(MySql), "enum('ok','it''s')");
    /// assert_eq!(mood.to_sql(Sqlite), "text");
    /// ```
    pub fn to_sql(&self, dialect: Dialect) -> String {
        dialect.rules().column_type(self)
    }
}
