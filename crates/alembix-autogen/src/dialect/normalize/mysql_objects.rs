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

use super::mysql::{session, with_scratch};
use crate::error::Result;

const D: Dialect = Dialect::MySql;

pub(super) async fn normalize_mysql_objects(
    db: &Database,
    target: &Schema,
) -> Result<Vec<SqlObject>> {
    let pool = db.pool().as_mysql().expect("dialect says MySQL");
    let mut conn = pool.acquire().await?;
    let session = session(&mut conn).await?;
    let options = match (bare(&session.charset), bare(&session.collation)) {
        (cs, co) if !cs.is_empty() && !co.is_empty() => {
            format!(" CHARACTER SET {cs} COLLATE {co}")
        }
        _ => String::new(),
    };
    // The server reads a routine's or trigger's body as part of its
    // statement: the batch needs no delimiter.
    with_scratch(
        conn,
        &session.database,
        &options,
        &scratch_ddl(target)?,
        async |conn, scratch| {
            crate::introspect::mysql_objects::read_objects(conn, scratch, true).await
        },
    )
    .await
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
