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
mod postgres;
mod sqlite;

use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryStatementWriter, SchemaStatementBuilder,
    SqliteQueryBuilder, Values,
};

pub use mysql::MySql;
pub use postgres::Postgres;
pub use sqlite::Sqlite;

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
/// standard-SQL answer; a backend module overrides what differs.
pub trait SqlDialect: Send + Sync + std::fmt::Debug {
    /// The tag of this backend.
    fn dialect(&self) -> Dialect;

    /// The name used in revision headers and configuration.
    fn name(&self) -> &'static str;

    /// Whether DDL runs inside a transaction (and rolls back with it).
    fn transactional_ddl(&self) -> bool {
        true
    }
}
