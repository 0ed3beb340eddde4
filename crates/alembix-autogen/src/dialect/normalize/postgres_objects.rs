//! PostgreSQL: the declared objects spelled by the database. In a
//! transaction that is rolled back, a scratch schema first on the search
//! path receives the models' tables and enum types, then the objects
//! (in creation order); they are read back with introspection's own
//! queries. Extensions are database-wide and have nothing to spell: they
//! are taken from the models.

use alembix_migrate::Database;
use alembix_schema::{Dialect, ObjectKind, Op, Schema, SqlObject, create_schema, render_op};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::error::Result;
use crate::normalize::{scratch_error, scratch_name};

const D: Dialect = Dialect::Postgres;

pub(super) async fn normalize_pg_objects(db: &Database, target: &Schema) -> Result<Vec<SqlObject>> {
    let (extensions, objects): (Vec<SqlObject>, Vec<SqlObject>) = target
        .objects
        .iter()
        .cloned()
        .partition(|o| o.kind == ObjectKind::Extension);
    let mut out = extensions;
    if objects.is_empty() {
        return Ok(out);
    }
    let pool = db.pool().as_postgres().expect("dialect says PostgreSQL");
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let read = spell(&mut tx, target, objects).await;
    tx.rollback().await?;
    out.extend(read?);
    Ok(out)
}

/// Creates the tables and objects in a scratch schema and reads the objects back.
async fn spell(
    conn: &mut PgConnection,
    target: &Schema,
    objects: Vec<SqlObject>,
) -> Result<Vec<SqlObject>> {
    let scratch = scratch_name();
    let mut ddl = vec![
        format!("CREATE SCHEMA {}", D.quote_ident(&scratch)),
        format!(
            "SET LOCAL search_path = {}, public",
            D.quote_ident(&scratch)
        ),
    ];
    // Tables of other schemas exist there already; the objects read
    // those as they are.
    let tables = Schema {
        tables: target
            .tables
            .iter()
            .filter(|t| t.schema.is_none() && !t.name.contains('.'))
            .cloned()
            .collect(),
        enums: target.enums.clone(),
        ..Default::default()
    };
    ddl.extend(create_schema(&tables, D)?);
    for object in crate::diff::creation_order(objects) {
        ddl.extend(render_op(&Op::CreateObject { object }, D)?);
    }
    for stmt in &ddl {
        sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
            .execute(&mut *conn)
            .await
            .map_err(|e| scratch_error(e, stmt))?;
    }
    crate::introspect::postgres_objects::read_objects(conn, &scratch).await
}
