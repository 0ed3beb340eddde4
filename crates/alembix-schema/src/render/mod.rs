//! Rendering of [`Op`]s to SQL statements per dialect.
//!
//! [`render_op`] turns one op into the statements that carry it out, without
//! trailing semicolons. sea-query renders the statements it has a correct form
//! for (drop/rename table, add/drop/rename column, create/drop index, add/drop
//! foreign key, MySQL `MODIFY COLUMN`, column definitions); the rest is
//! written here by hand: `CREATE TABLE` constraint lists (sea-query leaves
//! constraint names unescaped and drops foreign-key names on SQLite),
//! PostgreSQL `COMMENT ON`, `ALTER COLUMN` clauses (`DROP DEFAULT`, `USING`,
//! identity), standalone `ADD CONSTRAINT ... UNIQUE/CHECK/PRIMARY KEY`,
//! enum types and MySQL enum labels.
//!
//! Identifiers are always quoted ([`Dialect::quote_ident`]) and string
//! literals escaped per dialect ([`Dialect::quote_literal`]).
//!
//! Operations a backend cannot do in place (most constraint changes and every
//! `alter_column` on SQLite, which need a table rebuild) are a [`RenderError`]
//! rather than a panic.

mod alter;
mod objects;
mod partition;
mod quote;
mod schema;
mod table;
mod types;

use sea_query::{
    ForeignKey as SqForeignKey, Index as SqIndex, SchemaStatementBuilder, Table as SqTable,
    TableRef,
};

pub use crate::dialect::Dialect;
use crate::model::ReferentialAction;
use crate::op::Op;

pub(crate) use alter::effective_changes;
pub use objects::or_replace;
pub(crate) use partition::{detach_partition, drop_detached};
pub use quote::DEFAULT_PG_SCHEMA;
pub use schema::{create_schema, drop_schema};
pub(crate) use table::{column_comment, column_def, create_index_as, label_list};

/// An op that cannot be rendered for a dialect as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// The op's kind ([`Op::kind`]), or `create_schema`/`drop_schema`.
    pub op: &'static str,
    pub dialect: Dialect,
    pub message: String,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot render {} for {:?}: {}",
            self.op, self.dialect, self.message
        )
    }
}

impl std::error::Error for RenderError {}

/// A result whose error is a message; [`render_op`] adds the op and dialect.
pub(crate) type Rendered = Result<Vec<String>, String>;

/// A table as referred to by a statement: its name and, on PostgreSQL, its
/// schema.
#[derive(Debug, Clone, Copy)]
pub struct TableName<'a> {
    /// The schema, when given apart from the name.
    pub schema: Option<&'a str>,
    /// The name (on PostgreSQL possibly `schema.table`).
    pub name: &'a str,
}

impl<'a> TableName<'a> {
    /// A name as an op gives it.
    pub fn bare(name: &'a str) -> Self {
        TableName { schema: None, name }
    }

    /// The name of a model table.
    pub fn of(table: &'a crate::model::Table) -> Self {
        TableName {
            schema: table.schema.as_deref(),
            name: &table.name,
        }
    }

    /// The quoted (and on PostgreSQL schema-qualified) name.
    pub fn sql(self, d: Dialect) -> String {
        d.quote_table(self.schema, self.name)
    }

    /// The schema (PostgreSQL only) and the bare name.
    pub fn parts(self, d: Dialect) -> (Option<&'a str>, &'a str) {
        quote::split_table(d, self.schema, self.name)
    }

    /// The name as a sea-query table reference (qualified on PostgreSQL only,
    /// as sea-query's MySQL and SQLite builders panic on qualified names in
    /// several statements).
    pub fn sea_query(self, d: Dialect) -> TableRef {
        match self.parts(d) {
            (Some(s), n) => (s.to_string(), n.to_string()).into(),
            (None, n) => n.to_string().into(),
        }
    }
}

/// Renders a sea-query schema statement for a dialect.
pub(crate) fn sea_query_sql<S: SchemaStatementBuilder>(stmt: &S, d: Dialect) -> String {
    d.build_schema(stmt)
}

