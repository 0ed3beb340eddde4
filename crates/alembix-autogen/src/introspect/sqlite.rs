//! SQLite: six queries over `sqlite_master` joined with the `pragma_*`
//! table functions, plus a reading of each `CREATE TABLE` text.

use std::collections::BTreeMap;

use alembix_schema::naming;
use alembix_schema::{
    Check, Column, ColumnType, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, Table,
    UniqueConstraint,
};
use sqlx::{Row, SqlitePool};

use super::sqlite_sql::{Parsed, enum_check, parse_create_index, parse_create_table};
use super::{IntrospectOptions, count_query, included_table, tidy};
use crate::error::Result;

fn action(s: &str) -> ReferentialAction {
    ReferentialAction::parse(s).unwrap_or(ReferentialAction::NoAction)
}

/// What `pragma_index_list` and `sqlite_master` say of one index.
struct IndexMeta {
    unique: bool,
    /// `c` created, `u` unique constraint, `pk` primary key.
    origin: String,
    partial: bool,
    /// The `CREATE INDEX` text; none for the indexes SQLite makes itself.
    sql: Option<String>,
}

/// Tables by name, each with its `CREATE TABLE` text.
type Tables = BTreeMap<String, (Table, String)>;

/// Rows keyed by (table, index).
type ByIndex<T> = BTreeMap<(String, String), T>;

/// What the pragma queries read of every table: completed, table by table,
/// with what only the `CREATE TABLE` text says (names, checks).
struct Pragmas {
    /// Primary-key columns by table, with their place in the key.
    pk_cols: BTreeMap<String, Vec<(i64, String)>>,
    index_meta: ByIndex<IndexMeta>,
    /// Key columns in key order; `None` for an expression.
    index_cols: ByIndex<Vec<Option<String>>>,
    /// Foreign keys by (table, id), not named yet.
    fks: BTreeMap<(String, i64), ForeignKey>,
}

/// A table's name and its parsed `CREATE TABLE` text.
struct TableText<'a> {
    name: &'a str,
    parsed: Parsed,
}

/// Reads the main database of the connection.
pub async fn introspect_sqlite(pool: &SqlitePool, opts: &IntrospectOptions) -> Result<Schema> {
    let mut conn = pool.acquire().await?;
    read_sqlite(&mut conn, opts).await
}

/// Reads through one connection (also used inside the scratch transaction).
pub(crate) async fn read_sqlite(
    conn: &mut sqlx::SqliteConnection,
    opts: &IntrospectOptions,
) -> Result<Schema> {
    let mut tables = read_tables(conn, opts).await?;
    let pk_cols = read_columns(conn, &mut tables).await?;
    let index_meta = read_index_meta(conn).await?;
    let index_cols = read_index_columns(conn).await?;
    let fks = read_foreign_keys(conn).await?;
    let mut pragmas = Pragmas {
        pk_cols,
        index_meta,
        index_cols,
        fks,
    };
    for (name, (t, sql)) in tables.iter_mut() {
        let text = TableText {
            name,
            parsed: parse_create_table(sql),
        };
        complete_table(t, &text, &mut pragmas);
    }
    let mut schema = Schema {
        tables: tables.into_values().map(|(t, _)| t).collect(),
        enums: Vec::new(),
        objects: super::sqlite_objects::read_objects(conn).await?,
    };
    tidy(&mut schema);
    Ok(schema)
}

