//! Tables: `CREATE TABLE`, column definitions, table constraints, indexes,
//! foreign keys, enum types and comments.

use sea_query::{
    ColumnDef, DynIden, Expr, ForeignKey as SqForeignKey, Index as SqIndex, Keyword,
    Table as SqTable,
};

use super::{Dialect, Rendered, TableName, sea_query_action, sea_query_sql};
use crate::model::{
    Check, Column, ColumnType, ForeignKey, Index, PrimaryKey, Table, UniqueConstraint,
};

/// The sea-query definition of a column. `inline_pk` marks the SQLite
/// auto-increment single-column key, rendered `PRIMARY KEY AUTOINCREMENT`
/// inline (only `INTEGER PRIMARY KEY` is a rowid alias).
pub(crate) fn column_def(col: &Column, d: Dialect, inline_pk: bool) -> Result<ColumnDef, String> {
    let mut def = ColumnDef::new_with_type(
        col.name.clone(),
        sea_query::ColumnType::custom(col.ty.to_sql(d)),
    );
    if !col.nullable {
        def.not_null();
    }
    if let Some(expr) = &col.default {
        // A keyword is written verbatim; any other expression would be wrapped
        // in parentheses, which MySQL 8 reads as an expression default.
        def.default(Expr::Keyword(Keyword::Custom(DynIden::from(expr.clone()))));
    }
    let mut extra = Vec::new();
    if col.auto_increment {
        if !(col.ty.is_integer() || matches!(col.ty, ColumnType::Custom { .. })) {
            return Err(format!(
                "column {:?} is auto-increment but its type {:?} is not an integer type",
                col.name, col.ty
            ));
        }
        d.rules().auto_increment(&mut def, inline_pk, &mut extra);
    }
    d.rules().column_extras(col, &mut extra);
    if !extra.is_empty() {
        def.extra(extra.join(" "));
    }
    Ok(def)
}

/// A column definition as SQL: `"name" type NOT NULL DEFAULT ...`.
pub(crate) fn column_def_sql(col: &Column, d: Dialect, inline_pk: bool) -> Result<String, String> {
    Ok(d.build_column_def(&column_def(col, d, inline_pk)?))
}

/// Enum labels as a literal list: `'a','b'`.
pub(crate) fn label_list(values: &[String], d: Dialect) -> String {
    values
        .iter()
        .map(|v| d.quote_literal(v))
        .collect::<Vec<_>>()
        .join(",")
}

/// `CONSTRAINT "pk_t" PRIMARY KEY ("id")`.
pub(crate) fn primary_key_clause(pk: &PrimaryKey, d: Dialect) -> String {
    format!(
        "CONSTRAINT {} PRIMARY KEY ({})",
        d.quote_ident(&pk.name),
        d.quote_list(&pk.columns)
    )
}

/// `CONSTRAINT "uq_t_a" UNIQUE ("a")`.
pub(crate) fn unique_clause(u: &UniqueConstraint, d: Dialect) -> String {
    format!(
        "CONSTRAINT {} UNIQUE ({})",
        d.quote_ident(&u.name),
        d.quote_list(&u.columns)
    )
}

/// `CONSTRAINT "ck_t_x" CHECK (expr)`; the expression is written verbatim.
pub(crate) fn check_clause(c: &Check, d: Dialect) -> String {
    format!("CONSTRAINT {} CHECK ({})", d.quote_ident(&c.name), c.expr)
}

/// `CONSTRAINT "fk_.." FOREIGN KEY (..) REFERENCES "t" (..) [ON DELETE ..] [ON UPDATE ..]`.
pub(crate) fn foreign_key_clause(fk: &ForeignKey, d: Dialect) -> String {
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        d.quote_ident(&fk.name),
        d.quote_list(&fk.columns),
        d.quote_table(fk.ref_schema.as_deref(), &fk.ref_table),
        d.quote_list(&fk.ref_columns)
    );
    if sea_query_action(fk.on_delete).is_some() {
        s.push_str(" ON DELETE ");
        s.push_str(fk.on_delete.as_sql());
    }
    if sea_query_action(fk.on_update).is_some() {
        s.push_str(" ON UPDATE ");
        s.push_str(fk.on_update.as_sql());
    }
    s
}

/// `CREATE TABLE` with columns, primary key, unique constraints, foreign keys
/// (except those named in `deferred_fks`) and checks, then (PostgreSQL) the
/// `COMMENT ON` statements. Indexes are not part of it.
pub(crate) fn create_table(t: &Table, d: Dialect, deferred_fks: &[&str]) -> Rendered {
    if t.columns.is_empty() {
        return Err(format!("table {:?} has no columns", t.qualified_name()));
    }
    let tn = TableName::of(t);
    // SQLite: an auto-increment single-column key is declared inline.
    let inline_pk = match &t.primary_key {
        Some(pk) if d.caps().inline_auto_increment_key && pk.columns.len() == 1 => t
            .find_column(&pk.columns[0])
            .filter(|c| c.auto_increment)
            .map(|c| c.name.as_str()),
        _ => None,
    };
    let mut items = Vec::new();
    for col in &t.columns {
        items.push(column_def_sql(
            col,
            d,
            inline_pk == Some(col.name.as_str()),
        )?);
    }
    if let Some(pk) = &t.primary_key
        && inline_pk.is_none()
    {
        items.push(primary_key_clause(pk, d));
    }
    for u in &t.uniques {
        items.push(unique_clause(u, d));
    }
    for fk in &t.foreign_keys {
        if !deferred_fks.contains(&fk.name.as_str()) {
            items.push(foreign_key_clause(fk, d));
        }
    }
    for c in &t.checks {
        items.push(check_clause(c, d));
    }
    let mut sql = format!("CREATE TABLE {} (\n  {}\n)", tn.sql(d), items.join(",\n  "));
    sql.push_str(&super::partition::partition_by_clause(t, d)?);
    sql.push_str(&d.rules().table_options(t));
    let mut out = vec![sql];
    out.extend(super::partition::create_partitions(t, d));
    if d.caps().comments_by_statement {
        if t.comment.is_some() {
            out.extend(table_comment(tn, t.comment.as_deref(), d));
        }
        for col in &t.columns {
            if let Some(comment) = &col.comment {
                out.push(column_comment(tn, &col.name, Some(comment), d));
            }
        }
    }
    Ok(out)
}

