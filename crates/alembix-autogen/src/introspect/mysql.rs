//! MySQL/MariaDB: seven `information_schema` queries for the current database
//! (its views, routines and triggers: `mysql_objects.rs`).

use std::collections::BTreeMap;

use alembix_schema::{
    Check, Column, ColumnType, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, Table,
    UniqueConstraint,
};
use sqlx::mysql::MySqlRow;
use sqlx::{MySqlPool, Row};

use super::mysql_queries::{Rows, fetch_parallel, fetch_serial};
use super::{IntrospectOptions, included_table, tidy};
use crate::error::Result;

/// `enum('a','it''s')` → the labels, in their own case.
fn enum_values(ty: &str) -> Option<Vec<String>> {
    let inner = ty
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("enum("))
        .and_then(|_| ty[5..].strip_suffix(')'))?;
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    s.push('\'');
                }
                '\'' => break,
                '\\' => {
                    if let Some(n) = chars.next() {
                        s.push(n);
                    }
                }
                other => s.push(other),
            }
        }
        out.push(s);
    }
    Some(out)
}

/// MySQL column types in the model's vocabulary.
pub(crate) fn column_type(column_type: &str) -> ColumnType {
    if let Some(values) = enum_values(column_type.trim()) {
        return ColumnType::Enum {
            name: String::new(),
            values,
        };
    }
    let t = column_type.trim().to_ascii_lowercase();
    // Display widths (`int(11)`) say nothing about the type.
    let base = t.split('(').next().unwrap_or(&t).trim();
    let unsigned = t.contains("unsigned");
    match base {
        "tinyint" if t.starts_with("tinyint(1)") => ColumnType::Boolean,
        "smallint" if !unsigned => ColumnType::SmallInt,
        "int" | "integer" if !unsigned => ColumnType::Integer,
        "bigint" if !unsigned => ColumnType::BigInt,
        "float" => ColumnType::Real,
        "double" => ColumnType::Double,
        "binary" if t == "binary(16)" => ColumnType::Uuid,
        "datetime" => ColumnType::Timestamp,
        "time" => ColumnType::Time,
        "longblob" => ColumnType::Binary,
        _ => ColumnType::from_sql(&t),
    }
}

fn action(s: &str) -> ReferentialAction {
    ReferentialAction::parse(s).unwrap_or(ReferentialAction::NoAction)
}

/// Reads the connection's current database.
pub async fn introspect_mysql(pool: &MySqlPool, opts: &IntrospectOptions) -> Result<Schema> {
    let mut conn = pool.acquire().await?;
    let db_name = current_database(&mut conn).await?;
    let rows = fetch_parallel(pool, &mut conn, &db_name).await?;
    let (mut schema, views) = read_catalog(rows, &db_name, opts)?;
    schema.objects = super::mysql_objects::read_objects(&mut conn, &db_name, views).await?;
    tidy(&mut schema);
    Ok(schema)
}

/// Catalog rows keyed by (table, constraint name).
type Keyed<T> = BTreeMap<(String, String), T>;

/// Tables by name.
type Tables = BTreeMap<String, Table>;

/// Reads through one connection (also used inside the scratch transaction).
pub(crate) async fn read_mysql(
    conn: &mut sqlx::MySqlConnection,
    opts: &IntrospectOptions,
) -> Result<Schema> {
    // The database name is read with the text protocol and bound into every
    // query: a prepared statement may keep the DATABASE() of its first run.
    let db_name = current_database(conn).await?;
    let rows = fetch_serial(conn, &db_name).await?;
    Ok(read_catalog(rows, &db_name, opts)?.0)
}

/// The tables of database `db_name`, and whether it has views.
///
/// Every query compares TABLE_SCHEMA with the bound name: MariaDB then
/// reads that database only (`Scanned 1 database` in EXPLAIN; `DATABASE()`
/// would read every database). Key kinds come from KEY_COLUMN_USAGE and
/// STATISTICS, not TABLE_CONSTRAINTS: one pass fewer of those that open
/// every table in full (foreign keys live in InnoDB, not in the `.frm`).
fn read_catalog(rows: Rows, db_name: &str, opts: &IntrospectOptions) -> Result<(Schema, bool)> {
    let (mut tables, views) = read_tables(rows.tables, opts)?;
    read_columns(rows.columns, &mut tables)?;
    let rules = read_rules(rows.rules)?;
    read_key_columns(rows.keys, db_name, &mut tables, &rules)?;
    read_checks(rows.checks, &mut tables)?;
    read_indexes(rows.indexes, &mut tables)?;
    drop_foreign_key_indexes(&mut tables);
    let mut schema = Schema {
        tables: tables.into_values().collect(),
        enums: Vec::new(),
        ..Default::default()
    };
    tidy(&mut schema);
    Ok((schema, views))
}

