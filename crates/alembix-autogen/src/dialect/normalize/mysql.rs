//! MySQL/MariaDB: DDL commits itself, so a uniquely named scratch
//! database, dropped afterwards on every path; the tables go there
//! without their secondary indexes, which are taken from the models.

use alembix_migrate::Database;
use alembix_schema::{Dialect, Schema, create_schema};
use sqlx::AssertSqlSafe;

use crate::error::{Error, Result};
use crate::introspect::IntrospectOptions;
use crate::normalize::{scratch_error, scratch_name};

/// The target without secondary indexes, for the MySQL scratch database,
/// after checking what creating them would have checked: an index cannot
/// hold a text, blob or json column there (it needs a prefix length).
fn without_indexes(target: &Schema) -> Result<Schema> {
    let mut out = target.clone();
    for t in &mut out.tables {
        for ix in &t.indexes {
            if ix.is_special() {
                // The renderer refuses it with its own message.
                alembix_schema::render_op(
                    &alembix_schema::Op::CreateIndex {
                        table: t.name.clone(),
                        index: ix.clone(),
                    },
                    Dialect::MySql,
                )?;
            }
            // The derive has checked that the columns exist.
            for col in ix.columns.iter().filter_map(|c| t.find_column(c)) {
                let ty = col.ty.to_sql(Dialect::MySql).to_ascii_lowercase();
                if ty.contains("text") || ty.contains("blob") || ty == "json" {
                    return Err(Error::Usage(format!(
                        "index `{}` of table `{}` holds `{}`, a {ty} column, which MySQL/MariaDB cannot index without a prefix length; give the column a `max_length` (varchar) or drop it from the index",
                        ix.name, t.name, col.name
                    )));
                }
            }
        }
        t.indexes.clear();
    }
    Ok(out)
}

/// Secondary indexes are reported as the models wrote them, and each
/// `CREATE INDEX` is a costly table change on InnoDB: the scratch tables
/// are made without them (columns, keys, unique constraints, checks and
/// foreign keys only) and the models' indexes are put back after reading.
pub(super) async fn normalize_mysql(
    db: &Database,
    target: &Schema,
    opts: &IntrospectOptions,
) -> Result<Schema> {
    let scratch_target = without_indexes(target)?;
    let pool = db.pool().as_mysql().expect("dialect says MySQL");
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
        for stmt in create_schema(&scratch_target, Dialect::MySql)? {
            sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
                .execute(&mut *conn)
                .await
                .map_err(|e| scratch_error(e, &stmt))?;
        }
        crate::introspect::mysql::read_mysql(&mut conn, opts).await
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
    let mut schema = result?;
    dropped?;
    for t in &mut schema.tables {
        if let Some(model) = target.table(&t.name) {
            t.indexes = model.indexes.clone();
        }
    }
    Ok(schema)
}
