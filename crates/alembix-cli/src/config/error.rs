//! What can be wrong with `alembix.toml` and the settings read with it.

use std::path::PathBuf;

/// What is wrong with the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The working directory cannot be read.
    #[error("cannot read the working directory: {0}")]
    WorkingDir(#[source] std::io::Error),

    /// `-c` names a file that does not exist.
    #[error("config file {} does not exist", .0.display())]
    Missing(PathBuf),

    /// The config file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },

    /// The config file is not valid TOML or has an unknown key.
    #[error(
        "{}: {message}; the keys are database_url, replica_urls, migrations, version_locations, models, version_table, log_table, online_ddl, statements_per_step, lock_timeout, statement_timeout, lock_retries, lock_wait, lock, lock_lease, statement_cache, connect_timeout, exclude_tables, include_tables, exclude_indexes, exclude_checks, exclude_foreign_keys, exclude_enums, schemas, [lint] allow, [hooks] post_write",
        path.display()
    )]
    Syntax {
        /// The config file.
        path: PathBuf,
        /// The TOML parser's message.
        message: String,
    },

    /// `statements_per_step = 0`.
    #[error(
        "statements_per_step must be at least 1 (it is the most statements autogen writes in one transactional step); remove the key for the backend's default"
    )]
    StatementsPerStep,

    /// `[lint] allow` names a rule that does not exist.
    #[error("[lint] allow: unknown rule `{0}`; the rules are: {rules}", rules = alembix_migrate::lint::rules::ALL.iter().map(|r| r.id).collect::<Vec<_>>().join(", "))]
    UnknownLintRule(String),

    /// A table name that is empty or too long.
    #[error("{key} `{value}` must be 1 to 63 characters")]
    TableName {
        /// `version_table` or `log_table`.
        key: &'static str,
        /// The name given.
        value: String,
    },

    /// A duration that does not read as `30s`, `500ms`, `2m`, `1h` or a
    /// number of seconds.
    #[error(
        "{key} `{value}` is not a duration: write a number of seconds or a number with a unit, like \"5s\", \"500ms\", \"2m\" or \"1h\""
    )]
    Duration {
        /// `lock_timeout`, `statement_timeout`, `lock_wait`, `lock_lease`
        /// or `connect_timeout`.
        key: &'static str,
        /// The value given.
        value: String,
    },

    /// `--version-path` names a directory that is not a script directory.
    #[error(
        "--version-path {}: not one of the script directories ({locations}); add it to `version_locations` in alembix.toml",
        given.display()
    )]
    NotALocation {
        /// The directory given.
        given: PathBuf,
        /// The script directories.
        locations: String,
    },

    /// `lock` is not one of the lock kinds.
    #[error(
        "lock `{0}` is not a migration lock: choose \"advisory\" (the database session's lock, the default) or \"table\" (a lease row in alembix_lock, for PgBouncer or a cluster)"
    )]
    Lock(String),

    /// `lock_lease` is a duration out of the accepted range.
    #[error(
        "lock_lease `{value}` {why}; write a duration from \"1s\" to \"24h\", like lock_lease = \"30s\" (the default)"
    )]
    LockLease {
        /// The value given.
        value: String,
        /// What is wrong with it.
        why: String,
    },

    /// A command that connects, without a database URL.
    #[error(
        "no database URL: set `database_url` in alembix.toml, the DATABASE_URL environment variable, or pass --database-url"
    )]
    NoDatabaseUrl,
}
