//! MySQL/MariaDB: six `information_schema` queries for the current database.

use std::collections::BTreeMap;

use alembix_schema::{
    Check, Column, ColumnType, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, Table,
    UniqueConstraint,
};
use sqlx::{MySqlPool, Row};

use super::{IntrospectOptions, count_query, tidy};
use crate::error::Result;

/// `enum('a','it''s')` → the labels.
fn enum_values(ty: &str) -> Option<Vec<String>> {
    let inner = ty.strip_prefix("enum(")?.strip_suffix(')')?;
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
    let t = column_type.trim().to_ascii_lowercase();
    if let Some(values) = enum_values(&t) {
        return ColumnType::Enum {
            name: String::new(),
            values,
        };
    }
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
    read_mysql(&mut conn, opts).await
}

/// Reads through one connection (also used inside the scratch transaction).
pub(crate) async fn read_mysql(
    conn: &mut sqlx::MySqlConnection,
    opts: &IntrospectOptions,
) -> Result<Schema> {
    // The database name is read with the text protocol and bound into every
    // query: a prepared statement may keep the DATABASE() of its first run.
    let db_name = current_database(conn).await?;
    count_query();
    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(TABLE_COMMENT AS CHAR) FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
    )
    .bind(&db_name)
    .fetch_all(&mut *conn)
    .await?;
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for r in rows {
        let name: String = r.try_get(0)?;
        if opts.exclude_tables.contains(&name) {
            continue;
        }
        let comment: String = r.try_get(1)?;
        let mut t = Table::new(name.clone());
        t.comment = (!comment.is_empty()).then_some(comment);
        tables.insert(name, t);
    }

    count_query();
    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR),
                CAST(IS_NULLABLE AS CHAR), CAST(COLUMN_DEFAULT AS CHAR), CAST(EXTRA AS CHAR),
                CAST(COLUMN_COMMENT AS CHAR)
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .bind(&db_name)
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        let Some(t) = tables.get_mut(&r.try_get::<String, _>(0)?) else {
            continue;
        };
        let extra: String = r.try_get(5)?;
        let comment: String = r.try_get(6)?;
        let nullable = r.try_get::<String, _>(3)? == "YES";
        // MariaDB prints a NULL default as the text `NULL`.
        let default: Option<String> = r
            .try_get::<Option<String>, _>(4)?
            .filter(|d| !(d == "NULL" && nullable));
        t.columns.push(Column {
            name: r.try_get(1)?,
            ty: column_type(&r.try_get::<String, _>(2)?),
            nullable,
            default,
            auto_increment: extra.to_ascii_lowercase().contains("auto_increment"),
            comment: (!comment.is_empty()).then_some(comment),
            renamed_from: Vec::new(),
        });
    }

    // Constraints and their columns.
    count_query();
    let rows = sqlx::query(
        "SELECT CAST(tc.TABLE_NAME AS CHAR), CAST(tc.CONSTRAINT_NAME AS CHAR), CAST(tc.CONSTRAINT_TYPE AS CHAR)
         FROM information_schema.TABLE_CONSTRAINTS tc WHERE tc.TABLE_SCHEMA = ?",
    )
    .bind(&db_name)
    .fetch_all(&mut *conn)
    .await?;
    let mut kinds: BTreeMap<(String, String), String> = BTreeMap::new();
    for r in rows {
        kinds.insert((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?);
    }

    // Referential actions apart: MariaDB joins two information_schema
    // views without an index, which grows with the square of the keys.
    count_query();
    let mut rules: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for r in sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR),
                CAST(UPDATE_RULE AS CHAR), CAST(DELETE_RULE AS CHAR)
         FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?",
    )
    .bind(&db_name)
    .fetch_all(&mut *conn)
    .await?
    {
        rules.insert(
            (r.try_get(0)?, r.try_get(1)?),
            (r.try_get(2)?, r.try_get(3)?),
        );
    }
    count_query();
    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR),
                CAST(REFERENCED_TABLE_NAME AS CHAR), CAST(REFERENCED_COLUMN_NAME AS CHAR),
                CAST(REFERENCED_TABLE_SCHEMA AS CHAR)
         FROM information_schema.KEY_COLUMN_USAGE
         WHERE TABLE_SCHEMA = ?
         ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
    )
    .bind(&db_name)
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        let table: String = r.try_get(0)?;
        let name: String = r.try_get(1)?;
        let column: String = r.try_get(2)?;
        let Some(t) = tables.get_mut(&table) else {
            continue;
        };
        let kind = kinds
            .get(&(table.clone(), name.clone()))
            .cloned()
            .unwrap_or_default();
        match kind.as_str() {
            "PRIMARY KEY" => {
                let pk = t.primary_key.get_or_insert_with(|| PrimaryKey {
                    // MySQL names every primary key PRIMARY; the model's name is kept by convention.
                    name: alembix_schema::naming::primary_key_name(&table),
                    columns: Vec::new(),
                });
                pk.columns.push(column);
            }
            "FOREIGN KEY" => {
                let ref_table: Option<String> = r.try_get(3)?;
                let ref_column: Option<String> = r.try_get(4)?;
                let ref_schema: Option<String> = r.try_get(5)?;
                let (on_update, on_delete) = rules
                    .get(&(table.clone(), name.clone()))
                    .cloned()
                    .unwrap_or_default();
                match t.foreign_keys.iter_mut().find(|f| f.name == name) {
                    Some(f) => {
                        f.columns.push(column);
                        f.ref_columns.extend(ref_column);
                    }
                    None => t.foreign_keys.push(ForeignKey {
                        name: name.clone(),
                        columns: vec![column],
                        ref_table: ref_table.unwrap_or_default(),
                        ref_schema: ref_schema.filter(|s| s != &db_name),
                        ref_columns: ref_column.into_iter().collect(),
                        on_delete: action(&on_delete),
                        on_update: action(&on_update),
                    }),
                }
            }
            _ => {}
        }
    }

    count_query();
    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR)
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?",
    )
    .bind(&db_name)
    .fetch_all(&mut *conn)
    .await?;
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

    count_query();
    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), NON_UNIQUE, CAST(COLUMN_NAME AS CHAR)
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
    .bind(&db_name)
    .fetch_all(&mut *conn)
    .await?;
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
        let unique = r.try_get::<i64, _>(2)? == 0;
        let is_unique_constraint = kinds
            .get(&(table.clone(), name.clone()))
            .map(String::as_str)
            == Some("UNIQUE");
        if is_unique_constraint {
            match t.uniques.iter_mut().find(|u| u.name == name) {
                Some(u) => u.columns.push(column),
                None => t.uniques.push(UniqueConstraint {
                    name,
                    columns: vec![column],
                }),
            }
            continue;
        }
        match t.indexes.iter_mut().find(|i| i.name == name) {
            Some(i) => i.columns.push(column),
            None => t.indexes.push(Index {
                name,
                columns: vec![column],
                unique,
                ..Default::default()
            }),
        }
    }
    for (table, name) in skip {
        if let Some(t) = tables.get_mut(&table) {
            t.indexes.retain(|i| i.name != name);
        }
    }
    // InnoDB creates an index named after a foreign key when none serves it:
    // part of the foreign key, not an index of the model.
    for t in tables.values_mut() {
        let fks = t.foreign_keys.clone();
        t.indexes.retain(|i| {
            !fks.iter()
                .any(|f| f.name == i.name && f.columns == i.columns)
        });
    }

    let mut schema = Schema {
        tables: tables.into_values().collect(),
        enums: Vec::new(),
    };
    tidy(&mut schema);
    Ok(schema)
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
        assert_eq!(column_type("datetime(6)"), ColumnType::Timestamp);
    }
}
