//! Errors of autogenerate.

use alembix_schema::Dialect;

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong while introspecting, scanning or diffing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database reported something Alembix cannot map (a column type, a
    /// default); the message names the table and column.
    #[error("{0}")]
    Unsupported(String),

    /// A model file cannot be read or a model cannot be mapped; the message
    /// names the file and line and says what to fix.
    #[error("{0}")]
    Scan(String),

    /// The models ask for a change autogen refuses to write (see
    /// [`crate::guards`]); the message names the model's file and line and
    /// says what to add.
    #[error("{0}")]
    Refused(String),

    /// A bad option or configuration value.
    #[error("{0}")]
    Usage(String),

    /// `schemas` is configured for a backend that has no schemas.
    #[error(
        "`schemas = {schemas:?}` is for PostgreSQL; {dialect:?} has no schemas: remove the key from alembix.toml"
    )]
    #[non_exhaustive]
    SchemasUnsupported {
        /// The backend compared.
        dialect: Dialect,
        /// The `schemas` configured.
        schemas: Vec<String>,
    },

    /// A PostgreSQL schema to compare does not exist in the database
    /// (autogenerate does not create schemas).
    #[error(
        "schema `{schema}`{} does not exist in the database; autogenerate does not create schemas: create it first, e.g. in a revision from `alembix revision -m \"create schema {schema}\"` holding CREATE SCHEMA {}, then upgrade",
        named_by_text(.named_by),
        .dialect.quote_ident(.schema)
    )]
    #[non_exhaustive]
    MissingSchema {
        /// The schema.
        schema: String,
        /// The model table that names it; `None` when it is listed in
        /// `schemas`.
        named_by: Option<String>,
        /// The backend compared (it quotes the schema in the advice).
        dialect: Dialect,
    },

    /// A model's table name holds a `.` (the schema goes in its own key).
    #[error(
        "model table `{table}` has a `.` in its name; give the schema with #[model(schema = \"...\")] and the bare table name"
    )]
    #[non_exhaustive]
    DottedTableName {
        /// The model's table name.
        table: String,
    },

    /// A model sets a schema on a backend that has no schemas.
    #[error(
        "model table `{table}` sets schema = \"{schema}\", but only PostgreSQL has schemas; remove `schema` from #[model(...)] for {dialect:?}"
    )]
    #[non_exhaustive]
    ModelSchemaUnsupported {
        /// The model's table name.
        table: String,
        /// The schema it sets.
        schema: String,
        /// The backend compared.
        dialect: Dialect,
    },

    /// A model's foreign key names a schema on a backend that has no
    /// schemas.
    #[error(
        "model table `{table}` references `{schema}.{ref_table}.*`, but only PostgreSQL has schemas; reference `{ref_table}.<column>`"
    )]
    #[non_exhaustive]
    ReferenceSchemaUnsupported {
        /// The referencing model's table name.
        table: String,
        /// The schema of the referenced table.
        schema: String,
        /// The referenced table.
        ref_table: String,
    },

    /// A model names a table, column, index, constraint or type by a name
    /// longer than the backend takes (which it would cut short, so the
    /// next comparison would drop and create the object again).
    #[error(
        "model table `{table}`: {what} `{name}` is {} bytes long; {dialect:?} takes at most {limit} bytes in a name and would cut it short or refuse it: give it a shorter name in the model",
        .name.len()
    )]
    #[non_exhaustive]
    NameTooLong {
        /// The model's table (for an enum type, the first table using it).
        table: String,
        /// Which name: `table name`, `column name`, `index name`, ...
        what: &'static str,
        /// The name.
        name: String,
        /// The backend's limit, in bytes.
        limit: usize,
        /// The backend compared.
        dialect: Dialect,
    },

    /// Rendering the ops for the backend failed.
    #[error(transparent)]
    Render(#[from] alembix_schema::RenderError),

    /// The migration engine failed (graph, version table).
    #[error(transparent)]
    Migrate(#[from] alembix_migrate::Error),

    /// The database driver failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// How [`Error::MissingSchema`] says where the schema comes from.
fn named_by_text(named_by: &Option<String>) -> String {
    match named_by {
        Some(t) => format!(" (named by the model of `{t}`)"),
        None => " (listed in `schemas`)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::Error;
    use alembix_schema::Dialect::{MySql, Postgres, Sqlite};

    #[test]
    fn typed_errors_keep_their_messages() {
        let e = Error::SchemasUnsupported {
            dialect: MySql,
            schemas: vec!["audit".into()],
        };
        assert_eq!(
            e.to_string(),
            "`schemas = [\"audit\"]` is for PostgreSQL; MySql has no schemas: remove the key from alembix.toml"
        );
        let e = Error::MissingSchema {
            schema: "audit".into(),
            named_by: Some("audit.events".into()),
            dialect: Postgres,
        };
        assert_eq!(
            e.to_string(),
            "schema `audit` (named by the model of `audit.events`) does not exist in the database; autogenerate does not create schemas: create it first, e.g. in a revision from `alembix revision -m \"create schema audit\"` holding CREATE SCHEMA \"audit\", then upgrade"
        );
        let e = Error::MissingSchema {
            schema: "x".into(),
            named_by: None,
            dialect: Postgres,
        };
        assert!(
            e.to_string()
                .starts_with("schema `x` (listed in `schemas`) does not")
        );
        let e = Error::DottedTableName {
            table: "a.b".into(),
        };
        assert_eq!(
            e.to_string(),
            "model table `a.b` has a `.` in its name; give the schema with #[model(schema = \"...\")] and the bare table name"
        );
        let e = Error::ModelSchemaUnsupported {
            table: "t".into(),
            schema: "s".into(),
            dialect: Sqlite,
        };
        assert_eq!(
            e.to_string(),
            "model table `t` sets schema = \"s\", but only PostgreSQL has schemas; remove `schema` from #[model(...)] for Sqlite"
        );
        let e = Error::ReferenceSchemaUnsupported {
            table: "t".into(),
            schema: "s".into(),
            ref_table: "u".into(),
        };
        assert_eq!(
            e.to_string(),
            "model table `t` references `s.u.*`, but only PostgreSQL has schemas; reference `u.<column>`"
        );
    }
}
