//! The dialect layer: everything that differs between the backends, one
//! module per backend behind the [`SqlDialect`] trait.
//!
//! [`Dialect`] is the plain tag that names a backend (it is what revision
//! files, configuration and the runtime pass around); [`Dialect::rules`]
//! turns it into that backend's [`SqlDialect`] implementation. Generic code
//! asks the trait (capabilities, type mapping, SQL snippets, rendering hooks)
//! and never matches on the tag: the only `match` on [`Dialect`] in this
//! crate is in this module.
//!
//! Adding a backend: a variant here, a module implementing [`SqlDialect`]
//! (overriding the defaults where it differs from standard SQL), and the
//! sea-query builder in [`Dialect::build_schema`].

mod mysql;
mod plan;
mod postgres;
mod sqlite;
mod url;

use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryStatementWriter, SchemaStatementBuilder,
    SqliteQueryBuilder, Values,
};

pub use mysql::MySql;
pub use postgres::Postgres;
pub use sqlite::Sqlite;
pub use url::UnknownScheme;

/// The SQL dialect to render for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// PostgreSQL (15 and later are tested).
    Postgres,
    /// MySQL 8 and MariaDB 10.11.
    MySql,
    /// SQLite 3.35 and later.
    Sqlite,
}

impl Dialect {
    /// Every dialect, in a fixed order.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

    /// The backend's rules: capabilities, type mapping and rendering hooks.
    ///
    /// ```
    /// use alembix_schema::Dialect;
    /// assert!(Dialect::Postgres.rules().transactional_ddl());
    /// assert!(!Dialect::MySql.rules().transactional_ddl());
    /// ```
    pub fn rules(self) -> &'static dyn SqlDialect {
        match self {
            Dialect::Postgres => &Postgres,
            Dialect::MySql => &MySql,
            Dialect::Sqlite => &Sqlite,
        }
    }

    /// The name used in revision headers and configuration: `postgres`,
    /// `mysql` or `sqlite`.
    ///
    /// ```
    /// use alembix_schema::Dialect;
    /// assert_eq!(Dialect::MySql.name(), "mysql");
    /// assert_eq!("sqlite".parse::<Dialect>(), Ok(Dialect::Sqlite));
    /// ```
    pub fn name(self) -> &'static str {
        self.rules().name()
    }

    /// Renders a sea-query schema statement (DDL) with this dialect's builder.
    pub fn build_schema<S: SchemaStatementBuilder>(self, stmt: &S) -> String {
        match self {
            Dialect::Postgres => stmt.to_string(PostgresQueryBuilder),
            Dialect::MySql => stmt.to_string(MysqlQueryBuilder),
            Dialect::Sqlite => stmt.to_string(SqliteQueryBuilder),
        }
    }

    /// Renders a sea-query query statement with placeholders and its values.
    pub fn build_query<S: QueryStatementWriter>(self, stmt: &S) -> (String, Values) {
        match self {
            Dialect::Postgres => stmt.build(PostgresQueryBuilder),
            Dialect::MySql => stmt.build(MysqlQueryBuilder),
            Dialect::Sqlite => stmt.build(SqliteQueryBuilder),
        }
    }

    /// Renders a sea-query column definition (`"name" type NOT NULL ...`).
    pub(crate) fn build_column_def(self, def: &sea_query::ColumnDef) -> String {
        use sea_query::TableBuilder;
        let mut sql = String::new();
        match self {
            Dialect::Postgres => PostgresQueryBuilder.prepare_column_def(def, &mut sql),
            Dialect::MySql => MysqlQueryBuilder.prepare_column_def(def, &mut sql),
            Dialect::Sqlite => SqliteQueryBuilder.prepare_column_def(def, &mut sql),
        }
        sql
    }
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dialect::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| format!("unknown dialect {s:?} (expected postgres, mysql or sqlite)"))
    }
}

/// What one backend does differently. Each method's default is the
/// standard-SQL answer (most often PostgreSQL's); a backend module overrides
/// what differs. Rendering helpers in [`crate::render`] call these hooks and
/// never test the backend themselves.
pub trait SqlDialect: Send + Sync + std::fmt::Debug {
    /// The tag of this backend.
    fn dialect(&self) -> Dialect;

