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

mod caps;
mod mysql;
mod online;
mod plan;
mod postgres;
mod sqlite;
mod url;
mod writer;

use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryBuilder, QueryStatementWriter,
    SchemaStatementBuilder, SqliteQueryBuilder, Values,
};

pub use caps::{
    AutoIncrementOutsideKey, Capabilities, OnlineAlgorithm, OnlineAlter, ReplicaPositions,
};
pub use mysql::MySql;
pub use postgres::Postgres;
pub use sqlite::Sqlite;
pub use url::UnknownScheme;
pub use writer::{Piece, column_list, prequoted, qualified};

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
    /// assert!(Dialect::Postgres.caps().transactional_ddl);
    /// assert!(!Dialect::MySql.caps().transactional_ddl);
    /// ```
    pub fn rules(self) -> &'static dyn SqlDialect {
        match self {
            Dialect::Postgres => &Postgres,
            Dialect::MySql => &MySql,
            Dialect::Sqlite => &Sqlite,
        }
    }

    /// The backend's capabilities and lexical rules, as data.
    ///
    /// ```
    /// use alembix_schema::Dialect;
    /// assert!(Dialect::Postgres.caps().has_enum_types);
    /// assert_eq!(Dialect::MySql.caps().identifier_quote, '`');
    /// ```
    pub fn caps(self) -> &'static Capabilities {
        self.rules().caps()
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
        self.caps().name
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
    ///
    /// Every value is bound except the row count of a `LIMIT`, which is
    /// written as an integer: a bound limit makes SQLite prepare the
    /// statement again at each execution. `OFFSET` stays bound.
    ///
    /// ```
    /// use alembix_schema::Dialect;
    /// use sea_query::{Alias, Query};
    ///
    /// let mut stmt = Query::select();
    /// stmt.column(Alias::new("id")).from(Alias::new("post")).limit(20).offset(40);
    /// let (sql, values) = Dialect::Postgres.build_query(&stmt);
    /// assert_eq!(sql, r#"SELECT "id" FROM "post" LIMIT 20 OFFSET $1"#);
    /// assert_eq!(values.0.len(), 1);
    /// ```
    pub fn build_query<S: QueryStatementWriter>(self, stmt: &S) -> (String, Values) {
        fn build<S: QueryStatementWriter>(
            stmt: &S,
            builder: impl QueryBuilder,
        ) -> (String, Values) {
            let mut sql = writer::QueryWriter::new(&builder);
            stmt.build_collect_into(builder, &mut sql);
            sql.into_parts()
        }
        match self {
            Dialect::Postgres => build(stmt, PostgresQueryBuilder),
            Dialect::MySql => build(stmt, MysqlQueryBuilder),
            Dialect::Sqlite => build(stmt, SqliteQueryBuilder),
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

/// PostgreSQL: the dialect assumed where nothing names one (offline tools
/// reading SQL with no URL or header to go by).
impl Default for Dialect {
    fn default() -> Self {
        Dialect::Postgres
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

    /// The backend's capabilities and lexical rules, as data.
    fn caps(&self) -> &'static Capabilities;

    /// The query that reads the server's version: one row of one text
    /// column, which [`SqlDialect::has_returning`] reads.
    fn server_version_query(&self) -> &'static str {
        "SELECT version()"
    }

    /// Whether `INSERT/UPDATE/DELETE ... RETURNING` works on a server that
    /// answered `server_version` to [`SqlDialect::server_version_query`]:
    /// the one place that decides it (PostgreSQL always, SQLite from 3.35,
    /// MariaDB from 10.5, MySQL never).
    ///
    /// ```
    /// use alembix_schema::Dialect;
    /// assert!(Dialect::Postgres.rules().has_returning("16.2"));
    /// assert!(Dialect::Sqlite.rules().has_returning("3.45.1"));
    /// assert!(!Dialect::Sqlite.rules().has_returning("3.34.1"));
    /// assert!(Dialect::MySql.rules().has_returning("10.11.6-MariaDB-0+deb12u1"));
    /// assert!(!Dialect::MySql.rules().has_returning("10.4.32-MariaDB"));
    /// assert!(!Dialect::MySql.rules().has_returning("8.0.36"));
    /// ```
    fn has_returning(&self, _server_version: &str) -> bool {
        self.caps().always_returns
    }

    /// How the read replicas of a server that answered `server_version`
    /// say how far they have replayed (the one place that decides it):
    /// [`Capabilities::replica_positions`] where every server of the
    /// backend is alike; MariaDB's GTIDs are compared, MySQL's are not.
    ///
    /// ```
    /// use alembix_schema::{Dialect, dialect::ReplicaPositions};
    /// assert_eq!(Dialect::Postgres.rules().replica_positions("16.2"), ReplicaPositions::WalLsn);
    /// ```
    fn replica_positions(&self, _server_version: &str) -> ReplicaPositions {
        self.caps().replica_positions
    }

    /// The SQL type of a column type (the table in the crate docs).
    fn column_type(&self, ty: &ColumnType) -> String;

    /// Sets up an auto-increment column: clauses for the definition's tail
    /// (`extra`) or calls on the sea-query definition. `inline_key` is true
    /// for the single-column key of [`Capabilities::inline_auto_increment_key`]
    /// backends.
    fn auto_increment(&self, def: &mut ColumnDef, inline_key: bool, extra: &mut Vec<String>);

    /// Clauses appended to a column definition beyond type, nullability,
    /// default and auto-increment (a label `CHECK`, an inline comment).
    fn column_extras(&self, _col: &Column, _extra: &mut Vec<String>) {}

    /// Table options written after `CREATE TABLE (...)` (an inline comment).
    fn table_options(&self, _table: &Table) -> String {
        String::new()
    }

    /// The statements that set a table's comment (`None` removes it); run
    /// after `CREATE TABLE` too where [`Capabilities::comments_by_statement`].
    fn table_comment(&self, _table_sql: &str, _comment: Option<&str>) -> Vec<String> {
        Vec::new()
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

    /// `DROP TRIGGER` of a declared trigger (standard SQL: the trigger's
    /// name alone; PostgreSQL names its table too).
    fn drop_trigger(&self, trigger: &crate::objects::SqlObject) -> String {
        format!("DROP TRIGGER {}", self.dialect().quote_ident(&trigger.name))
    }

    /// The statement that renames a declared object in place (`object`
    /// under its new name), or `None` when it is dropped and created again.
    fn rename_object(&self, _object: &crate::objects::SqlObject, _from: &str) -> Option<String> {
        None
    }

    /// Whether a function or procedure is replaced in place with `CREATE OR
    /// REPLACE` (else it is dropped and created again).
    fn replaces_routines(&self) -> bool {
        false
    }
}

/// Whether a version string (`10.11.6-MariaDB`, `3.45.1`) is at least
/// `major.minor`: its first two runs of digits, compared as numbers.
pub(crate) fn version_at_least(version: &str, (major, minor): (u32, u32)) -> bool {
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap_or(u32::MAX));
    let got = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    got >= (major, minor)
}

/// The `BEGIN ... END` bodies a backend accepts inside one statement (see
/// [`Capabilities::compound_bodies`]); inside them `;` does not end the statement.
///
/// ```
/// use alembix_schema::{Dialect, dialect::CompoundBodies};
/// assert_eq!(Dialect::Postgres.caps().compound_bodies, CompoundBodies::Atomic);
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
