//! PostgreSQL: only what the database rewrites is normalised (defaults,
//! check expressions, expression and partial indexes), in a few wide
//! scratch tables inside a transaction that is rolled back — a handful of
//! statements whatever the number of tables. Everything else (types, keys,
//! plain indexes, foreign keys, comments) PostgreSQL reports as the models
//! wrote it, so it is taken from them.

use std::collections::{BTreeMap, HashMap};

use alembix_migrate::Database;
use alembix_schema::{Dialect, Schema, create_schema};
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::error::{Error, Result};
use crate::normalize::{scratch_error, scratch_name};

const D: Dialect = Dialect::Postgres;

fn q(s: &str) -> String {
    D.quote_ident(s)
}

/// What goes into the scratch schema, and where each part came from.
#[derive(Default)]
struct Scratch {
    ddl: Vec<String>,
    /// One defaulted column (model table, column) of each distinct
    /// (type, default): `c<n>` of table `d<k>` is entry `k * 400 + n`.
    defaults: Vec<(usize, usize)>,
    /// Every defaulted column (model table, column) and its entry in `defaults`.
    defaults_of: Vec<((usize, usize), usize)>,
    /// Scratch index name → (model table, index).
    special_indexes: BTreeMap<String, (usize, usize)>,
}

/// Columns per wide scratch table of defaults.
const DEFAULTS_PER_TABLE: usize = 400;

pub(super) async fn normalize_postgres(db: &Database, target: &Schema) -> Result<Schema> {
    let mut scratch = Scratch::default();
    enum_ddl(target, &mut scratch.ddl)?;
    default_tables(target, &mut scratch);
    check_tables(target, &mut scratch)?;
    partition_tables(target, &mut scratch);
    let mut out = target.clone();
    let pool = db.pool().as_postgres().expect("dialect says PostgreSQL");
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let result = read_back(&mut tx, &scratch, &mut out).await;
    tx.rollback().await?;
    result?;
    finish(&mut out);
    Ok(out)
}

/// The enum types: those listed, and those used by columns but not listed.
fn enum_ddl(target: &Schema, ddl: &mut Vec<String>) -> Result<()> {
    let enums = Schema {
        tables: Vec::new(),
        enums: target.enums.clone(),
        ..Default::default()
    };
    ddl.extend(create_schema(&enums, D)?);
    for t in &target.tables {
        for c in &t.columns {
            if let alembix_schema::ColumnType::Enum { name, values } = &c.ty
                && target.enum_type(name).is_none()
                && !ddl
                    .iter()
                    .any(|s| s.contains(&format!("TYPE {} AS", q(name))))
            {
                let labels: Vec<String> = values.iter().map(|v| D.quote_literal(v)).collect();
                ddl.push(format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    q(name),
                    labels.join(", ")
                ));
            }
        }
    }
    Ok(())
}

/// Defaults: each distinct (type, default) pair of the models once, in
/// wide tables `d<k>` with columns `c<n>` (the spelling read back depends
/// on nothing else); `defaults_of` says which pair each defaulted column has.
fn default_tables(target: &Schema, scratch: &mut Scratch) {
    let mut seen: HashMap<(String, &str), usize> = HashMap::new();
    for (ti, t) in target.tables.iter().enumerate() {
        for (ci, c) in t.columns.iter().enumerate() {
            let Some(default) = c.default.as_deref() else {
                continue;
            };
            let n = *seen.entry((c.ty.to_sql(D), default)).or_insert_with(|| {
                scratch.defaults.push((ti, ci));
                scratch.defaults.len() - 1
            });
            scratch.defaults_of.push(((ti, ci), n));
        }
    }
    for (k, chunk) in scratch.defaults.chunks(DEFAULTS_PER_TABLE).enumerate() {
        let cols: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(n, &(ti, ci))| {
                let c = &target.tables[ti].columns[ci];
                format!(
                    "c{n} {} DEFAULT {}",
                    c.ty.to_sql(D),
                    c.default.as_deref().unwrap_or("NULL")
                )
            })
            .collect();
        scratch
            .ddl
            .push(format!("CREATE TABLE d{k} ({})", cols.join(", ")));
    }
}