/// The base tables with their comments, still without columns, and
/// whether TABLES listed a view.
fn read_tables(rows: Vec<MySqlRow>, opts: &IntrospectOptions) -> Result<(Tables, bool)> {
    let mut views = false;
    let mut tables = Tables::new();
    for r in rows {
        match r.try_get::<String, _>(2)?.as_str() {
            "BASE TABLE" => {}
            "VIEW" => {
                views = true;
                continue;
            }
            _ => continue, // MariaDB's sequences, system views
        }
        let Some(name) = included_table(&r, opts)? else {
            continue;
        };
        let comment: String = r.try_get(1)?;
        let mut t = Table::new(name.clone());
        t.comment = (!comment.is_empty()).then_some(comment);
        tables.insert(name, t);
    }
    Ok((tables, views))
}

/// The columns of every table, in their order.
fn read_columns(rows: Vec<MySqlRow>, tables: &mut Tables) -> Result<()> {
    for r in rows {
        let Some(t) = tables.get_mut(&r.try_get::<String, _>(0)?) else {
            continue;
        };
        t.columns.push(column_row(&r)?);
    }
    Ok(())
}

/// A COLUMNS row as a [`Column`].
fn column_row(r: &MySqlRow) -> Result<Column> {
    let extra: String = r.try_get(5)?;
    let comment: String = r.try_get(6)?;
    let nullable = r.try_get::<String, _>(3)? == "YES";
    // MariaDB prints a NULL default as the text `NULL`.
    let default: Option<String> = r
        .try_get::<Option<String>, _>(4)?
        .filter(|d| !(d == "NULL" && nullable));
    Ok(Column {
        name: r.try_get(1)?,
        ty: column_type(&r.try_get::<String, _>(2)?),
        nullable,
        default,
        auto_increment: extra.to_ascii_lowercase().contains("auto_increment"),
        comment: (!comment.is_empty()).then_some(comment),
        renamed_from: Vec::new(),
        backfill: None,
    })
}

/// Each foreign key's (update rule, delete rule).
fn read_rules(rows: Vec<MySqlRow>) -> Result<Keyed<(String, String)>> {
    let mut rules = Keyed::new();
    for r in rows {
        rules.insert(
            (r.try_get(0)?, r.try_get(1)?),
            (r.try_get(2)?, r.try_get(3)?),
        );
    }
    Ok(rules)
}

/// The columns of primary keys and foreign keys, in key order.
fn read_key_columns(
    rows: Vec<MySqlRow>,
    db_name: &str,
    tables: &mut Tables,
    rules: &Keyed<(String, String)>,
) -> Result<()> {
    for r in rows {
        let table: String = r.try_get(0)?;
        let name: String = r.try_get(1)?;
        let column: String = r.try_get(2)?;
        let Some(t) = tables.get_mut(&table) else {
            continue;
        };
        let key = (table, name);
        // The primary key is always named PRIMARY, and only a foreign key's
        // rows name a referenced table; the other rows are unique keys,
        // read from STATISTICS.
        let referenced: Option<String> = r.try_get(3)?;
        match (key.1.as_str(), referenced) {
            ("PRIMARY", None) => {
                let pk = t.primary_key.get_or_insert_with(|| PrimaryKey {
                    // MySQL names every primary key PRIMARY; the model's name is kept by convention.
                    name: alembix_schema::naming::primary_key_name(&key.0),
                    columns: Vec::new(),
                });
                pk.columns.push(column);
            }
            (_, Some(_)) => {
                let rule = rules.get(&key).cloned().unwrap_or_default();
                let target = Referenced::of(&r, db_name, rule)?;
                foreign_key_column(t, key.1, column, target);
            }
            _ => {}
        }
    }
    Ok(())
}

/// What a foreign-key column refers to, as KEY_COLUMN_USAGE gives it, and
/// its key's referential actions.
struct Referenced {
    table: Option<String>,
    column: Option<String>,
    /// `None` for the database being read.
    schema: Option<String>,
    on_update: String,
    on_delete: String,
}

impl Referenced {
    /// `rule` is the key's (update rule, delete rule).
    fn of(r: &MySqlRow, db_name: &str, (on_update, on_delete): (String, String)) -> Result<Self> {
        let table: Option<String> = r.try_get(3)?;
        let column: Option<String> = r.try_get(4)?;
        let schema: Option<String> = r.try_get(5)?;
        Ok(Referenced {
            table,
            column,
            schema: schema.filter(|s| s != db_name),
            on_update,
            on_delete,
        })
    }
}

