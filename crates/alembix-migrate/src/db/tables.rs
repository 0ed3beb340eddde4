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

/// The log table's progress columns, added to a log table made before
/// them: how many steps and statements of the row's revision finished,
/// whether the row is a run still half-way (`state = 'running'`; NULL or
/// `done`: finished; `cleared`: abandoned by a stamp), and the statements
/// skipped with `--skip-statement` (comma-separated numbers).
pub(crate) const PROGRESS_COLUMNS: &[(&str, &str)] = &[
    ("steps_done", "steps_done bigint"),
    ("statements_done", "statements_done bigint"),
    ("state", "state varchar(10)"),
    ("skipped", "skipped varchar(255)"),
];

/// `CREATE TABLE IF NOT EXISTS` for the log table: one row per revision
/// run (finished, or half-way while `state` is `running`).
pub(crate) fn log_table_sql(d: Dialect, name: &str) -> String {
    let t = d.quote_ident(name);
    let sql = backend_sql(d);
    let (id, at) = (sql.log_id_column, sql.log_applied_at_column);
    let progress: Vec<&str> = PROGRESS_COLUMNS.iter().map(|(_, def)| *def).collect();
    format!(
        "CREATE TABLE IF NOT EXISTS {t} ({id}, revision varchar(32) NOT NULL, direction varchar(10) NOT NULL, {at}, duration_ms bigint NOT NULL, checksum varchar(64) NOT NULL, {})",
        progress.join(", ")
    )
}