/// Checks, expression and partial indexes: one table per model table
/// that has any, with its columns.
fn check_tables(target: &Schema, scratch: &mut Scratch) -> Result<()> {
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
            .map(|c| format!("{} {}", q(&c.name), c.ty.to_sql(D)))
            .collect();
        for ch in &t.checks {
            parts.push(format!("CONSTRAINT {} CHECK ({})", q(&ch.name), ch.expr));
        }
        scratch
            .ddl
            .push(format!("CREATE TABLE k{ti} ({})", parts.join(", ")));
        for j in special {
            let mut ix = t.indexes[j].clone();
            ix.name = format!("i{ti}_{j}");
            scratch.special_indexes.insert(ix.name.clone(), (ti, j));
            let op = alembix_schema::Op::CreateIndex {
                table: format!("k{ti}"),
                index: ix,
            };
            scratch
                .ddl
                .push(alembix_schema::render_op(&op, D)?.remove(0));
        }
    }
    Ok(())
}

/// Partitioned tables: `p<n>` with the columns of model table `n` and its
/// partition key, its partitions `p<n>_<j>`, so that PostgreSQL spells the
/// key and the bounds.
fn partition_tables(target: &Schema, scratch: &mut Scratch) {
    for (ti, t) in target.tables.iter().enumerate() {
        let Some(key) = &t.partition_by else {
            continue;
        };
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("{} {}", q(&c.name), c.ty.to_sql(D)))
            .collect();
        scratch.ddl.push(format!(
            "CREATE TABLE p{ti} ({}) PARTITION BY {key}",
            cols.join(", ")
        ));
        for (j, p) in t.partitions.iter().enumerate() {
            scratch.ddl.push(format!(
                "CREATE TABLE p{ti}_{j} PARTITION OF p{ti} {}",
                p.bound
            ));
        }
    }
}

/// Creates the scratch schema in `tx` and reads the rewritten texts back
/// into `out`.
async fn read_back(tx: &mut PgConnection, scratch: &Scratch, out: &mut Schema) -> Result<()> {
    let name = scratch_name();
    // `public` stays on the path behind the scratch schema, so that types
    // the models name by `sql_type` (domains, extension types) resolve.
    sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE SCHEMA \"{name}\"; SET LOCAL search_path TO \"{name}\", public"
    )))
    .execute(&mut *tx)
    .await?;
    // One round trip for the whole batch; on an error, find the statement.
    let ddl = &scratch.ddl;
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
                "(one of the models' defaults, checks, expression and partial indexes, partition keys or partition bounds)"
            },
        ));
    }
    read_defaults(tx, &name, scratch, out).await?;
    read_checks(tx, &name, out).await?;
    if !scratch.special_indexes.is_empty() {
        read_indexes(tx, &name, &scratch.special_indexes, out).await?;
    }
    if out.tables.iter().any(|t| t.partition_by.is_some()) {
        read_partitions(tx, &name, out).await?;
    }
    Ok::<_, Error>(())
}

/// Runs `sql` with `$1` the scratch schema's name.
async fn scratch_rows(
    tx: &mut PgConnection,
    sql: impl sqlx::SqlSafeStr,
    scratch: &str,
) -> Result<Vec<sqlx::postgres::PgRow>> {
    Ok(sqlx::query(sql).bind(scratch).fetch_all(&mut *tx).await?)
}

/// `n` of a scratch object named `<prefix><n>`.
fn numbered(name: &str, prefix: char) -> Option<usize> {
    name.strip_prefix(prefix)?.parse().ok()
}