/// The tables with their `CREATE TABLE` texts, still without columns.
async fn read_tables(
    conn: &mut sqlx::SqliteConnection,
    opts: &IntrospectOptions,
) -> Result<Tables> {
    count_query();
    let rows = sqlx::query(
        "SELECT m.name, m.sql FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
        .fetch_all(&mut *conn)
        .await?;
    let mut tables = Tables::new();
    for r in rows {
        let Some(name) = included_table(&r, opts)? else {
            continue;
        };
        let sql: Option<String> = r.try_get(1)?;
        tables.insert(name.clone(), (Table::new(name), sql.unwrap_or_default()));
    }
    Ok(tables)
}

/// The columns of every table, in their order; returns the primary-key
/// columns, made a key once the text has given its name.
async fn read_columns(
    conn: &mut sqlx::SqliteConnection,
    tables: &mut Tables,
) -> Result<BTreeMap<String, Vec<(i64, String)>>> {
    count_query();
    let rows = sqlx::query(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk
         FROM sqlite_master m JOIN pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut pk_cols: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for r in rows {
        let table: String = r.try_get(0)?;
        let Some((t, _)) = tables.get_mut(&table) else {
            continue;
        };
        let name: String = r.try_get(1)?;
        let declared: String = r.try_get(2)?;
        let pk: i64 = r.try_get(5)?;
        if pk > 0 {
            pk_cols
                .entry(table.clone())
                .or_default()
                .push((pk, name.clone()));
        }
        t.columns.push(Column {
            name,
            ty: if declared.is_empty() {
                ColumnType::Custom { sql: String::new() }
            } else {
                ColumnType::from_sql(&declared)
            },
            nullable: r.try_get::<i64, _>(3)? == 0,
            default: r.try_get(4)?,
            auto_increment: false,
            comment: None,
            renamed_from: Vec::new(),
            backfill: None,
        });
    }
    Ok(pk_cols)
}

/// Every index of every table, with its `CREATE INDEX` text.
async fn read_index_meta(conn: &mut sqlx::SqliteConnection) -> Result<ByIndex<IndexMeta>> {
    count_query();
    let rows = sqlx::query(
        "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial
         FROM sqlite_master m JOIN pragma_index_list(m.name) il
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut *conn)
    .await?;
    // The `CREATE INDEX` texts, apart: sqlite_master has no index on name,
    // so joining it per index would grow with the square of the indexes.
    count_query();
    let index_sql: BTreeMap<String, String> =
        sqlx::query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_>>()?;
    let mut index_meta = ByIndex::new();
    for r in rows {
        let index: String = r.try_get(1)?;
        let sql = index_sql.get(&index).cloned();
        index_meta.insert(
            (r.try_get(0)?, index),
            IndexMeta {
                unique: r.try_get::<i64, _>(2)? == 1,
                origin: r.try_get(3)?,
                partial: r.try_get::<i64, _>(4)? == 1,
                sql,
            },
        );
    }
    Ok(index_meta)
}

/// The key columns of every index, in key order.
async fn read_index_columns(
    conn: &mut sqlx::SqliteConnection,
) -> Result<ByIndex<Vec<Option<String>>>> {
    count_query();
    let rows = sqlx::query(
        "SELECT m.name, il.name, ii.name
         FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, il.name, ii.seqno",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut index_cols: ByIndex<Vec<Option<String>>> = ByIndex::new();
    for r in rows {
        index_cols
            .entry((r.try_get(0)?, r.try_get(1)?))
            .or_default()
            .push(r.try_get(2)?);
    }
    Ok(index_cols)
}

/// The foreign keys of every table, unnamed: SQLite keeps their names only
/// in the `CREATE TABLE` text.
async fn read_foreign_keys(
    conn: &mut sqlx::SqliteConnection,
) -> Result<BTreeMap<(String, i64), ForeignKey>> {
    count_query();
    let rows = sqlx::query(
        "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, f.id, f.seq",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut fks: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for r in rows {
        let table: String = r.try_get(0)?;
        let id: i64 = r.try_get(1)?;
        let from: String = r.try_get(3)?;
        let to: Option<String> = r.try_get(4)?;
        let fk = fks.entry((table, id)).or_insert_with(|| ForeignKey {
            name: String::new(),
            columns: Vec::new(),
            ref_table: r.try_get(2).unwrap_or_default(),
            ref_schema: None,
            ref_columns: Vec::new(),
            on_delete: action(&r.try_get::<String, _>(6).unwrap_or_default()),
            on_update: action(&r.try_get::<String, _>(5).unwrap_or_default()),
        });
        fk.columns.push(from);
        fk.ref_columns.extend(to);
    }
    Ok(fks)
}

/// Gives a table its keys, indexes, foreign keys and checks from what the
/// pragmas read of it and what its text says.
fn complete_table(t: &mut Table, text: &TableText, p: &mut Pragmas) {
    if let Some(cols) = p.pk_cols.remove(text.name) {
        primary_key(t, text, cols);
    }
    for c in &mut t.columns {
        if text.parsed.autoincrement.contains(&c.name) {
            c.auto_increment = true;
        }
    }
    table_indexes(t, text, p);
    table_foreign_keys(t, text, p);
    table_checks(t, text);
}

/// Primary key: columns in key order; SQLite keeps no name unless the text has one.
fn primary_key(t: &mut Table, text: &TableText, mut cols: Vec<(i64, String)>) {
    cols.sort();
    let columns: Vec<String> = cols.into_iter().map(|(_, c)| c).collect();
    // A single `integer` key is the rowid: generated when not given.
    if columns.len() == 1
        && let Some(c) = t.columns.iter_mut().find(|c| c.name == columns[0])
        && matches!(&c.ty, ColumnType::Integer)
    {
        c.auto_increment = true;
        // A rowid alias cannot hold NULL, whatever the text says.
        c.nullable = false;
    }
    t.primary_key = Some(PrimaryKey {
        name: text
            .parsed
            .primary_key_name
            .clone()
            .unwrap_or_else(|| naming::primary_key_name(text.name)),
        columns,
    });
}

/// Indexes and unique constraints.
fn table_indexes(t: &mut Table, text: &TableText, p: &Pragmas) {
    let name = text.name;
    let of_table = p
        .index_meta
        .range((name.to_string(), String::new())..)
        .take_while(|((tn, _), _)| tn == name);
    for ((tn, iname), meta) in of_table {
        let cols = p
            .index_cols
            .get(&(tn.clone(), iname.clone()))
            .cloned()
            .unwrap_or_default();
        if cols.iter().any(Option::is_none) || meta.partial {
            // Expression and partial indexes: their text is the truth.
            t.indexes.extend(text_index(iname, meta, cols));
            continue;
        }
        let cols: Vec<String> = cols.into_iter().flatten().collect();
        match meta.origin.as_str() {
            "c" => t.indexes.push(Index {
                name: iname.clone(),
                columns: cols,
                unique: meta.unique,
                ..Default::default()
            }),
            "u" => {
                let uname = text
                    .parsed
                    .uniques
                    .iter()
                    .find(|(_, c)| *c == cols)
                    .and_then(|(n, _)| n.clone())
                    .unwrap_or_else(|| naming::unique_name(name, &cols));
                t.uniques.push(UniqueConstraint {
                    name: uname,
                    columns: cols,
                });
            }
            _ => {}
        }
    }
}

/// An expression or partial index as its `CREATE INDEX` text says; none
/// when there is no text to read.
fn text_index(name: &str, meta: &IndexMeta, cols: Vec<Option<String>>) -> Option<Index> {
    let has_expr = cols.iter().any(Option::is_none);
    let (keys, predicate) = meta.sql.as_deref().and_then(parse_create_index)?;
    Some(Index {
        name: name.to_string(),
        unique: meta.unique,
        columns: if has_expr {
            Vec::new()
        } else {
            cols.into_iter().flatten().collect()
        },
        expr: has_expr.then_some(keys),
        predicate,
    })
}

/// Foreign keys, named from the text when it names them.
fn table_foreign_keys(t: &mut Table, text: &TableText, p: &Pragmas) {
    let name = text.name;
    let of_table = p
        .fks
        .range((name.to_string(), i64::MIN)..)
        .take_while(|((tn, _), _)| tn == name);
    for (_, fk) in of_table {
        let mut fk = fk.clone();
        fk.name = text
            .parsed
            .foreign_keys
            .iter()
            .find(|(_, c)| *c == fk.columns)
            .and_then(|(n, _)| n.clone())
            .unwrap_or_else(|| naming::foreign_key_name(name, &fk.columns, &fk.ref_table));
        t.foreign_keys.push(fk);
    }
}

/// Checks; `col IN (...)` on a text column is an enum.
fn table_checks(t: &mut Table, text: &TableText) {
    for (n, (cname, expr, col)) in text.parsed.checks.iter().enumerate() {
        if let Some(col) = col
            && let Some(values) = enum_check(expr, col)
            && let Some(c) = t.columns.iter_mut().find(|c| &c.name == col)
        {
            c.ty = ColumnType::Enum {
                name: String::new(),
                values,
            };
            continue;
        }
        t.checks.push(Check {
            name: cname
                .clone()
                .unwrap_or_else(|| naming::check_name(text.name, &format!("{}", n + 1))),
            expr: expr.clone(),
        });
    }
}
