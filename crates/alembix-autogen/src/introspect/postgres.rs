//! PostgreSQL: five catalog queries for the whole schema.

use std::collections::BTreeMap;

use alembix_schema::{
    Check, Column, ColumnType, EnumType, ForeignKey, Index, Partition, PrimaryKey,
    ReferentialAction, Schema, Table, UniqueConstraint,
};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

use super::{IntrospectOptions, count_query, tidy};
use crate::error::Result;

fn action(c: &str) -> ReferentialAction {
    match c {
        "c" => ReferentialAction::Cascade,
        "n" => ReferentialAction::SetNull,
        "d" => ReferentialAction::SetDefault,
        "r" => ReferentialAction::Restrict,
        _ => ReferentialAction::NoAction,
    }
}

/// `CHECK ((a > 0))` → `(a > 0)`: the expression as `pg_get_constraintdef` prints it.
pub(crate) fn check_expr(def: &str) -> String {
    let d = def.trim();
    let d = d.strip_prefix("CHECK").unwrap_or(d).trim();
    let d = d.strip_suffix(" NOT VALID").unwrap_or(d).trim();
    match d.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) => inner.trim().to_string(),
        None => d.to_string(),
    }
}

/// The columns of an index row: table oid, name, unique, key columns, the
/// key list as PostgreSQL prints it when a key part is an expression, and
/// the partial-index condition. Shared with the normalisation of the
/// models' expression and partial indexes so both sides read the same way.
pub(crate) const INDEX_SELECT: &str = "SELECT i.indrelid::int8, ic.relname::text, i.indisunique,
        array(SELECT att.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, ord)
              JOIN pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.n ORDER BY k.ord),
        CASE WHEN 0 = ANY(i.indkey::int2[]) THEN
            array_to_string(array(SELECT pg_get_indexdef(i.indexrelid, k, true)
                  FROM generate_series(1, i.indnkeyatts) k ORDER BY k), ', ') END,
        pg_get_expr(i.indpred, i.indrelid, true)
 FROM pg_index i
 JOIN pg_class ic ON ic.oid = i.indexrelid";

/// An [`INDEX_SELECT`] row as an [`Index`]: an index with an expression key
/// part keeps its whole key list in `expr` and no columns.
pub(crate) fn index_row(r: &sqlx::postgres::PgRow) -> Result<Index> {
    let expr: Option<String> = r.try_get(4)?;
    Ok(Index {
        name: r.try_get(1)?,
        unique: r.try_get(2)?,
        columns: if expr.is_some() {
            Vec::new()
        } else {
            r.try_get(3)?
        },
        expr,
        predicate: r.try_get(5)?,
    })
}

/// Reads the PostgreSQL schemas `opts.schemas`.
pub async fn introspect_postgres(pool: &PgPool, opts: &IntrospectOptions) -> Result<Schema> {
    let mut conn = pool.acquire().await?;
    read_postgres(&mut conn, opts).await
}

/// Enum labels in order, by type name.
type Enums = BTreeMap<String, Vec<String>>;

/// Tables by oid: the key every catalog row refers to its table by.
type Tables = BTreeMap<i64, Table>;

/// Reads through one connection (also used inside the scratch transaction).
pub(crate) async fn read_postgres(
    conn: &mut sqlx::PgConnection,
    opts: &IntrospectOptions,
) -> Result<Schema> {
    let ns = &opts.schemas;
    let enums = read_enums(conn).await?;
    let mut tables = read_tables(conn, opts).await?;
    read_columns(conn, ns, &enums, &mut tables).await?;
    read_constraints(conn, ns, &mut tables).await?;
    read_indexes(conn, ns, &mut tables).await?;
    let mut objects = super::postgres_objects::read_objects(conn, super::DEFAULT_PG_SCHEMA).await?;
    objects.extend(super::postgres_objects::read_extensions(conn).await?);
    let mut schema = Schema {
        tables: tables.into_values().collect(),
        enums: enums
            .into_iter()
            .map(|(name, values)| EnumType { name, values })
            .collect(),
        objects,
    };
    tidy(&mut schema);
    Ok(schema)
}

/// The table a row's first column (a table oid) names, if it is read.
/// Runs (and counts) `sql` (`$1` is the schemas `ns`) and hands each row to `add` with
/// the table it describes; rows of tables not read are skipped.
async fn per_table(
    conn: &mut sqlx::PgConnection,
    sql: impl sqlx::SqlSafeStr,
    ns: &[String],
    tables: &mut Tables,
    mut add: impl FnMut(&mut Table, &PgRow) -> Result<()>,
) -> Result<()> {
    count_query();
    let rows = sqlx::query(sql).bind(ns).fetch_all(&mut *conn).await?;
    for r in rows {
        if let Some(t) = table_of(tables, &r)? {
            add(t, &r)?;
        }
    }
    Ok(())
}