/// Renders one op to the statements that carry it out (no trailing `;`).
///
/// An op may render to no statement at all (enum ops on MySQL and SQLite,
/// where an enum is part of the column type; comment changes on SQLite), or
/// to several (PostgreSQL `COMMENT ON` after `CREATE TABLE`, one `ALTER
/// COLUMN` per change).
///
/// ```
/// use alembix_schema::{render_op, Column, ColumnType, Dialect::*, Op};
/// let op = Op::AddColumn {
///     table: "users".into(),
///     column: Column::new("status", ColumnType::Varchar(Some(20))).nullable().default("'active'"),
/// };
/// assert_eq!(
///     render_op(&op, Postgres).unwrap(),
///     vec![r#"ALTER TABLE "users" ADD COLUMN "status" varchar(20) DEFAULT 'active'"#]
/// );
/// assert_eq!(
///     render_op(&op, MySql).unwrap(),
///     vec!["ALTER TABLE `users` ADD COLUMN `status` varchar(20) DEFAULT 'active'"]
/// );
/// // SQLite cannot change a column in place: that needs a table rebuild.
/// let alter = Op::AlterColumn {
///     table: "users".into(),
///     from: Column::new("n", ColumnType::Integer),
///     to: Column::new("n", ColumnType::Integer).nullable(),
/// };
/// assert!(render_op(&alter, Sqlite).is_err());
/// assert_eq!(
///     render_op(&alter, Postgres).unwrap(),
///     vec![r#"ALTER TABLE "users" ALTER COLUMN "n" DROP NOT NULL"#]
/// );
/// ```
pub fn render_op(op: &Op, dialect: Dialect) -> Result<Vec<String>, RenderError> {
    render_op_inner(op, dialect).map_err(|message| RenderError {
        op: op.kind(),
        dialect,
        message,
    })
}

fn render_op_inner(op: &Op, d: Dialect) -> Rendered {
    match op {
        Op::CreateTable { table } => table::create_table(table, d, &[]),
        Op::DropTable { table } => Ok(vec![table::drop_table(TableName::of(table), d, false)]),
        Op::RenameTable { table, from } => Ok(rename_table(table, from, d)),
        Op::AddColumn { table, column } => table::add_column(TableName::bare(table), column, d),
        Op::DropColumn { table, column } => Ok(vec![sea_query_sql(
            SqTable::alter()
                .table(TableName::bare(table).sea_query(d))
                .drop_column(column.name.to_string()),
            d,
        )]),
        Op::RenameColumn {
            table,
            column,
            from,
        } => Ok(vec![sea_query_sql(
            SqTable::alter()
                .table(TableName::bare(table).sea_query(d))
                .rename_column(from.to_string(), column.to_string()),
            d,
        )]),
        Op::AlterColumn { table, from, to } => {
            alter::alter_column(TableName::bare(table), from, to, d)
        }
        Op::CreateIndex { table, index } => {
            Ok(vec![table::create_index(TableName::bare(table), index, d)?])
        }
        Op::DropIndex { table, index } => Ok(vec![drop_index(table, &index.name, d)]),
        // Where enums are no types of their own, they are part of the
        // column type and change with `alter_column`.
        Op::CreateEnum { .. } | Op::DropEnum { .. } | Op::AlterEnum { .. }
            if !d.caps().has_enum_types =>
        {
            Ok(vec![])
        }
        Op::CreateEnum { enum_type } => Ok(vec![table::create_enum(
            &enum_type.name,
            &enum_type.values,
            d,
        )]),
        Op::DropEnum { enum_type } => Ok(vec![format!(
            "DROP TYPE {}",
            d.quote_ident(&enum_type.name)
        )]),
        Op::AlterEnum { name, from, to } => alter::alter_enum(name, from, to, d),
        Op::AlterTableComment { table, to, .. } => Ok(table::table_comment(
            TableName::bare(table),
            to.as_deref(),
            d,
        )),
        Op::CreateObject { object } => objects::create_object(object, d),
        Op::DropObject { object } => objects::drop_object(object, d),
        Op::ReplaceObject { from, to } => objects::replace_object(from, to, d),
        Op::RenameObject { object, from } => objects::rename_object(object, from, d),
        Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::AddForeignKey { .. }
        | Op::DropForeignKey { .. }
        | Op::AddCheck { .. }
        | Op::DropCheck { .. }
        | Op::AddPrimaryKey { .. }
        | Op::DropPrimaryKey { .. } => render_constraint_op(op, d),
        Op::CreatePartition { .. }
        | Op::DropPartition { .. }
        | Op::AttachPartition { .. }
        | Op::DetachPartition { .. } => partition::partition_op(op, d),
    }
}

