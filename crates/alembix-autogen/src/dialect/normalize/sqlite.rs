//! SQLite: in-memory scratch databases of up to 250 tables each.

use alembix_schema::{Dialect, Schema, create_schema};
use sqlx::{AssertSqlSafe, Connection};

use crate::error::Result;
use crate::introspect::IntrospectOptions;
use crate::normalize::scratch_error;

/// Tables per in-memory scratch database on SQLite.
const SQLITE_SCRATCH_TABLES: usize = 250;

/// SQLite reads the new entry back with a scan of `sqlite_master` after
/// every CREATE, so one scratch database grows with the square of the
/// tables: several small in-memory ones instead (a foreign key may name a
/// table of another; SQLite does not look at it when the table is created).
pub(super) async fn normalize_sqlite(target: &Schema, opts: &IntrospectOptions) -> Result<Schema> {
    let mut out = Schema::default();
    for chunk in target.tables.chunks(SQLITE_SCRATCH_TABLES) {
        let part = Schema {
            tables: chunk.to_vec(),
            enums: target.enums.clone(),
        };
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await?;
        for stmt in create_schema(&part, Dialect::Sqlite)? {
            sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
                .execute(&mut conn)
                .await
                .map_err(|e| scratch_error(e, &stmt))?;
        }
        let read = crate::introspect::sqlite::read_sqlite(&mut conn, opts).await?;
        out.tables.extend(read.tables);
        out.enums.extend(read.enums);
        conn.close().await?;
    }
    Ok(out)
}