/// Adds a column to the foreign key `name`, which its first column creates.
fn foreign_key_column(t: &mut Table, name: String, column: String, target: Referenced) {
    match t.foreign_keys.iter_mut().find(|f| f.name == name) {
        Some(f) => {
            f.columns.push(column);
            f.ref_columns.extend(target.column);
        }
        None => t.foreign_keys.push(ForeignKey {
            name,
            columns: vec![column],
            ref_table: target.table.unwrap_or_default(),
            ref_schema: target.schema,
            ref_columns: target.column.into_iter().collect(),
            on_delete: action(&target.on_delete),
            on_update: action(&target.on_update),
        }),
    }
}

/// Check constraints, but for MariaDB's `json_valid` ones, which make their
/// column `json`.
fn read_checks(rows: Vec<MySqlRow>, tables: &mut Tables) -> Result<()> {
    for r in rows {
        if let Some(t) = tables.get_mut(&r.try_get::<String, _>(0)?) {
            let name: String = r.try_get(1)?;
            let expr: String = r.try_get(2)?;
            // MariaDB's `json` columns are longtext with a json_valid check named after the column.
            if let Some(c) = t.columns.iter_mut().find(|c| c.name == name)
                && expr.starts_with("json_valid(")
            {
                c.ty = ColumnType::Json;
                continue;
            }
            t.checks.push(Check { name, expr });
        }
    }
    Ok(())
}

/// Indexes and unique constraints (unique indexes there), but for the
/// primary key and functional indexes.
fn read_indexes(rows: Vec<MySqlRow>, tables: &mut Tables) -> Result<()> {
    let mut skip: Vec<(String, String)> = Vec::new();
    for r in rows {
        let table: String = r.try_get(0)?;
        let name: String = r.try_get(1)?;
        let Some(t) = tables.get_mut(&table) else {
            continue;
        };
        if name == "PRIMARY" {
            continue;
        }
        let column: Option<String> = r.try_get(3)?;
        let Some(column) = column else {
            // A functional index: not managed by autogen.
            skip.push((table, name));
            continue;
        };
        // Every unique index but the primary key is a UNIQUE constraint
        // in TABLE_CONSTRAINTS: the server lists the table's keys there
        // from the same flag as NON_UNIQUE.
        if r.try_get::<i64, _>(2)? == 0 {
            unique_column(t, name, column);
        } else {
            index_column(t, name, column);
        }
    }
    // Dropped once all rows are read: a functional index may have plain
    // columns too, read before or after its expression.
    for (table, name) in skip {
        if let Some(t) = tables.get_mut(&table) {
            t.indexes.retain(|i| i.name != name);
        }
    }
    Ok(())
}

/// Adds a column to the unique constraint `name`, which its first column
/// creates.
fn unique_column(t: &mut Table, name: String, column: String) {
    match t.uniques.iter_mut().find(|u| u.name == name) {
        Some(u) => u.columns.push(column),
        None => t.uniques.push(UniqueConstraint {
            name,
            columns: vec![column],
        }),
    }
}

/// Adds a column to the index `name`, which its first column creates.
fn index_column(t: &mut Table, name: String, column: String) {
    match t.indexes.iter_mut().find(|i| i.name == name) {
        Some(i) => i.columns.push(column),
        None => t.indexes.push(Index {
            name,
            columns: vec![column],
            unique: false,
            ..Default::default()
        }),
    }
}

/// InnoDB creates an index named after a foreign key when none serves it:
/// part of the foreign key, not an index of the model.
fn drop_foreign_key_indexes(tables: &mut Tables) {
    for t in tables.values_mut() {
        let fks = t.foreign_keys.clone();
        t.indexes.retain(|i| {
            !fks.iter()
                .any(|f| f.name == i.name && f.columns == i.columns)
        });
    }
}

/// The connection's current database, read without a prepared statement.
pub(crate) async fn current_database(conn: &mut sqlx::MySqlConnection) -> Result<String> {
    let row = sqlx::raw_sql("SELECT DATABASE()")
        .fetch_one(&mut *conn)
        .await?;
    let name: Option<String> = row.try_get(0)?;
    name.ok_or_else(|| {
        crate::error::Error::Usage(
            "the MySQL connection has no current database; put the database name in the URL".into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert_eq!(column_type("int(11)"), ColumnType::Integer);
        assert_eq!(column_type("tinyint(1)"), ColumnType::Boolean);
        assert_eq!(column_type("varchar(40)"), ColumnType::Varchar(Some(40)));
        assert_eq!(
            column_type("enum('a','it''s')"),
            ColumnType::Enum {
                name: String::new(),
                values: vec!["a".into(), "it's".into()]
            }
        );
        assert_eq!(
            column_type("enum('PG-13','Very Bad')"),
            ColumnType::Enum {
                name: String::new(),
                values: vec!["PG-13".into(), "Very Bad".into()]
            },
            "labels keep their case"
        );
        assert_eq!(column_type("datetime(6)"), ColumnType::Timestamp);
    }
}
