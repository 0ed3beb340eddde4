//! PostgreSQL's declared objects: views and materialized views
//! (`pg_get_viewdef`), functions and procedures (`pg_get_functiondef`,
//! not extension members), triggers (`pg_get_triggerdef`, not internal),
//! sequences (not owned by a serial or identity column, nor by an
//! extension) and extensions (not `plpgsql`). Four queries per schema read,
//! one more for the extensions.

use alembix_schema::{ObjectKind, SqlObject};
use sqlx::{PgConnection, Row};

use super::count_query;
use crate::error::Result;

/// Views and materialized views of schema `$1`, not members of an extension.
const VIEWS: &str = "SELECT c.relname::text, c.relkind::text, pg_get_viewdef(c.oid)
 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                   AND d.objid = c.oid AND d.deptype = 'e')";

/// Functions and procedures of schema `$1`, not members of an extension.
const ROUTINES: &str =
    "SELECT p.proname::text, p.prokind::text, pg_get_functiondef(p.oid), quote_ident(n.nspname)
 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = $1 AND p.prokind IN ('f', 'p')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                   AND d.objid = p.oid AND d.deptype = 'e')";

/// Triggers on the tables of schema `$1`, not internal (constraint triggers).
const TRIGGERS: &str = "SELECT t.tgname::text, c.relname::text, pg_get_triggerdef(t.oid, true)
 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND NOT t.tgisinternal";

/// Sequences of schema `$1` that no column (serial, identity) or
/// extension owns, with their options in the form `sql_objects!` writes.
const SEQUENCES: &str = "SELECT c.relname::text,
   format('AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %s',
          format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqstart,
          s.seqcache, CASE WHEN s.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END)
 FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
 JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                   AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))";

/// The objects of one schema (extensions apart: see [`read_extensions`]).
pub(crate) async fn read_objects(conn: &mut PgConnection, schema: &str) -> Result<Vec<SqlObject>> {
    let mut out = Vec::new();
    for r in rows(conn, VIEWS, schema).await? {
        let kind = match r.try_get::<String, _>(1)?.as_str() {
            "m" => ObjectKind::MaterializedView,
            _ => ObjectKind::View,
        };
        let def: String = r.try_get(2)?;
        out.push(SqlObject::new(
            kind,
            r.try_get::<String, _>(0)?,
            view_query(&def),
        ));
    }
    for r in rows(conn, ROUTINES, schema).await? {
        let kind = match r.try_get::<String, _>(1)?.as_str() {
            "p" => ObjectKind::Procedure,
            _ => ObjectKind::Function,
        };
        let def: String = r.try_get(2)?;
        let def = unqualified_routine(&def, kind, &r.try_get::<String, _>(3)?);
        out.push(SqlObject::new(kind, r.try_get::<String, _>(0)?, def));
    }
    for r in rows(conn, TRIGGERS, schema).await? {
        let def: String = r.try_get(2)?;
        let trigger = SqlObject::new(ObjectKind::Trigger, r.try_get::<String, _>(0)?, def);
        out.push(trigger.on(r.try_get::<String, _>(1)?));
    }
    for r in rows(conn, SEQUENCES, schema).await? {
        let def: String = r.try_get(1)?;
        out.push(SqlObject::new(
            ObjectKind::Sequence,
            r.try_get::<String, _>(0)?,
            def,
        ));
    }
    Ok(out)
}

/// The extensions of the database, but `plpgsql` (always there).
pub(crate) async fn read_extensions(conn: &mut PgConnection) -> Result<Vec<SqlObject>> {
    count_query();
    let rows = sqlx::query("SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql'")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(SqlObject::new(
                ObjectKind::Extension,
                r.try_get::<String, _>(0)?,
                "",
            ))
        })
        .collect()
}

async fn rows(
    conn: &mut PgConnection,
    sql: &'static str,
    schema: &str,
) -> Result<Vec<sqlx::postgres::PgRow>> {
    count_query();
    Ok(sqlx::query(sql).bind(schema).fetch_all(&mut *conn).await?)
}

/// `pg_get_viewdef`'s text without its leading blank and final `;`.
fn view_query(def: &str) -> String {
    def.trim().trim_end_matches(';').trim_end().to_string()
}

/// `pg_get_functiondef` names the function with its schema: the name
/// without it, so the definition reads the same in any schema.
fn unqualified_routine(def: &str, kind: ObjectKind, quoted_schema: &str) -> String {
    let def = def.trim_end();
    let prefix = format!("CREATE OR REPLACE {} {quoted_schema}.", kind.sql_keyword());
    match def.strip_prefix(&prefix) {
        Some(rest) => format!("CREATE OR REPLACE {} {rest}", kind.sql_keyword()),
        None => def.to_string(),
    }
}