fn table_of<'t>(tables: &'t mut Tables, r: &PgRow) -> Result<Option<&'t mut Table>> {
    Ok(tables.get_mut(&r.try_get::<i64, _>(0)?))
}

/// The enum types of [`super::DEFAULT_PG_SCHEMA`].
async fn read_enums(conn: &mut sqlx::PgConnection) -> Result<Enums> {
    count_query();
    let enum_rows = sqlx::query(
        "SELECT t.typname::text, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = $1 GROUP BY t.typname",
    )
    .bind(super::DEFAULT_PG_SCHEMA)
    .fetch_all(&mut *conn)
    .await?;
    let mut enums = Enums::new();
    for r in enum_rows {
        enums.insert(r.try_get(0)?, r.try_get(1)?);
    }
    Ok(enums)
}

/// The tables of `opts.schemas` with their comments and partition keys,
/// still without columns; partitions are folded into their tables.
async fn read_tables(conn: &mut sqlx::PgConnection, opts: &IntrospectOptions) -> Result<Tables> {
    count_query();
    let table_rows = sqlx::query(
        "SELECT c.oid::int8, c.relname::text, obj_description(c.oid, 'pg_class'), n.nspname::text,
                CASE WHEN pt.partrelid IS NOT NULL THEN pg_get_partkeydef(c.oid) END,
                inh.inhparent::int8, pg_get_expr(c.relpartbound, c.oid)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
         LEFT JOIN pg_inherits inh ON inh.inhrelid = c.oid AND c.relispartition
         WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1)",
    )
    .bind(&opts.schemas)
    .fetch_all(&mut *conn)
    .await?;
    let mut tables = Tables::new();
    let mut partitions: Vec<(i64, Partition)> = Vec::new();
    for r in table_rows {
        let bare: String = r.try_get(1)?;
        let schema: String = r.try_get(3)?;
        if let Some(parent) = r.try_get::<Option<i64>, _>(5)? {
            let bound: Option<String> = r.try_get(6)?;
            let bound = bound.unwrap_or_else(|| "DEFAULT".into());
            partitions.push((parent, Partition::new(bare, bound)));
            continue;
        }
        if schema == super::DEFAULT_PG_SCHEMA && opts.exclude_tables.contains(&bare) {
            continue;
        }
        if bare.contains('.') {
            return Err(crate::error::Error::Usage(format!(
                "table `{schema}`.`{bare}` has a `.` in its name, which autogenerate cannot tell from a schema-qualified name; rename the table"
            )));
        }
        let name = super::qualified(&schema, &bare);
        let mut t = Table::new(name);
        t.comment = r.try_get(2)?;
        t.partition_by = r.try_get(4)?;
        tables.insert(r.try_get(0)?, t);
    }
    fold_partitions(&mut tables, partitions);
    Ok(tables)
}

/// Each partition goes to its table's list, never a table of its own (its
/// columns, inherited keys, constraints and indexes are its table's).
/// Partitions of a partition (sub-partitioning) are not read.
fn fold_partitions(tables: &mut Tables, mut partitions: Vec<(i64, Partition)>) {
    partitions.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (parent, partition) in partitions {
        if let Some(t) = tables.get_mut(&parent) {
            t.partitions.push(partition);
        }
    }
}

/// The columns of every table, in their order.
async fn read_columns(
    conn: &mut sqlx::PgConnection,
    ns: &[String],
    enums: &Enums,
    tables: &mut Tables,
) -> Result<()> {
    // A default holds no column reference: `pg_get_expr(.., 0)` prints it
    // without building the names of the table's columns for each call (a
    // generated column's expression has them). The comment is joined:
    // `col_description` is a query of its own per row.
    let sql = "SELECT a.attrelid::int8, a.attname::text, format_type(a.atttypid, a.atttypmod),
                a.attnotnull,
                CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0)
                     ELSE pg_get_expr(d.adbin, d.adrelid) END,
                a.attidentity::text, ds.description, t.typtype::text, t.typname::text
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         LEFT JOIN pg_description ds ON ds.objoid = a.attrelid
              AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
         WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND n.nspname = ANY($1)
         ORDER BY a.attrelid, a.attnum";
    per_table(conn, sql, ns, tables, |t, r| {
        t.columns.push(column_row(r, enums)?);
        Ok(())
    })
    .await
}

