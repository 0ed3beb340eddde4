//! SQLite.

use sea_query::ColumnDef;

use super::{AutoIncrementOutsideKey, Capabilities, Dialect, ReplicaPositions, SqlDialect};
use crate::model::{Column, ColumnType};
use crate::op::ColumnChange;
use crate::render::{TableName, label_list};

const D: Dialect = Dialect::Sqlite;

/// The SQLite dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqlite;

/// Where SQLite differs from standard SQL.
const CAPS: Capabilities = Capabilities {
    name: "sqlite",
    title: "SQLite",
    db_system: "sqlite",
    always_returns: false,
    url_schemes: &["sqlite"],
    // SQLite has no limit of its own; names are held to the smallest limit
    // of the three backends elsewhere (see `naming::MAX_NAME_LEN`).
    max_identifier_len: usize::MAX,
    enum_as_check: true,
    has_comments: false,
    alters_in_place: false,
    max_bind_params: 32_766,
    // A batch runs on the calling thread (alembix-driver's
    // `backend/sqlite/script.rs`); 16 KiB (about 80 `CREATE`s) hands the
    // thread back between batches and costs no more than one batch of the
    // whole step (measured at 3,000 statements). Through sqlx, SQLite
    // copied the rest of the batch at each statement (0.9 GB for 3,000
    // statements in 1 MiB), which is why batches were cut short at first.
    batch_bytes: 16 << 10,
    row_locks: false,
    integer_result_cast: None,
    double_result_cast: "REAL",
    decimal_result_cast: Some("TEXT"),
    inline_auto_increment_key: true,
    auto_increment_outside_key: AutoIncrementOutsideKey::Nowhere,
    integer_keys_are_64_bit: true,
    maintenance_database: None,
    replica_positions: ReplicaPositions::NoReplicas,
    ..Capabilities::STANDARD
};

impl SqlDialect for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn caps(&self) -> &'static Capabilities {
        &CAPS
    }

    fn server_version_query(&self) -> &'static str {
        "SELECT sqlite_version()"
    }

    /// `RETURNING` came with SQLite 3.35.
    fn has_returning(&self, server_version: &str) -> bool {
        super::version_at_least(server_version, (3, 35))
    }

    fn column_type(&self, ty: &ColumnType) -> String {
        use ColumnType as T;
        let s = match ty {
            T::SmallInt | T::Integer | T::BigInt => "integer",
            T::Real | T::Double => "real",
            T::Boolean => "boolean",
            T::Binary | T::Uuid => "blob",
            T::Decimal { .. } | T::Char { .. } | T::Varchar { .. } | T::Text => "text",
            T::Date | T::Time | T::Timestamp | T::TimestampTz | T::Json | T::Enum { .. } => "text",
            T::Custom { sql } => sql,
        };
        s.to_string()
    }

    // Only `INTEGER PRIMARY KEY` is a rowid alias, so the key is inline.
    fn auto_increment(&self, def: &mut ColumnDef, inline_key: bool, _extra: &mut Vec<String>) {
        if inline_key {
            def.primary_key().auto_increment();
        }
    }

    fn column_extras(&self, col: &Column, extra: &mut Vec<String>) {
        if let ColumnType::Enum { values, .. } = &col.ty {
            extra.push(format!(
                "CHECK ({} IN ({}))",
                D.quote_ident(&col.name),
                label_list(values, D)
            ));
        }
    }

    fn refuse_add_column(&self, col: &Column) -> Option<String> {
        if col.auto_increment {
            return Some(format!(
                "SQLite cannot add the auto-increment column {:?} to an existing table; \
                 the table must be rebuilt",
                col.name
            ));
        }
        if !col.nullable && col.default.is_none() {
            return Some(format!(
                "SQLite cannot add the NOT NULL column {:?} without a default; \
                 give it a default or rebuild the table",
                col.name
            ));
        }
        None
    }

    fn alter_column(
        &self,
        _tn: TableName<'_>,
        _from: &Column,
        to: &Column,
        changes: &[ColumnChange],
    ) -> Result<Vec<String>, String> {
        let what: Vec<&str> = changes.iter().map(|c| c.as_str()).collect();
        Err(format!(
            "SQLite cannot alter column {:?} ({}) in place; the table must be rebuilt",
            to.name,
            what.join(", ")
        ))
    }
}
