//! MySQL and MariaDB.

use sea_query::{ColumnDef, Table as SqTable};

use super::{CompoundBodies, Dialect, SqlDialect};
use crate::model::{Column, ColumnType, Table};
use crate::op::ColumnChange;
use crate::render::{TableName, column_def};

const D: Dialect = Dialect::MySql;

/// The MySQL and MariaDB dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySql;

impl SqlDialect for MySql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn name(&self) -> &'static str {
        "mysql"
    }

    fn title(&self) -> &'static str {
        "MySQL/MariaDB"
    }

    fn url_schemes(&self) -> &'static [&'static str] {
        &["mysql", "mariadb"]
    }

    // DDL commits the transaction it runs in.
    fn transactional_ddl(&self) -> bool {
        false
    }

    fn identifier_quote(&self) -> char {
        '`'
    }

    fn backslash_escapes(&self) -> bool {
        true
    }

    fn max_identifier_len(&self) -> usize {
        64
    }

    fn has_partial_and_expression_indexes(&self) -> bool {
        false
    }

    fn always_returns(&self) -> bool {
        false
    }

    fn column_type(&self, ty: &ColumnType) -> String {
        use ColumnType as T;
        let s = match ty {
            T::SmallInt => "smallint",
            T::Integer => "int",
            T::BigInt => "bigint",
            T::Real => "float",
            T::Double => "double",
            T::Decimal { precision, scale } => {
                return match (precision, scale) {
                    (Some(p), Some(s)) => format!("decimal({p}, {s})"),
                    (Some(p), None) => format!("decimal({p})"),
                    // A bare `decimal` is decimal(10, 0) and would drop every
                    // fraction; the widest type keeps rust_decimal values.
                    (None, _) => "decimal(65, 30)".to_string(),
                };
            }
            T::Boolean => "bool",
            T::Char { length } => return format!("char({length})"),
            T::Varchar { length: Some(n) } => return format!("varchar({n})"),
            T::Varchar { length: None } => "varchar(255)",
            T::Text => "text",
            T::Binary => "longblob",
            T::Date => "date",
            T::Time => "time(6)",
            T::Timestamp | T::TimestampTz => "datetime(6)",
            T::Uuid => "binary(16)",
            T::Json => "json",
            T::Enum { values, .. } => {
                let labels: Vec<String> = values.iter().map(|v| D.quote_literal(v)).collect();
                return format!("enum({})", labels.join(","));
            }
            T::Custom { sql } => sql,
        };
        s.to_string()
    }

    fn auto_increment(&self, def: &mut ColumnDef, _inline_key: bool, _extra: &mut Vec<String>) {
        def.auto_increment();
    }

    fn column_extras(&self, col: &Column, extra: &mut Vec<String>) {
        if let Some(comment) = &col.comment {
            extra.push(format!("COMMENT {}", D.quote_literal(comment)));
        }
    }

    fn table_options(&self, table: &Table) -> String {
        match &table.comment {
            Some(comment) => format!(" COMMENT {}", D.quote_literal(comment)),
            None => String::new(),
        }
    }

    fn table_comment(&self, table_sql: &str, comment: Option<&str>) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {table_sql} COMMENT = {}",
            D.quote_literal(comment.unwrap_or(""))
        )]
    }

    fn rename_table(&self, at: &str, new_name: &str) -> String {
        format!("RENAME TABLE {at} TO {}", D.quote_ident(new_name))
    }

    fn drop_index_names_table(&self) -> bool {
        true
    }

    fn drop_unique(&self, table: &str, name: &str) -> String {
        format!(
            "ALTER TABLE {} DROP INDEX {}",
            TableName::bare(table).sql(D),
            D.quote_ident(name)
        )
    }

    fn drop_primary_key(&self, table: &str, _name: &str) -> String {
        format!(
            "ALTER TABLE {} DROP PRIMARY KEY",
            TableName::bare(table).sql(D)
        )
    }

    // One `MODIFY COLUMN` with the full new definition.
    fn alter_column(
        &self,
        tn: TableName<'_>,
        _from: &Column,
        to: &Column,
        _changes: &[ColumnChange],
    ) -> Result<Vec<String>, String> {
        let def = column_def(to, D, false)?;
        Ok(vec![D.build_schema(
            SqTable::alter().table(tn.sea_query(D)).modify_column(def),
        )])
    }

    fn drop_cycle_foreign_key(&self, table_sql: &str, name: &str) -> Option<String> {
        Some(format!(
            "ALTER TABLE {table_sql} DROP FOREIGN KEY {}",
            D.quote_ident(name)
        ))
    }

    // ---- lexical rules for splitting SQL text into statements ----

    fn mysql_comments(&self) -> bool {
        true
    }

    fn delimiter_command(&self) -> bool {
        true
    }

    fn compound_bodies(&self) -> CompoundBodies {
        CompoundBodies::Compound
    }
}
