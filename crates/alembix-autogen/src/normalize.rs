//! The database normalises the models' side too: the target schema is
//! created in a throwaway place and read back with the same introspection,
//! so defaults, check expressions and types come out in the database's own
//! spelling on both sides of the comparison (the "dev database" idea).
//!
//! * PostgreSQL: a uniquely named schema inside a transaction that is
//!   rolled back — nothing is left behind, whatever happens. Only what
//!   PostgreSQL rewrites goes there (defaults, checks, expression and
//!   partial indexes).
//! * MySQL/MariaDB: DDL commits itself, so a uniquely named scratch
//!   database, dropped afterwards on every path; the tables go there
//!   without their secondary indexes, which are taken from the models.
//! * SQLite: in-memory databases of up to 250 tables each.

use std::collections::BTreeMap;

use alembix_migrate::Database;
use alembix_schema::{Dialect, Schema, create_schema};
use sqlx::{AssertSqlSafe, Connection};

use crate::error::{Error, Result};
use crate::introspect::{IntrospectOptions, tidy};

fn scratch_name() -> String {
    format!("alembix_scratch_{}", alembix_migrate::revision::new_id())
}

/// PostgreSQL: only what the database rewrites is normalised (defaults,
/// check expressions, expression and partial indexes), in a few wide
/// scratch tables inside a transaction that is rolled back — a handful of
/// statements whatever the number of tables. Everything else (types, keys,
/// plain indexes, foreign keys, comments) PostgreSQL reports as the models
/// wrote it, so it is taken from them.
async fn normalize_postgres(db: &Database, target: &Schema) -> Result<Schema> {
    use sqlx::Row;
    let d = Dialect::Postgres;
    let q = |s: &str| d.quote_ident(s);
    let mut out = target.clone();
    let mut ddl = Vec::new();
    for e in create_schema(
        &Schema {
            tables: Vec::new(),
            enums: target.enums.clone(),
        },
        d,
    )? {
        ddl.push(e);
    }
    // Enum types used by columns but not listed in `enums`.
    for t in &target.tables {
        for c in &t.columns {
            if let alembix_schema::ColumnType::Enum { name, values } = &c.ty
                && target.enum_type(name).is_none()
                && !ddl
                    .iter()
                    .any(|s| s.contains(&format!("TYPE {} AS", q(name))))
            {
                let labels: Vec<String> = values.iter().map(|v| d.quote_literal(v)).collect();
                ddl.push(format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    q(name),
                    labels.join(", ")
                ));
            }
        }
    }
    // Defaults: every defaulted column in wide tables `d<k>` with columns `c<n>`.
    let mut defaults: Vec<(usize, usize)> = Vec::new();
    for (ti, t) in target.tables.iter().enumerate() {
        for (ci, c) in t.columns.iter().enumerate() {
            if c.default.is_some() {
                defaults.push((ti, ci));
            }
        }
    }
    for (k, chunk) in defaults.chunks(400).enumerate() {
        let cols: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(n, &(ti, ci))| {
                let c = &target.tables[ti].columns[ci];
                format!(
                    "c{n} {} DEFAULT {}",
                    c.ty.to_sql(d),
                    c.default.as_deref().unwrap_or("NULL")
                )
            })
            .collect();
        ddl.push(format!("CREATE TABLE d{k} ({})", cols.join(", ")));
    }
    // Checks, expression and partial indexes: one table per model table
    // that has any, with its columns.
    // Scratch index name → (model table, index).
    let mut special_indexes: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (ti, t) in target.tables.iter().enumerate() {
        let special: Vec<usize> = (0..t.indexes.len())
            .filter(|&j| t.indexes[j].is_special())
            .collect();
        if t.checks.is_empty() && special.is_empty() {
            continue;
        }
        let mut parts: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("{} {}", q(&c.name), c.ty.to_sql(d)))
            .collect();
        for ch in &t.checks {
            parts.push(format!("CONSTRAINT {} CHECK ({})", q(&ch.name), ch.expr));
        }
        ddl.push(format!("CREATE TABLE k{ti} ({})", parts.join(", ")));
        for j in special {
            let mut ix = t.indexes[j].clone();
            ix.name = format!("i{ti}_{j}");
            special_indexes.insert(ix.name.clone(), (ti, j));
            ddl.push(
                alembix_schema::render_op(
                    &alembix_schema::Op::CreateIndex {
                        table: format!("k{ti}"),
                        index: ix,
                    },
                    d,
                )?
                .remove(0),
            );
        }
    }
    let pool = db.as_postgres().expect("dialect says PostgreSQL");
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let scratch = scratch_name();
    let result = async {
        sqlx::raw_sql(AssertSqlSafe(format!(
            "CREATE SCHEMA \"{scratch}\"; SET LOCAL search_path TO \"{scratch}\""
        )))
        .execute(&mut *tx)
        .await?;
        // One round trip for the whole batch; on an error, find the statement.
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(ddl.join(";\n")))
            .execute(&mut *tx)
            .await
        {
            let stmt = ddl.first().cloned().unwrap_or_default();
            return Err(scratch_error(
                e,
                if ddl.len() == 1 {
                    &stmt
                } else {
                    "(one of the models' defaults, checks or expression and partial indexes)"
                },
            ));
        }
        let rows = sqlx::query(
            // `pg_get_expr(.., 0)`: a default holds no column reference, and
            // with the table's oid PostgreSQL would build the names of all
            // its (up to 400) columns for every call — 0.6 s at 1,000 tables.
            "SELECT c.relname::text, a.attname::text, pg_get_expr(ad.adbin, 0)
             FROM pg_attrdef ad
             JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
             JOIN pg_class c ON c.oid = ad.adrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1",
        )
        .bind(&scratch)
        .fetch_all(&mut *tx)
        .await?;
        for r in rows {
            let table: String = r.try_get(0)?;
            let col: String = r.try_get(1)?;
            let expr: Option<String> = r.try_get(2)?;
            let (Some(k), Some(n)) = (
                table
                    .strip_prefix('d')
                    .and_then(|x| x.parse::<usize>().ok()),
                col.strip_prefix('c').and_then(|x| x.parse::<usize>().ok()),
            ) else {
                continue;
            };
            if let Some(&(ti, ci)) = defaults.get(k * 400 + n) {
                out.tables[ti].columns[ci].default = expr;
            }
        }
        let rows = sqlx::query(
            "SELECT c.relname::text, con.conname::text, pg_get_constraintdef(con.oid)
             FROM pg_constraint con
             JOIN pg_class c ON c.oid = con.conrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND con.contype = 'c'",
        )
        .bind(&scratch)
        .fetch_all(&mut *tx)
        .await?;
        for r in rows {
            let table: String = r.try_get(0)?;
            let name: String = r.try_get(1)?;
            let def: String = r.try_get(2)?;
            let Some(ti) = table
                .strip_prefix('k')
                .and_then(|x| x.parse::<usize>().ok())
            else {
                continue;
            };
            if let Some(ch) = out.tables[ti].checks.iter_mut().find(|c| c.name == name) {
                ch.expr = crate::introspect::postgres::check_expr(&def);
            }
        }
        if !special_indexes.is_empty() {
            let rows = sqlx::query(AssertSqlSafe(format!(
                "{} JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE n.nspname = $1",
                crate::introspect::postgres::INDEX_SELECT
            )))
            .bind(&scratch)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let read = crate::introspect::postgres::index_row(&r)?;
                if let Some(&(ti, j)) = special_indexes.get(&read.name) {
                    let ix = &mut out.tables[ti].indexes[j];
                    ix.columns = read.columns;
                    ix.expr = read.expr;
                    ix.predicate = read.predicate;
                }
            }
        }
        Ok::<_, Error>(())
    }
    .await;
    tx.rollback().await?;
    result?;
    // A table's enum types (PostgreSQL lists them apart).
    for t in &out.tables {
        for c in &t.columns {
            if let alembix_schema::ColumnType::Enum { name, values } = &c.ty
                && out.enums.iter().all(|e| &e.name != name)
            {
                out.enums.push(alembix_schema::EnumType {
                    name: name.clone(),
                    values: values.clone(),
                });
            }
        }
    }
    for t in &mut out.tables {
        // The key is NOT NULL whatever the model's Option says; the schema
        // part PostgreSQL defaults (public) is no schema.
        if let Some(pk) = &t.primary_key {
            for c in &mut t.columns {
                if pk.columns.contains(&c.name) {
                    c.nullable = false;
                }
            }
        }
        for f in &mut t.foreign_keys {
            if f.ref_schema.as_deref() == Some("public") {
                f.ref_schema = None;
            }
        }
    }
    Ok(out)
}

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

