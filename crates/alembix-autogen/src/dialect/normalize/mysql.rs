//! MySQL/MariaDB: DDL commits itself, so a uniquely named scratch
//! database, dropped afterwards on every path. What goes there is planned
//! in `mysql_plan.rs`.

use alembix_migrate::Database;
use alembix_schema::{Dialect, Schema, create_schema};
use sqlx::{AssertSqlSafe, Row};

use super::mysql_plan::Plan;

use crate::error::{Error, Result};
use crate::introspect::IntrospectOptions;
use crate::normalize::{scratch_error, scratch_name};

/// Checks what creating the models' indexes would have checked (they are
/// not created in the scratch database): an index cannot hold a text,
/// blob or json column there (it needs a prefix length).
fn check_indexes(target: &Schema) -> Result<()> {
    for t in &target.tables {
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
    }
    Ok(())
}

/// Only what the server rewrites goes to the scratch database (see
/// [`Plan`]): a few wide tables of the distinct column spellings, the
/// tables with checks or comments, one foreign key per pair of actions —
/// a handful of `CREATE TABLE`s, sent in one round trip, whatever the
/// number of tables. The indexes were checked as creating them would have.
pub(super) async fn normalize_mysql(
    db: &Database,
    target: &Schema,
    opts: &IntrospectOptions,
) -> Result<Schema> {
    check_indexes(target)?;
    let pool = db.pool().as_mysql().expect("dialect says MySQL");
    let mut conn = pool.acquire().await?;
    let session = session(&mut conn).await?;
    let plan = Plan::new(target, session.first_timestamp);
    let ddl = create_schema(&plan.scratch, Dialect::MySql)?;
    let read = with_scratch(conn, &session.database, "", &ddl, async |conn, _| {
        crate::introspect::mysql::read_mysql(conn, opts).await
    })
    .await?;
    Ok(plan.apply(target, &read))
}

/// Creates a uniquely named scratch database (`options`: its `CREATE
/// DATABASE` options) holding `ddl`, all in one round trip, runs `read`
/// there (given the database's name), then drops it and puts the
/// connection back on `original`, on every path.
pub(super) async fn with_scratch<T>(
    mut conn: sqlx::pool::PoolConnection<sqlx::MySql>,
    original: &str,
    options: &str,
    ddl: &[String],
    read: impl AsyncFnOnce(&mut sqlx::MySqlConnection, &str) -> Result<T>,
) -> Result<T> {
    let scratch = scratch_name();
    let result = async {
        let mut batch = vec![
            format!("CREATE DATABASE `{scratch}`{options}"),
            format!("USE `{scratch}`"),
        ];
        batch.extend(ddl.iter().cloned());
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(batch.join(";\n")))
            .execute(&mut *conn)
            .await
        {
            return Err(failed_statement(&mut conn, &scratch, ddl, e).await);
        }
        read(&mut conn, &scratch).await
    }
    .await;
    let back = format!(
        "DROP DATABASE IF EXISTS `{scratch}`; USE `{}`",
        original.replace('`', "``")
    );
    let restored = sqlx::raw_sql(AssertSqlSafe(back)).execute(&mut *conn).await;
    if restored.is_err() {
        // Never hand a connection on the wrong database back to the pool.
        conn.detach();
    }
    let read = result?;
    restored?;
    Ok(read)
}

/// What the scratch databases need to know of the connection's session.
pub(super) struct Session {
    /// The current database.
    pub(super) database: String,
    /// Whether the server gives the first `timestamp` column of a table a
    /// default (`explicit_defaults_for_timestamp` off).
    first_timestamp: bool,
    /// The current database's character set and collation.
    pub(super) charset: String,
    pub(super) collation: String,
}

/// The connection's [`Session`], read in one query without a prepared
/// statement.
pub(super) async fn session(conn: &mut sqlx::MySqlConnection) -> Result<Session> {
    let row = sqlx::raw_sql(
        "SELECT DATABASE(), CAST(@@explicit_defaults_for_timestamp AS SIGNED),
                CAST(@@character_set_database AS CHAR), CAST(@@collation_database AS CHAR)",
    )
    .fetch_one(&mut *conn)
    .await?;
    let name: Option<String> = row.try_get(0)?;
    let explicit: Option<i64> = row.try_get(1).unwrap_or(Some(1));
    let database = name.ok_or_else(|| {
        Error::Usage(
            "the MySQL connection has no current database; put the database name in the URL".into(),
        )
    })?;
    Ok(Session {
        database,
        first_timestamp: explicit == Some(0),
        charset: row.try_get::<Option<String>, _>(2)?.unwrap_or_default(),
        collation: row.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
    })
}

/// After the batch failed: the statement that fails, run one by one in a
/// fresh scratch database, named in the error.
async fn failed_statement(
    conn: &mut sqlx::MySqlConnection,
    scratch: &str,
    ddl: &[String],
    batch_error: sqlx::Error,
) -> Error {
    let redo = format!(
        "DROP DATABASE IF EXISTS `{scratch}`; CREATE DATABASE `{scratch}`; USE `{scratch}`"
    );
    if sqlx::raw_sql(AssertSqlSafe(redo))
        .execute(&mut *conn)
        .await
        .is_err()
    {
        return scratch_error(batch_error, "(one of the models' tables)");
    }
    for stmt in ddl {
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
            .execute(&mut *conn)
            .await
        {
            return scratch_error(e, stmt);
        }
    }
    scratch_error(batch_error, "(one of the models' tables)")
}
