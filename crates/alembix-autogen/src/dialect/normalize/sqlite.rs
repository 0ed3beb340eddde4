//! SQLite: in-memory scratch databases of up to 50 tables each, a few at
//! once.

use alembix_schema::{Dialect, EnumType, Op, Schema, SqlObject, Table, create_schema, render_op};
use futures_util::future::try_join_all;
use sqlx::{AssertSqlSafe, Connection, SqliteConnection};

use crate::error::{Error, Result};
use crate::introspect::IntrospectOptions;
use crate::normalize::scratch_error;

/// Tables per in-memory scratch database on SQLite.
const SQLITE_SCRATCH_TABLES: usize = 50;

/// Scratch databases filled at once (each connection has a thread of its own).
const AT_ONCE: usize = 4;

/// SQLite reads the new entry back with a scan of `sqlite_master` after
/// every CREATE, so one scratch database grows with the square of the
/// tables: many small in-memory ones instead (a foreign key may name a
/// table of another; SQLite does not look at it when the table is
/// created), each filled in one batch, several at once.
pub(super) async fn normalize_sqlite(target: &Schema, opts: &IntrospectOptions) -> Result<Schema> {
    let mut out = Schema::default();
    let chunks: Vec<&[Table]> = target.tables.chunks(SQLITE_SCRATCH_TABLES).collect();
    for wave in chunks.chunks(AT_ONCE) {
        let reads = try_join_all(
            wave.iter()
                .map(|chunk| scratch_part(chunk, &target.enums, opts)),
        )
        .await?;
        for read in reads {
            out.tables.extend(read.tables);
            out.enums.extend(read.enums);
        }
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

/// Some of the tables created in an in-memory database and read back.
async fn scratch_part(
    tables: &[Table],
    enums: &[EnumType],
    opts: &IntrospectOptions,
) -> Result<Schema> {
    let part = Schema {
        tables: tables.to_vec(),
        enums: enums.to_vec(),
        ..Default::default()
    };
    let ddl = create_schema(&part, Dialect::Sqlite)?;
    let mut conn = SqliteConnection::connect("sqlite::memory:").await?;
    let batch = sqlx::raw_sql(AssertSqlSafe(ddl.join(";\n")))
        .execute(&mut conn)
        .await;
    if let Err(e) = batch {
        conn.close().await?;
        return Err(failed_statement(&ddl, e).await);
    }
    let read = crate::introspect::sqlite::read_sqlite(&mut conn, opts).await?;
    conn.close().await?;
    Ok(read)
}

/// After a batch failed: the statement that fails, run one by one in a
/// fresh in-memory database, named in the error.
async fn failed_statement(ddl: &[String], batch_error: sqlx::Error) -> Error {
    let Ok(mut conn) = SqliteConnection::connect("sqlite::memory:").await else {
        return scratch_error(batch_error, "(one of the models' tables)");
    };
    for stmt in ddl {
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
            .execute(&mut conn)
            .await
        {
            return scratch_error(e, stmt);
        }
    }
    scratch_error(batch_error, "(one of the models' tables)")
}
