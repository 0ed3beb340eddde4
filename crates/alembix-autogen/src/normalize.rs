//! The database normalises the models' side too: the target schema is
//! created in a throwaway place and read back with the same introspection,
//! so defaults, check expressions and types come out in the database's own
//! spelling on both sides of the comparison (the "dev database" idea).
//!
//! * PostgreSQL: a uniquely named schema inside a transaction that is
//!   rolled back — nothing is left behind, whatever happens.
//! * MySQL/MariaDB: DDL commits itself, so a uniquely named scratch
//!   database, dropped afterwards on every path.
//! * SQLite: an in-memory database.

use alembix_migrate::Database;
use alembix_schema::{Dialect, Schema, create_schema};
use sqlx::{AssertSqlSafe, Connection};

use crate::error::{Error, Result};
use crate::introspect::{IntrospectOptions, tidy};

fn scratch_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    format!("alembix_scratch_{:012x}", h.finish() & 0xffff_ffff_ffff)
}

fn scratch_error(e: impl std::fmt::Display, stmt: &str) -> Error {
    Error::Usage(format!(
        "the models' schema does not create cleanly on this database: {e}\n  statement: {stmt}\nCheck the model attributes named in it (defaults, checks, sql_type)"
    ))
}

/// The target schema as the database spells it: created in a scratch
/// place and introspected. Table and column `renamed_from` come from `target`.
pub async fn normalized_target(db: &Database, target: &Schema) -> Result<Schema> {
    let opts = IntrospectOptions {
        exclude_tables: Vec::new(),
        ..IntrospectOptions::default()
    };
    let mut out = match db.dialect() {
        Dialect::Postgres => {
            let pool = db.as_postgres().expect("dialect says PostgreSQL");
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;
            let scratch = scratch_name();
            sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA \"{scratch}\"")))
                .execute(&mut *tx)
                .await?;
            sqlx::raw_sql(AssertSqlSafe(format!(
                "SET LOCAL search_path TO \"{scratch}\""
            )))
            .execute(&mut *tx)
            .await?;
            for stmt in create_schema(target, Dialect::Postgres)? {
                sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| scratch_error(e, &stmt))?;
            }
            let opts = IntrospectOptions {
                schema: scratch,
                ..opts
            };
            let schema = crate::introspect::postgres::read_postgres(&mut tx, &opts).await;
            tx.rollback().await?;
            schema?
        }
        Dialect::MySql => {
            let pool = db.as_mysql().expect("dialect says MySQL");
            let mut conn = pool.acquire().await?;
            let original = Some(crate::introspect::mysql::current_database(&mut conn).await?);
            let scratch = scratch_name();
            sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE `{scratch}`")))
                .execute(&mut *conn)
                .await?;
            let result = async {
                sqlx::raw_sql(AssertSqlSafe(format!("USE `{scratch}`")))
                    .execute(&mut *conn)
                    .await?;
                for stmt in create_schema(target, Dialect::MySql)? {
                    sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| scratch_error(e, &stmt))?;
                }
                crate::introspect::mysql::read_mysql(&mut conn, &opts).await
            }
            .await;
            let dropped = sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE `{scratch}`")))
                .execute(&mut *conn)
                .await;
            if let Some(db) = original {
                let back = format!("USE `{}`", db.replace('`', "``"));
                if sqlx::raw_sql(AssertSqlSafe(back))
                    .execute(&mut *conn)
                    .await
                    .is_err()
                {
                    // Never hand a connection on the wrong database back to the pool.
                    conn.detach();
                }
            }
            let schema = result?;
            dropped?;
            schema
        }
        Dialect::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await?;
            for stmt in create_schema(target, Dialect::Sqlite)? {
                sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
                    .execute(&mut conn)
                    .await
                    .map_err(|e| scratch_error(e, &stmt))?;
            }
            crate::introspect::sqlite::read_sqlite(&mut conn, &opts).await?
        }
    };
    for t in &mut out.tables {
        if let Some(model) = target.table(&t.name) {
            t.renamed_from = model.renamed_from.clone();
            for c in &mut t.columns {
                if let Some(mc) = model.columns.iter().find(|m| m.name == c.name) {
                    c.renamed_from = mc.renamed_from.clone();
                }
            }
        }
    }
    tidy(&mut out);
    Ok(out)
}
