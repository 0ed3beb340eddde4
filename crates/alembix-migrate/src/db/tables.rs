//! The version and log tables: names and DDL per dialect (shared by online
//! runs and offline scripts, so both create the same tables).

use alembix_driver::backend_sql;
use alembix_schema::Dialect;

/// The version and log table names of a run.
#[derive(Debug, Clone)]
pub(crate) struct TableNames {
    pub version: String,
    pub log: String,
}

/// `CREATE TABLE IF NOT EXISTS` for the version table (the contract:
/// `version_num varchar(32)` primary key, one row per applied head).
pub(crate) fn version_table_sql(d: Dialect, name: &str) -> String {
    let t = d.quote_ident(name);
    let pk = d.quote_ident(&format!("{name}_pkc"));
    format!(
        "CREATE TABLE IF NOT EXISTS {t} (version_num varchar(32) NOT NULL, CONSTRAINT {pk} PRIMARY KEY (version_num))"
    )
}

/// `CREATE TABLE IF NOT EXISTS` for the log table: one row per applied step.
pub(crate) fn log_table_sql(d: Dialect, name: &str) -> String {
    let t = d.quote_ident(name);
    let sql = backend_sql(d);
    let (id, at) = (sql.log_id_column, sql.log_applied_at_column);
    format!(
        "CREATE TABLE IF NOT EXISTS {t} ({id}, revision varchar(32) NOT NULL, direction varchar(10) NOT NULL, {at}, duration_ms bigint NOT NULL, checksum varchar(64) NOT NULL)"
    )
}