/// A column row as a [`Column`]: an enum type by its labels, identity and
/// serial (`nextval(...)` default) columns as auto-increment.
fn column_row(r: &PgRow, enums: &Enums) -> Result<Column> {
    let type_text: String = r.try_get(2)?;
    let typtype: String = r.try_get(7)?;
    let typname: String = r.try_get(8)?;
    let ty = match enums.get(&typname) {
        Some(values) if typtype == "e" => ColumnType::Enum {
            name: typname.clone(),
            values: values.clone(),
        },
        _ => ColumnType::from_sql(&type_text),
    };
    let mut default: Option<String> = r.try_get(4)?;
    let identity: String = r.try_get(5)?;
    let mut auto_increment = !identity.is_empty();
    if default
        .as_deref()
        .is_some_and(|d| d.starts_with("nextval("))
    {
        auto_increment = true;
        default = None;
    }
    Ok(Column {
        name: r.try_get(1)?,
        ty,
        nullable: !r.try_get::<bool, _>(3)?,
        default,
        auto_increment,
        comment: r.try_get(6)?,
        renamed_from: Vec::new(),
        backfill: None,
    })
}

/// Primary keys, unique constraints, foreign keys and checks.
async fn read_constraints(
    conn: &mut sqlx::PgConnection,
    ns: &[String],
    tables: &mut Tables,
) -> Result<()> {
    // Only a check's text is used: the others are not printed.
    let sql = "SELECT con.conrelid::int8, con.conname::text, con.contype::text,
                CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid) END,
                array(SELECT att.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)
                      JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.n ORDER BY k.ord),
                rc.relname::text, rn.nspname::text,
                array(SELECT att.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, ord)
                      JOIN pg_attribute att ON att.attrelid = con.confrelid AND att.attnum = k.n ORDER BY k.ord),
                con.confdeltype::text, con.confupdtype::text
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class rc ON rc.oid = con.confrelid
         LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
         WHERE n.nspname = ANY($1) AND con.contype IN ('p', 'u', 'f', 'c')";
    per_table(conn, sql, ns, tables, |t, r| {
        add_constraint(t, r)?;
        Ok(())
    })
    .await
}

/// Adds a constraint row to its table, by its `contype`.
fn add_constraint(t: &mut Table, r: &PgRow) -> Result<()> {
    let name: String = r.try_get(1)?;
    let kind: String = r.try_get(2)?;
    let def: String = r.try_get::<Option<String>, _>(3)?.unwrap_or_default();
    let columns: Vec<String> = r.try_get(4)?;
    match kind.as_str() {
        "p" => t.primary_key = Some(PrimaryKey { name, columns }),
        "u" => t.uniques.push(UniqueConstraint { name, columns }),
        "c" => t.checks.push(Check {
            name,
            expr: check_expr(&def),
        }),
        "f" => t.foreign_keys.push(foreign_key_row(r, name, columns)?),
        _ => {}
    }
    Ok(())
}

/// The foreign key of a constraint row, its target named as autogen names tables.
fn foreign_key_row(r: &PgRow, name: String, columns: Vec<String>) -> Result<ForeignKey> {
    let ref_schema: Option<String> = r.try_get(6)?;
    let ref_table: String = r.try_get::<Option<String>, _>(5)?.unwrap_or_default();
    Ok(ForeignKey {
        name,
        columns,
        ref_table: super::qualified(
            ref_schema.as_deref().unwrap_or(super::DEFAULT_PG_SCHEMA),
            &ref_table,
        ),
        ref_schema: None,
        ref_columns: r.try_get(7)?,
        on_delete: action(&r.try_get::<String, _>(8)?),
        on_update: action(&r.try_get::<String, _>(9)?),
    })
}

/// The indexes that back no constraint (those are read as constraints).
async fn read_indexes(
    conn: &mut sqlx::PgConnection,
    ns: &[String],
    tables: &mut Tables,
) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{INDEX_SELECT}
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))"
    ));
    per_table(conn, sql, ns, tables, |t, r| {
        t.indexes.push(index_row(r)?);
        Ok(())
    })
    .await
}

/// Which of `schemas` exist.
pub(crate) async fn existing_schemas(pool: &PgPool, schemas: &[String]) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname = ANY($1)")
            .bind(schemas)
            .fetch_all(pool)
            .await?,
    )
}
