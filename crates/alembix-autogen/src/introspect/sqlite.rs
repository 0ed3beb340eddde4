//! SQLite: six queries over `sqlite_master` joined with the `pragma_*`
//! table functions, plus a reading of each `CREATE TABLE` text.

use std::collections::BTreeMap;

use alembix_schema::naming;
use alembix_schema::{
    Check, Column, ColumnType, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, Table,
    UniqueConstraint,
};
use sqlx::{Row, SqlitePool};

use super::sqlite_sql::{enum_check, parse_create_index, parse_create_table};
use super::{IntrospectOptions, count_query, tidy};
use crate::error::Result;

fn action(s: &str) -> ReferentialAction {
    ReferentialAction::parse(s).unwrap_or(ReferentialAction::NoAction)
}

/// What `pragma_index_list` and `sqlite_master` say of one index: unique,
/// origin (`c` created, `u` unique constraint, `pk`), partial, and the
/// `CREATE INDEX` text.
type IndexMeta = (bool, String, bool, Option<String>);

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
    count_query();
    let rows = sqlx::query(
        "SELECT m.name, m.sql FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
        .fetch_all(&mut *conn)
        .await?;
    let mut tables: BTreeMap<String, (Table, String)> = BTreeMap::new();
    for r in rows {
        let name: String = r.try_get(0)?;
        if opts.exclude_tables.contains(&name) {
            continue;
        }
        let sql: Option<String> = r.try_get(1)?;
        tables.insert(name.clone(), (Table::new(name), sql.unwrap_or_default()));
    }

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
        });
    }

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
    let mut index_meta: BTreeMap<(String, String), IndexMeta> = BTreeMap::new();
    for r in rows {
        let index: String = r.try_get(1)?;
        let sql = index_sql.get(&index).cloned();
        index_meta.insert(
            (r.try_get(0)?, index),
            (
                r.try_get::<i64, _>(2)? == 1,
                r.try_get(3)?,
                r.try_get::<i64, _>(4)? == 1,
                sql,
            ),
        );
    }

    count_query();
    let rows = sqlx::query(
        "SELECT m.name, il.name, ii.name
         FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, il.name, ii.seqno",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut index_cols: BTreeMap<(String, String), Vec<Option<String>>> = BTreeMap::new();
    for r in rows {
        index_cols
            .entry((r.try_get(0)?, r.try_get(1)?))
            .or_default()
            .push(r.try_get(2)?);
    }

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

    for (name, (t, sql)) in tables.iter_mut() {
        let parsed = parse_create_table(sql);
        // Primary key: columns in key order; SQLite keeps no name unless the text has one.
        if let Some(mut cols) = pk_cols.remove(name) {
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
                name: parsed
                    .primary_key_name
                    .clone()
                    .unwrap_or_else(|| naming::primary_key_name(name)),
                columns,
            });
        }
        for c in &mut t.columns {
            if parsed.autoincrement.contains(&c.name) {
                c.auto_increment = true;
            }
        }
        // Indexes and unique constraints.
        let of_table = index_meta
            .range((name.clone(), String::new())..)
            .take_while(|((tn, _), _)| tn == name);
        for ((tn, iname), (unique, origin, partial, sql)) in of_table {
            let cols = index_cols
                .get(&(tn.clone(), iname.clone()))
                .cloned()
                .unwrap_or_default();
            let has_expr = cols.iter().any(Option::is_none);
            if has_expr || *partial {
                // Expression and partial indexes: their text is the truth.
                let Some((keys, predicate)) = sql.as_deref().and_then(parse_create_index) else {
                    continue;
                };
                t.indexes.push(Index {
                    name: iname.clone(),
                    unique: *unique,
                    columns: if has_expr {
                        Vec::new()
                    } else {
                        cols.into_iter().flatten().collect()
                    },
                    expr: has_expr.then_some(keys),
                    predicate,
                });
                continue;
            }
            let cols: Vec<String> = cols.into_iter().flatten().collect();
            match origin.as_str() {
                "c" => t.indexes.push(Index {
                    name: iname.clone(),
                    columns: cols,
                    unique: *unique,
                    ..Default::default()
                }),
                "u" => {
                    let uname = parsed
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
        // Foreign keys, named from the text when it names them.
        let of_table = fks
            .range((name.clone(), i64::MIN)..)
            .take_while(|((tn, _), _)| tn == name);
        for (_, fk) in of_table {
            let mut fk = fk.clone();
            fk.name = parsed
                .foreign_keys
                .iter()
                .find(|(_, c)| *c == fk.columns)
                .and_then(|(n, _)| n.clone())
                .unwrap_or_else(|| naming::foreign_key_name(name, &fk.columns, &fk.ref_table));
            t.foreign_keys.push(fk);
        }
        // Checks; `col IN (...)` on a text column is an enum.
        for (n, (cname, expr, col)) in parsed.checks.iter().enumerate() {
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
                    .unwrap_or_else(|| naming::check_name(name, &format!("{}", n + 1))),
                expr: expr.clone(),
            });
        }
    }

    let mut schema = Schema {
        tables: tables.into_values().map(|(t, _)| t).collect(),
        enums: Vec::new(),
    };
    tidy(&mut schema);
    Ok(schema)
}