async fn read_defaults(
    tx: &mut PgConnection,
    name: &str,
    scratch: &Scratch,
    out: &mut Schema,
) -> Result<()> {
    // `pg_get_expr(.., 0)`: a default holds no column reference, and
    // with the table's oid PostgreSQL would build the names of all
    // its (up to 400) columns for every call — 0.6 s at 1,000 tables.
    let sql = "SELECT c.relname::text, a.attname::text, pg_get_expr(ad.adbin, 0)
         FROM pg_attrdef ad
         JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
         JOIN pg_class c ON c.oid = ad.adrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1";
    let rows = scratch_rows(tx, sql, name).await?;
    let mut read: Vec<Option<String>> = vec![None; scratch.defaults.len()];
    for r in rows {
        let table: String = r.try_get(0)?;
        let col: String = r.try_get(1)?;
        let expr: Option<String> = r.try_get(2)?;
        let (Some(k), Some(n)) = (numbered(&table, 'd'), numbered(&col, 'c')) else {
            continue;
        };
        if let Some(slot) = read.get_mut(k * DEFAULTS_PER_TABLE + n) {
            *slot = expr;
        }
    }
    for &((ti, ci), n) in &scratch.defaults_of {
        out.tables[ti].columns[ci].default = read[n].clone();
    }
    Ok(())
}

async fn read_checks(tx: &mut PgConnection, scratch: &str, out: &mut Schema) -> Result<()> {
    let sql = "SELECT c.relname::text, con.conname::text, pg_get_constraintdef(con.oid)
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND con.contype = 'c'";
    let rows = scratch_rows(tx, sql, scratch).await?;
    for r in rows {
        let table: String = r.try_get(0)?;
        let name: String = r.try_get(1)?;
        let def: String = r.try_get(2)?;
        let Some(ti) = numbered(&table, 'k') else {
            continue;
        };
        if let Some(ch) = out.tables[ti].checks.iter_mut().find(|c| c.name == name) {
            ch.expr = crate::introspect::postgres::check_expr(&def);
        }
    }
    Ok(())
}

async fn read_indexes(
    tx: &mut PgConnection,
    scratch: &str,
    special_indexes: &BTreeMap<String, (usize, usize)>,
    out: &mut Schema,
) -> Result<()> {
    let sql = AssertSqlSafe(format!(
        "{} JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE n.nspname = $1",
        crate::introspect::postgres::INDEX_SELECT
    ));
    let rows = scratch_rows(tx, sql, scratch).await?;
    for r in rows {
        let read = crate::introspect::postgres::index_row(&r)?;
        if let Some(&(ti, j)) = special_indexes.get(&read.name) {
            let ix = &mut out.tables[ti].indexes[j];
            ix.columns = read.columns;
            ix.expr = read.expr;
            ix.predicate = read.predicate;
        }
    }
    Ok(())
}

/// The partition keys and bounds as PostgreSQL prints them.
async fn read_partitions(tx: &mut PgConnection, scratch: &str, out: &mut Schema) -> Result<()> {
    let sql = "SELECT c.relname::text,
                CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
                pg_get_expr(c.relpartbound, c.oid)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND (c.relkind = 'p' OR c.relispartition)";
    let rows = scratch_rows(tx, sql, scratch).await?;
    for r in rows {
        let name: String = r.try_get(0)?;
        let Some(rest) = name.strip_prefix('p') else {
            continue;
        };
        match rest.split_once('_') {
            None => {
                if let (Ok(ti), Some(key)) = (rest.parse::<usize>(), r.try_get(1)?) {
                    out.tables[ti].partition_by = Some(key);
                }
            }
            Some((ti, j)) => {
                let (Ok(ti), Ok(j)) = (ti.parse::<usize>(), j.parse::<usize>()) else {
                    continue;
                };
                if let Some(bound) = r.try_get::<Option<String>, _>(2)? {
                    out.tables[ti].partitions[j].bound = bound;
                }
            }
        }
    }
    Ok(())
}

/// A table's enum types (PostgreSQL lists them apart); the key is NOT NULL
/// whatever the model's Option says; the schema part PostgreSQL defaults
/// (public) is no schema.
fn finish(out: &mut Schema) {
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
}