/// `DROP TABLE [IF EXISTS] "t"` (never `CASCADE`).
pub(crate) fn drop_table(tn: TableName<'_>, d: Dialect, if_exists: bool) -> String {
    let mut stmt = SqTable::drop();
    stmt.table(tn.sea_query(d));
    if if_exists {
        stmt.if_exists();
    }
    sea_query_sql(&stmt, d)
}

/// `ALTER TABLE .. ADD COLUMN ..` (+ `COMMENT ON COLUMN` on PostgreSQL).
pub(crate) fn add_column(tn: TableName<'_>, col: &Column, d: Dialect) -> Rendered {
    if let Some(refusal) = d.rules().refuse_add_column(col) {
        return Err(refusal);
    }
    let def = column_def(col, d, false)?;
    let mut out = vec![sea_query_sql(
        SqTable::alter().table(tn.sea_query(d)).add_column(def),
        d,
    )];
    if let (true, Some(comment)) = (d.caps().comments_by_statement, &col.comment) {
        out.push(column_comment(tn, &col.name, Some(comment), d));
    }
    Ok(out)
}

/// `CREATE [UNIQUE] INDEX "ix" ON "t" ("a", "b")`, or with an expression key
/// list and a `WHERE` condition (PostgreSQL and SQLite only; an error on MySQL).
pub(crate) fn create_index(tn: TableName<'_>, index: &Index, d: Dialect) -> Result<String, String> {
    create_index_as(tn, index, d, false)
}

/// [`create_index`], built without blocking writes when `concurrently`:
/// `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS ...` (PostgreSQL).
pub(crate) fn create_index_as(
    tn: TableName<'_>,
    index: &Index,
    d: Dialect,
    concurrently: bool,
) -> Result<String, String> {
    if index.is_special() {
        if !d.caps().has_partial_and_expression_indexes {
            return Err(format!(
                "index `{}` on `{}` is {} index, which MySQL/MariaDB does not have; on this backend give the index plain `columns`, without `expr` or `where`",
                index.name,
                tn.name,
                if index.predicate.is_some() {
                    "a partial"
                } else {
                    "an expression"
                }
            ));
        }
        let keys = match &index.expr {
            Some(e) => e.clone(),
            None => d.quote_list(&index.columns),
        };
        let mut sql = format!(
            "CREATE {}INDEX {}{} ON {} ({keys})",
            if index.unique { "UNIQUE " } else { "" },
            if concurrently {
                "CONCURRENTLY IF NOT EXISTS "
            } else {
                ""
            },
            d.quote_ident(&index.name),
            tn.sql(d)
        );
        if let Some(p) = &index.predicate {
            sql.push_str(" WHERE ");
            sql.push_str(p);
        }
        return Ok(sql);
    }
    let mut stmt = SqIndex::create();
    stmt.name(d.sea_query_raw_name(&index.name))
        .table(tn.sea_query(d));
    for c in &index.columns {
        stmt.col(c.clone());
    }
    if index.unique {
        stmt.unique();
    }
    if concurrently {
        stmt.concurrently().if_not_exists();
    }
    Ok(sea_query_sql(&stmt, d))
}

/// `ALTER TABLE "t" ADD CONSTRAINT "fk" FOREIGN KEY ...` (PostgreSQL, MySQL).
pub(crate) fn add_foreign_key(tn: TableName<'_>, fk: &ForeignKey, d: Dialect) -> String {
    let ref_table = TableName {
        schema: fk.ref_schema.as_deref(),
        name: &fk.ref_table,
    };
    let mut stmt = SqForeignKey::create();
    stmt.name(d.sea_query_raw_name(&fk.name))
        .from_tbl(tn.sea_query(d))
        .to_tbl(ref_table.sea_query(d));
    for c in &fk.columns {
        stmt.from_col(c.clone());
    }
    for c in &fk.ref_columns {
        stmt.to_col(c.clone());
    }
    if let Some(a) = sea_query_action(fk.on_delete) {
        stmt.on_delete(a);
    }
    if let Some(a) = sea_query_action(fk.on_update) {
        stmt.on_update(a);
    }
    sea_query_sql(&stmt, d)
}

/// `CREATE TYPE "mood" AS ENUM ('a','b')` (PostgreSQL).
pub(crate) fn create_enum(name: &str, values: &[String], d: Dialect) -> String {
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        d.quote_ident(name),
        label_list(values, d)
    )
}

/// The statements that set a table's comment (`None` removes it).
pub(crate) fn table_comment(tn: TableName<'_>, comment: Option<&str>, d: Dialect) -> Vec<String> {
    d.rules().table_comment(&tn.sql(d), comment)
}

/// `COMMENT ON COLUMN "t"."c" IS '...'` (PostgreSQL; `None` removes it).
pub(crate) fn column_comment(
    tn: TableName<'_>,
    column: &str,
    comment: Option<&str>,
    d: Dialect,
) -> String {
    format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        tn.sql(d),
        d.quote_ident(column),
        comment.map_or("NULL".to_string(), |c| d.quote_literal(c))
    )
}