/// Ops on an existing table's keys and constraints: in place where the
/// backend alters tables in place, else an error (a table rebuild, planned
/// by `render_plan`).
fn render_constraint_op(op: &Op, d: Dialect) -> Rendered {
    let rules = d.rules();
    let in_place = |what: &str| -> Result<(), String> {
        match rules.caps().alters_in_place {
            true => Ok(()),
            false => Err(format!(
                "{} cannot {what} on an existing table; the table must be rebuilt",
                rules.caps().title
            )),
        }
    };
    let alter_add = |table: &str, clause: String| {
        format!("ALTER TABLE {} ADD {clause}", TableName::bare(table).sql(d))
    };
    match op {
        Op::AddUnique { table, unique } => {
            in_place("add a unique constraint")?;
            Ok(vec![alter_add(table, table::unique_clause(unique, d))])
        }
        Op::DropUnique { table, unique } => {
            in_place("drop a unique constraint")?;
            Ok(vec![rules.drop_unique(table, &unique.name)])
        }
        Op::AddForeignKey { table, foreign_key } => {
            in_place("add a foreign key")?;
            Ok(vec![table::add_foreign_key(
                TableName::bare(table),
                foreign_key,
                d,
            )])
        }
        Op::DropForeignKey { table, foreign_key } => {
            in_place("drop a foreign key")?;
            Ok(vec![sea_query_sql(
                SqForeignKey::drop()
                    .name(d.sea_query_raw_name(&foreign_key.name))
                    .table(TableName::bare(table).sea_query(d)),
                d,
            )])
        }
        Op::AddCheck { table, check } => {
            in_place("add a check constraint")?;
            Ok(vec![alter_add(table, table::check_clause(check, d))])
        }
        Op::DropCheck { table, check } => {
            in_place("drop a check constraint")?;
            Ok(vec![drop_constraint(table, &check.name, d)])
        }
        Op::AddPrimaryKey { table, primary_key } => {
            in_place("add a primary key")?;
            Ok(vec![alter_add(
                table,
                table::primary_key_clause(primary_key, d),
            )])
        }
        Op::DropPrimaryKey { table, primary_key } => {
            in_place("drop a primary key")?;
            Ok(vec![rules.drop_primary_key(table, &primary_key.name)])
        }
        other => Err(format!("{} is not a constraint op", other.kind())),
    }
}

/// `RENAME` of a table, moving it to another schema first where needed.
fn rename_table(table: &str, from: &str, d: Dialect) -> Vec<String> {
    let (old_schema, old_name) = TableName::bare(from).parts(d);
    let (new_schema, new_name) = TableName::bare(table).parts(d);
    let mut out = Vec::new();
    let mut at = TableName::bare(from).sql(d);
    if old_schema != new_schema {
        // PostgreSQL: a table moved to another schema.
        let to = new_schema.unwrap_or(DEFAULT_PG_SCHEMA);
        out.push(format!("ALTER TABLE {at} SET SCHEMA {}", d.quote_ident(to)));
        at = d.quote_table(Some(to), old_name);
    }
    if old_name != new_name {
        out.push(d.rules().rename_table(&at, new_name));
    }
    out
}

/// `DROP INDEX`: schema-qualified where the table is, naming the table
/// where the backend wants it.
fn drop_index(table: &str, name: &str, d: Dialect) -> String {
    if let (Some(schema), _) = TableName::bare(table).parts(d) {
        // The index lives in its table's schema.
        return format!("DROP INDEX {}", d.quote_table(Some(schema), name));
    }
    let mut stmt = SqIndex::drop();
    stmt.name(d.sea_query_raw_name(name));
    if d.caps().drop_index_names_table {
        stmt.table(table.to_string());
    }
    sea_query_sql(&stmt, d)
}

/// `ALTER TABLE t DROP CONSTRAINT name` (PostgreSQL; MySQL for checks).
pub(crate) fn drop_constraint(table: &str, name: &str, d: Dialect) -> String {
    sea_query_sql(
        SqTable::alter()
            .table(TableName::bare(table).sea_query(d))
            .drop_constraint(name.to_string()),
        d,
    )
}

/// sea-query's action for ours; `None` for `NO ACTION` (the clause is omitted).
pub(crate) fn sea_query_action(a: ReferentialAction) -> Option<sea_query::ForeignKeyAction> {
    use sea_query::ForeignKeyAction as A;
    match a {
        ReferentialAction::NoAction => None,
        ReferentialAction::Restrict => Some(A::Restrict),
        ReferentialAction::Cascade => Some(A::Cascade),
        ReferentialAction::SetNull => Some(A::SetNull),
        ReferentialAction::SetDefault => Some(A::SetDefault),
    }
}

/// Renders a list of ops in order.
///
/// ```
/// use alembix_schema::{render_ops, Column, ColumnType, Dialect::*, Op};
/// let ops = vec![Op::RenameColumn { table: "users".into(), column: "full_name".into(), from: "fullname".into() }];
/// assert_eq!(
///     render_ops(&ops, Sqlite).unwrap(),
///     vec![r#"ALTER TABLE "users" RENAME COLUMN "fullname" TO "full_name""#]
/// );
/// ```
pub fn render_ops(ops: &[Op], dialect: Dialect) -> Result<Vec<String>, RenderError> {
    let mut out = Vec::new();
    for op in ops {
        out.extend(render_op(op, dialect)?);
    }
    Ok(out)
}
