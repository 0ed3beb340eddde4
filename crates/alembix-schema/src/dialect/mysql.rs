//! MySQL and MariaDB.

use sea_query::{ColumnDef, Table as SqTable};

use super::OnlineAlgorithm::{Inplace, Instant};
use super::{
    AutoIncrementOutsideKey, Capabilities, CompoundBodies, Dialect, OnlineAlter, ReplicaPositions,
    SqlDialect,
};
use crate::model::{Column, ColumnType, Table};
use crate::objects::{ObjectKind, SqlObject};
use crate::op::ColumnChange;
use crate::render::{TableName, column_def};

const D: Dialect = Dialect::MySql;

/// The MySQL and MariaDB dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySql;

/// Where MySQL and MariaDB differ from standard SQL.
const CAPS: Capabilities = Capabilities {
    name: "mysql",
    title: "MySQL/MariaDB",
    db_system: "mysql",
    url_schemes: &["mysql", "mariadb"],
    // DDL commits the transaction it runs in.
    transactional_ddl: false,
    identifier_quote: '`',
    backslash_escapes: true,
    max_identifier_len: 64,
    has_partial_and_expression_indexes: false,
    auto_increment_outside_key: AutoIncrementOutsideKey::Unique,
    always_returns: false,
    upsert_targets_key: false,
    integer_result_cast: Some("SIGNED"),
    double_result_cast: "DOUBLE",
    drop_index_names_table: true,
    mysql_comments: true,
    delimiter_command: true,
    compound_bodies: CompoundBodies::Compound,
    online_alter_clauses: true,
    online_alter: ONLINE_ALTER,
    object_kinds: &[
        ObjectKind::Function,
        ObjectKind::Procedure,
        ObjectKind::View,
        ObjectKind::Trigger,
    ],
    ..Capabilities::STANDARD
};

/// What MariaDB 10.11 accepts for each statement autogen writes (tried
/// statement by statement with the `mariadb` client), kept to what MySQL 8
/// documents as well: `INPLACE` where MySQL 8.0 has no `INSTANT` form in
/// every release (dropping and renaming a column), and where MariaDB refuses
/// `INSTANT` (`NOT NULL` to `NULL`). MariaDB's `DROP INDEX ... ON` takes no
/// clause, so an index is dropped with `ALTER TABLE ... DROP INDEX`. Left
/// plain, because the server copies the table: a foreign key added with
/// `foreign_key_checks` on, a check constraint added, primary key changes,
/// type changes other than enum labels appended, auto-increment changes.
const ONLINE_ALTER: OnlineAlter = OnlineAlter {
    add_column: Some(Instant),
    drop_column: Some(Inplace),
    rename_column: Some(Inplace),
    column_default: Some(Instant),
    column_comment: Some(Instant),
    column_nullability: Some(Inplace),
    enum_labels_appended: Some(Instant),
    create_index: Some(Inplace),
    drop_index: Some(Inplace),
    add_unique: Some(Inplace),
    drop_foreign_key: Some(Inplace),
    drop_check: Some(Inplace),
    table_comment: Some(Inplace),
};

/// Whether a server's version is MariaDB's (`10.11.6-MariaDB-0+deb12u1`).
fn is_mariadb(server_version: &str) -> bool {
    server_version.to_ascii_lowercase().contains("mariadb")
}

impl SqlDialect for MySql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn caps(&self) -> &'static Capabilities {
        &CAPS
    }

    fn server_version_query(&self) -> &'static str {
        "SELECT VERSION()"
    }

    /// MariaDB has `RETURNING` from 10.5 (its version says `MariaDB`);
    /// MySQL has none.
    fn has_returning(&self, server_version: &str) -> bool {
        is_mariadb(server_version) && super::version_at_least(server_version, (10, 5))
    }

    /// MariaDB's GTIDs (one sequence per replication domain, from 10.0)
    /// are compared; MySQL's (`uuid:interval` sets) are not.
    fn replica_positions(&self, server_version: &str) -> ReplicaPositions {
        if is_mariadb(server_version) {
            ReplicaPositions::DomainGtids
        } else {
            CAPS.replica_positions
        }
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

    /// A view is renamed with `RENAME TABLE`; functions, procedures and
    /// triggers have no rename (they are dropped and created again).
    fn rename_object(&self, object: &SqlObject, from: &str) -> Option<String> {
        (object.kind == ObjectKind::View).then(|| {
            format!(
                "RENAME TABLE {} TO {}",
                D.quote_ident(from),
                D.quote_ident(&object.name)
            )
        })
    }
}

#[cfg(test)]
mod returning_tests {
    use super::{MySql, ReplicaPositions, SqlDialect};

    #[test]
    fn returning_from_mariadb_10_5() {
        assert!(MySql.has_returning("10.11.6-MariaDB-0+deb12u1"));
        assert!(MySql.has_returning("10.5.0-MariaDB"));
        assert!(MySql.has_returning("11.4.2-MariaDB-log"));
        assert!(!MySql.has_returning("10.4.32-MariaDB"));
        assert!(!MySql.has_returning("8.0.36"));
        assert!(!MySql.has_returning("9.1.0"));
    }

    #[test]
    fn gtids_compared_on_mariadb_only() {
        assert_eq!(
            MySql.replica_positions("11.4.2-MariaDB-log"),
            ReplicaPositions::DomainGtids
        );
        assert_eq!(
            MySql.replica_positions("8.4.0"),
            ReplicaPositions::Unmeasured
        );
    }
}
