//! Where each backend spells the models: the scratch place of
//! [`normalized_target`](crate::normalize::normalized_target), one module
//! per backend, reached through the one `match` below.

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "mysql")]
mod mysql_objects;
#[cfg(feature = "mysql")]
mod mysql_plan;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
mod postgres_objects;
#[cfg(feature = "sqlite")]
mod sqlite;

use alembix_migrate::Database;
use alembix_schema::{Dialect, Schema, SqlObject};

use crate::error::Result;
use crate::introspect::{IntrospectOptions, not_built};

/// The models created in the backend's scratch place and read back.
pub(crate) async fn in_scratch(
    db: &Database,
    target: &Schema,
    opts: &IntrospectOptions,
) -> Result<Schema> {
    let _ = (target, opts);
    match db.dialect() {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => postgres::normalize_postgres(db, target).await,
        #[cfg(feature = "mysql")]
        Dialect::MySql => mysql::normalize_mysql(db, target, opts).await,
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => sqlite::normalize_sqlite(target, opts).await,
        #[allow(unreachable_patterns)]
        other => Err(not_built(other)),
    }
}

/// The models' declared objects as the backend spells them (created in its
/// scratch place and read back).
pub(crate) async fn objects_in_scratch(db: &Database, target: &Schema) -> Result<Vec<SqlObject>> {
    if target.objects.is_empty() {
        return Ok(Vec::new());
    }
    match db.dialect() {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => postgres_objects::normalize_pg_objects(db, target).await,
        #[cfg(feature = "mysql")]
        Dialect::MySql => mysql_objects::normalize_mysql_objects(db, target).await,
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => sqlite::normalize_sqlite_objects(target).await,
        #[allow(unreachable_patterns)]
        other => Err(not_built(other)),
    }
}
