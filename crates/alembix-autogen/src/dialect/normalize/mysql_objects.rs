//! MySQL/MariaDB: the declared objects spelled by the server. A scratch
//! database (of the current database's character set and collation, which
//! the server writes into a routine's text) receives the models' tables
//! that the objects read — without their foreign keys, so that the tables
//! they point at need not be there — then the objects in creation order;
//! they are read back with introspection's own queries, and the database is
//! dropped on every path. A view there reads the scratch copies of the
//! tables: its query comes back naming them unqualified, as the database's
//! own views are read.

use alembix_migrate::Database;
use alembix_schema::{Dialect, Op, Schema, SqlObject, Table, create_schema, render_op};
use sqlx::{AssertSqlSafe, Row};

use super::mysql::failed_statement;
use crate::error::Result;
use crate::normalize::scratch_name;

const D: Dialect = Dialect::MySql;

pub(super) async fn normalize_mysql_objects(
    db: &Database,
    target: &Schema,
) -> Result<Vec<SqlObject>> {
    let pool = db.pool().as_mysql().expect("dialect says MySQL");
    let mut conn = pool.acquire().await?;
    let row = sqlx::raw_sql(
        "SELECT DATABASE(), CAST(@@character_set_database AS CHAR), CAST(@@collation_database AS CHAR)",
    )
    .fetch_one(&mut *conn)
    .await?;
    let original: Option<String> = row.try_get(0)?;
    let charset: String = row.try_get(1)?;
    let collation: String = row.try_get(2)?;
    let scratch = scratch_name();
    let ddl = scratch_ddl(target)?;
    let result = async {
        let mut batch = vec![
            format!(
                "CREATE DATABASE `{scratch}` CHARACTER SET {} COLLATE {}",
                bare(&charset),
                bare(&collation)
            ),
            format!("USE `{scratch}`"),
        ];
        batch.extend(ddl.iter().cloned());
        // The server reads a routine's or trigger's body as part of its
        // statement: the batch needs no delimiter.
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(batch.join(";\n")))
            .execute(&mut *conn)
            .await
        {
            return Err(failed_statement(&mut conn, &scratch, &ddl, e).await);
        }
        crate::introspect::mysql_objects::read_objects(&mut conn, &scratch).await
    }
    .await;
    let mut back = format!("DROP DATABASE IF EXISTS `{scratch}`");
    if let Some(original) = &original {
        back.push_str(&format!("; USE {}", D.quote_ident(original)));
    }
    let restored = sqlx::raw_sql(AssertSqlSafe(back)).execute(&mut *conn).await;
    if restored.is_err() || original.is_none() {
        // Never hand a connection on the wrong database back to the pool.
        conn.detach();
    }
    let read = result?;
    restored?;
    Ok(read)
}

/// A character set or collation name as the server reported it (letters,
/// digits and `_`), put in a statement bare.
fn bare(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The tables the objects name (found as [`SqlObject::mentions`] finds
/// them), without foreign keys, then the objects in creation order.
fn scratch_ddl(target: &Schema) -> Result<Vec<String>> {
    let tables: Vec<Table> = target
        .tables
        .iter()
        .filter(|t| target.objects.iter().any(|o| o.mentions(&t.name)))
        .map(|t| Table {
            foreign_keys: Vec::new(),
            ..t.clone()
        })
        .collect();
    let mut ddl = create_schema(
        &Schema {
            tables,
            ..Default::default()
        },
        D,
    )?;
    for object in crate::diff::creation_order(target.objects.clone()) {
        ddl.extend(render_op(&Op::CreateObject { object }, D)?);
    }
    Ok(ddl)
}