    /// The name used in revision headers and configuration.
    fn name(&self) -> &'static str;

    /// The backend's name as messages write it (`PostgreSQL`).
    fn title(&self) -> &'static str;

    /// The URL schemes that name this backend (`postgres` of `postgres://`).
    fn url_schemes(&self) -> &'static [&'static str];

    // ---- capabilities ----

    /// Whether DDL runs inside a transaction (and rolls back with it).
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// The character that delimits identifiers.
    fn identifier_quote(&self) -> char {
        '"'
    }

    /// Whether a backslash escapes in string literals (so must be doubled).
    fn backslash_escapes(&self) -> bool {
        false
    }

    /// The longest identifier the backend accepts, in bytes.
    fn max_identifier_len(&self) -> usize;

    /// Whether tables live in named schemas (`schema.table`).
    fn has_schemas(&self) -> bool {
        false
    }

    /// Whether enums are named types of their own (`CREATE TYPE`), rather
    /// than part of the column type.
    fn has_enum_types(&self) -> bool {
        false
    }

    /// Whether an enum column is a text column with a `CHECK` of its labels.
    fn enum_as_check(&self) -> bool {
        false
    }

    /// Whether tables and columns carry comments.
    fn has_comments(&self) -> bool {
        true
    }

    /// Whether an existing table's constraints (keys, uniques, checks,
    /// foreign keys) and columns can be altered in place; when not, such a
    /// change needs a table rebuild.
    fn alters_in_place(&self) -> bool {
        true
    }

    /// Whether indexes may have an expression key list or a `WHERE` clause.
    fn has_partial_and_expression_indexes(&self) -> bool {
        true
    }

    /// Whether `INSERT/UPDATE/DELETE ... RETURNING` is available on every
    /// server of this backend (MariaDB has it from 10.5, MySQL not at all:
    /// the connection layer asks the server there).
    fn always_returns(&self) -> bool {
        true
    }

    /// The most bind parameters one statement may carry.
    fn max_bind_params(&self) -> usize {
        65_535
    }

    /// Whether placeholders are numbered (`$1`) rather than `?`.
    fn numbered_placeholders(&self) -> bool {
        false
    }

    /// Whether `SELECT ... FOR UPDATE` locks rows (SQLite locks the whole
    /// database on write and has no such clause).
    fn row_locks(&self) -> bool {
        true
    }

    /// Whether many rows are best inserted as one array parameter per
    /// column (`INSERT ... SELECT * FROM UNNEST($1::int8[], ...)`).
    fn insert_from_arrays(&self) -> bool {
        false
    }

    // ---- type mapping ----

    /// The SQL type of a column type (the table in the crate docs).
    fn column_type(&self, ty: &ColumnType) -> String;

    // ---- rendering hooks ----

    /// Sets up an auto-increment column: clauses for the definition's tail
    /// (`extra`) or calls on the sea-query definition. `inline_key` is true
    /// for the single-column key of [`SqlDialect::inline_auto_increment_key`]
    /// backends.
    fn auto_increment(&self, def: &mut ColumnDef, inline_key: bool, extra: &mut Vec<String>);

    /// Whether a single-column auto-increment key is declared inline in its
    /// column (`PRIMARY KEY AUTOINCREMENT`) rather than as a table constraint.
    fn inline_auto_increment_key(&self) -> bool {
        false
    }

    /// Clauses appended to a column definition beyond type, nullability,
    /// default and auto-increment (a label `CHECK`, an inline comment).
    fn column_extras(&self, _col: &Column, _extra: &mut Vec<String>) {}

    /// Table options written after `CREATE TABLE (...)` (an inline comment).
    fn table_options(&self, _table: &Table) -> String {
        String::new()
    }

    /// The statements that set a table's comment (`None` removes it); run
    /// after `CREATE TABLE` too where [`SqlDialect::comments_by_statement`].
    fn table_comment(&self, _table_sql: &str, _comment: Option<&str>) -> Vec<String> {
        Vec::new()
    }

    /// Whether comments are set by statements of their own after the table
    /// or column exists (`COMMENT ON`), rather than inline.
    fn comments_by_statement(&self) -> bool {
        false
    }

    /// Why a column cannot be added to an existing table, if it cannot.
    fn refuse_add_column(&self, _col: &Column) -> Option<String> {
        None
    }

    /// `RENAME` of a table already at `at` (quoted) to the bare `new_name`.
    fn rename_table(&self, at: &str, new_name: &str) -> String {
        format!(
            "ALTER TABLE {at} RENAME TO {}",
            self.dialect().quote_ident(new_name)
        )
    }

    /// Whether `DROP INDEX` names the index's table.
    fn drop_index_names_table(&self) -> bool {
        false
    }

    /// Drops a unique constraint of a table (quoted name `table_sql`).
    fn drop_unique(&self, table: &str, name: &str) -> String {
        crate::render::drop_constraint(table, name, self.dialect())
    }

    /// Drops the primary key of a table.
    fn drop_primary_key(&self, table: &str, name: &str) -> String {
        crate::render::drop_constraint(table, name, self.dialect())
    }

    /// The statements that change a column in place (`changes` is not empty
    /// and has no rename), or why it cannot be done.
    fn alter_column(
        &self,
        table: TableName<'_>,
        from: &Column,
        to: &Column,
        changes: &[ColumnChange],
    ) -> Result<Vec<String>, String>;

    /// Drops the foreign keys that close a cycle before a whole schema is
    /// dropped (`create_schema` added them last).
    fn drop_cycle_foreign_key(&self, _table_sql: &str, _name: &str) -> Option<String> {
        None
    }

    // ---- lexical rules for splitting SQL text into statements ----
    // (read by alembix-migrate's statement splitter; the string rules come
    // from `backslash_escapes` and `identifier_quote` above)

    /// Whether `$$ ... $$` and `$tag$ ... $tag$` quote text (PostgreSQL).
    fn dollar_quoting(&self) -> bool {
        false
    }

    /// Whether `E'...'` strings take backslash escapes (PostgreSQL).
    fn escape_string_prefix(&self) -> bool {
        false
    }

    /// Whether `/* */` comments nest (PostgreSQL).
    fn nested_comments(&self) -> bool {
        false
    }

    /// MySQL's comment rules: `#` starts a line comment, `--` starts one only
    /// before a blank or control character, and `/*! ... */` is SQL text.
    fn mysql_comments(&self) -> bool {
        false
    }

    /// Whether scripts may change the statement delimiter with the client's
    /// `DELIMITER //` command (MySQL).
    fn delimiter_command(&self) -> bool {
        false
    }

    /// Which `BEGIN ... END` bodies hold `;`-separated statements of their own.
    fn compound_bodies(&self) -> CompoundBodies {
        CompoundBodies::Trigger
    }
}

/// The `BEGIN ... END` bodies a backend accepts inside one statement (see
/// [`SqlDialect::compound_bodies`]); inside them `;` does not end the statement.
///
/// ```
/// use alembix_schema::{Dialect, dialect::CompoundBodies};
/// assert_eq!(Dialect::Postgres.rules().compound_bodies(), CompoundBodies::Atomic);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompoundBodies {
    /// `CREATE TRIGGER ... BEGIN ...; END` (SQLite); `CASE ... END` nests.
    Trigger,
    /// `CREATE FUNCTION/PROCEDURE ... BEGIN ATOMIC ...; END` (PostgreSQL).
    Atomic,
    /// Compound statements in `CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT` and
    /// MariaDB's `BEGIN NOT ATOMIC`: nested `BEGIN ... END`, `IF/CASE/LOOP/
    /// WHILE/REPEAT/FOR ... END <word>` (MySQL, MariaDB).
    Compound,
}

use crate::model::ColumnType;
pub(crate) use crate::model::{Column, Table};
use crate::op::ColumnChange;
use crate::render::TableName;
use sea_query::ColumnDef;
