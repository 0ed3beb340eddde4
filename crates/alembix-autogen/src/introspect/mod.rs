//! Introspection: the live database read into the same `Schema` the models
//! produce, with a fixed number of catalog queries whatever the number of
//! tables (never one query per table).
//!
//! What is read, per backend:
//! * PostgreSQL (`pg_catalog` of the schemas asked for, `public` by
//!   default; a table outside `public` is named `schema.table`): tables and
//!   comments; columns with `format_type` types, `NOT NULL`, defaults as
//!   `pg_get_expr` prints them, identity and `nextval(...)` (serial) as
//!   auto-increment, comments; enum types with their labels in order;
//!   primary keys, unique constraints, foreign keys (actions) and checks
//!   from `pg_constraint`; indexes that back no constraint, an expression
//!   index with its key list and a partial index with its condition as
//!   `pg_get_indexdef`/`pg_get_expr` print them; a partitioned table's key
//!   (`pg_get_partkeydef`) and its partitions (`pg_inherits`, bounds as
//!   `pg_get_expr(relpartbound)` prints them) as part of that table, never
//!   as tables of their own (partitions of a partition are not read).
//! * MySQL/MariaDB (`information_schema` of the current database): columns
//!   (`COLUMN_TYPE`, defaults as the server prints them, `auto_increment`,
//!   comments), constraints, key columns, referential actions, checks,
//!   indexes (unique constraints are unique indexes there; MySQL 8's
//!   functional indexes are left alone, as models cannot declare them there);
//!   views, functions, procedures and triggers (`information_schema.VIEWS`,
//!   `SHOW CREATE` without the `DEFINER`).
//! * SQLite (`sqlite_master` joined with the `pragma_*` table functions):
//!   columns, keys, indexes, foreign keys; constraint names, checks and
//!   `AUTOINCREMENT` from the table's `CREATE TABLE` text, expression keys
//!   and partial-index conditions from the `CREATE INDEX` text; an enum is `text`
//!   with a `CHECK (col IN (...))`.
//!
//! Texts the database rewrites (defaults, check expressions) are compared
//! after the database has normalised the models' side too: see
//! [`crate::normalize`].

#[cfg(feature = "mysql")]
pub(crate) mod mysql;
#[cfg(feature = "mysql")]
pub(crate) mod mysql_objects;
#[cfg(feature = "mysql")]
mod mysql_queries;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "postgres")]
pub(crate) mod postgres_objects;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite_objects;
#[cfg(feature = "sqlite")]
mod sqlite_sql;

use std::sync::atomic::{AtomicU64, Ordering};

use alembix_schema::Schema;

use crate::error::Result;

#[cfg(feature = "mysql")]
pub use mysql::introspect_mysql;
#[cfg(feature = "postgres")]
pub use postgres::introspect_postgres;
#[cfg(feature = "sqlite")]
pub use sqlite::introspect_sqlite;

/// What to read.
#[derive(Debug, Clone)]
pub struct IntrospectOptions {
    /// PostgreSQL schemas to read (default `["public"]`). A table outside
    /// `public` is named `schema.table` (and a foreign key to it refers to
    /// `schema.table`), the form ops and `diff` use; enum types are read from
    /// `public`.
    pub schemas: Vec<String>,
    /// Tables never read (the version and log tables).
    pub exclude_tables: Vec<String>,
}

impl Default for IntrospectOptions {
    fn default() -> Self {
        IntrospectOptions {
            schemas: vec![DEFAULT_PG_SCHEMA.into()],
            exclude_tables: vec![
                alembix_migrate::DEFAULT_VERSION_TABLE.into(),
                alembix_migrate::DEFAULT_LOG_TABLE.into(),
            ],
        }
    }
}

/// The PostgreSQL schema whose tables have bare names (and where enum types,
/// the version table and the log table live).
pub use alembix_schema::DEFAULT_PG_SCHEMA;

/// A table's name as autogen compares it: `schema.table` outside
/// [`DEFAULT_PG_SCHEMA`], the bare name inside it.
///
/// ```
/// use alembix_autogen::introspect::qualified;
/// assert_eq!(qualified("public", "users"), "users");
/// assert_eq!(qualified("audit", "events"), "audit.events");
/// ```
pub fn qualified(schema: &str, table: &str) -> String {
    if schema == DEFAULT_PG_SCHEMA {
        table.to_string()
    } else {
        format!("{schema}.{table}")
    }
}

static QUERIES: AtomicU64 = AtomicU64::new(0);

/// Catalog queries run by introspection in this process so far (to show
/// that their number does not grow with the number of tables).
pub fn queries_run() -> u64 {
    QUERIES.load(Ordering::Relaxed)
}

pub(crate) fn count_query() {
    QUERIES.fetch_add(1, Ordering::Relaxed);
}

/// The table name in column 0 of a catalog row, unless `opts` excludes it.
#[cfg(any(feature = "mysql", feature = "sqlite"))]
pub(crate) fn included_table<R: sqlx::Row>(
    r: &R,
    opts: &IntrospectOptions,
) -> Result<Option<String>>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database>,
    String: sqlx::Type<R::Database>,
{
    let name: String = r.try_get(0)?;
    Ok((!opts.exclude_tables.contains(&name)).then_some(name))
}

/// Introspects whichever backend `db` is.
pub async fn introspect(
    db: &alembix_migrate::Database,
    opts: &IntrospectOptions,
) -> Result<Schema> {
    #[cfg(feature = "postgres")]
    if let Some(p) = db.pool().as_postgres() {
        return introspect_postgres(p, opts).await;
    }
    #[cfg(feature = "mysql")]
    if let Some(p) = db.pool().as_mysql() {
        return introspect_mysql(p, opts).await;
    }
    #[cfg(feature = "sqlite")]
    if let Some(p) = db.pool().as_sqlite() {
        return introspect_sqlite(p, opts).await;
    }
    let _ = opts;
    Err(not_built(db.dialect()))
}

/// The first of `schemas` the database does not have (only PostgreSQL has
/// schemas; elsewhere none is missing).
pub(crate) async fn missing_schema(
    db: &alembix_migrate::Database,
    schemas: &[String],
) -> Result<Option<String>> {
    #[cfg(feature = "postgres")]
    if let Some(p) = db.pool().as_postgres() {
        let found = postgres::existing_schemas(p, schemas).await?;
        return Ok(schemas.iter().find(|s| !found.contains(s)).cloned());
    }
    let _ = (db, schemas);
    Ok(None)
}

/// The error for a backend this crate was built without (another crate
/// of the build enabled it in the driver).
pub(crate) fn not_built(dialect: alembix_schema::Dialect) -> crate::Error {
    let sql = alembix_driver::backend_sql(dialect);
    crate::Error::Usage(format!(
        "alembix-autogen was built without {} support: enable its `{}` cargo feature",
        sql.dialect.caps().title,
        sql.feature
    ))
}

/// Sorts a schema's parts so that two introspections compare equal.
pub(crate) fn tidy(schema: &mut Schema) {
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    for t in &mut schema.tables {
        t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }
    schema.enums.sort_by(|a, b| a.name.cmp(&b.name));
    schema
        .objects
        .sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
}