fn scratch_error(e: impl std::fmt::Display, stmt: &str) -> Error {
    Error::Usage(format!(
        "the models' schema does not create cleanly on this database: {e}\n  statement: {stmt}\nCheck the model attributes named in it (defaults, checks, sql_type)"
    ))
}

/// Tables per in-memory scratch database on SQLite.
const SQLITE_SCRATCH_TABLES: usize = 250;

/// The target schema as the database spells it: created in a scratch
/// place and introspected. Table and column `renamed_from` come from `target`.
pub async fn normalized_target(db: &Database, target: &Schema) -> Result<Schema> {
    let opts = IntrospectOptions {
        exclude_tables: Vec::new(),
        ..IntrospectOptions::default()
    };
    let mut out = match db.dialect() {
        Dialect::Postgres => normalize_postgres(db, target).await?,
        Dialect::MySql => {
            // Secondary indexes are reported as the models wrote them, and
            // each `CREATE INDEX` is a costly table change on InnoDB: the
            // scratch tables are made without them (columns, keys, unique
            // constraints, checks and foreign keys only) and the models'
            // indexes are put back after reading.
            let scratch_target = without_indexes(target)?;
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
                for stmt in create_schema(&scratch_target, Dialect::MySql)? {
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
            let mut schema = result?;
            dropped?;
            for t in &mut schema.tables {
                if let Some(model) = target.table(&t.name) {
                    t.indexes = model.indexes.clone();
                }
            }
            schema
        }
        Dialect::Sqlite => {
            // SQLite reads the new entry back with a scan of `sqlite_master`
            // after every CREATE, so one scratch database grows with the
            // square of the tables: several small in-memory ones instead
            // (a foreign key may name a table of another; SQLite does not
            // look at it when the table is created).
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
                let read = crate::introspect::sqlite::read_sqlite(&mut conn, &opts).await?;
                out.tables.extend(read.tables);
                out.enums.extend(read.enums);
                conn.close().await?;
            }
            out
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
