//! SQLite: in-memory scratch databases of up to 250 tables each.

use alembix_schema::{Dialect, Op, Schema, SqlObject, create_schema, render_op};
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
            ..Default::default()
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

/// The declared objects as SQLite keeps them: one in-memory database with
/// every table, then the objects in creation order, read back.
pub(super) async fn normalize_sqlite_objects(target: &Schema) -> Result<Vec<SqlObject>> {
    let tables = Schema {
        tables: target.tables.clone(),
        enums: target.enums.clone(),
        ..Default::default()
    };
    let mut ddl = create_schema(&tables, Dialect::Sqlite)?;
    for object in crate::diff::creation_order(target.objects.clone()) {
        ddl.extend(render_op(&Op::CreateObject { object }, Dialect::Sqlite)?);
    }
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await?;
    for stmt in &ddl {
        sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
            .execute(&mut conn)
            .await
            .map_err(|e| scratch_error(e, stmt))?;
    }
    let read = crate::introspect::sqlite_objects::read_objects(&mut conn).await?;
    conn.close().await?;
    Ok(read)
}
