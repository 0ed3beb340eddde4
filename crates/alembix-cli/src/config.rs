//! `alembix.toml`: found in the working directory or its ancestors (or
//! given with `-c`); paths in it are relative to its directory. `.env` next
//! to it is read too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use alembix_migrate::{DEFAULT_LOG_TABLE, DEFAULT_VERSION_TABLE};
use serde::Deserialize;

/// The config file's name.
pub const FILE_NAME: &str = "alembix.toml";

/// How long to wait for another run's migration lock unless `lock_wait`
/// says otherwise.
pub const DEFAULT_LOCK_WAIT: Duration = alembix_migrate::DEFAULT_LOCK_WAIT;

/// How long one DDL statement may wait for a table lock unless
/// `lock_timeout` says otherwise (PostgreSQL `SET LOCAL lock_timeout`).
pub const DEFAULT_LOCK_TIMEOUT: Duration = alembix_migrate::DEFAULT_LOCK_TIMEOUT;

/// How many times a step that hit `lock_timeout` is tried again unless
/// `lock_retries` says otherwise.
pub const DEFAULT_LOCK_RETRIES: u32 = alembix_migrate::DEFAULT_LOCK_RETRIES;

/// How long the table lock's lease lasts unless `lock_lease` says
/// otherwise.
pub const DEFAULT_LOCK_LEASE: Duration = alembix_migrate::DEFAULT_LOCK_LEASE;

/// How long to wait for a connection unless `connect_timeout` says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The script directory unless `migrations` says otherwise.
pub const DEFAULT_MIGRATIONS: &str = "migrations";

/// The working directory.
pub fn working_dir() -> Result<PathBuf, ConfigError> {
    std::env::current_dir().map_err(ConfigError::WorkingDir)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    database_url: Option<String>,
    /// The read replicas of the runtime (`Db::builder_from_config`);
    /// migrations run on the primary only, so the command never uses them.
    #[serde(rename = "replica_urls")]
    _replica_urls: Option<Vec<String>>,
    migrations: Option<String>,
    version_locations: Option<Vec<String>>,
    models: Option<Vec<String>>,
    version_table: Option<String>,
    log_table: Option<String>,
    online_ddl: Option<bool>,
    statements_per_step: Option<usize>,
    lock_timeout: Option<RawDuration>,
    statement_timeout: Option<RawDuration>,
    lock_retries: Option<u32>,
    lock_wait: Option<RawDuration>,
    lock: Option<String>,
    lock_lease: Option<RawDuration>,
    statement_cache: Option<usize>,
    connect_timeout: Option<RawDuration>,
    exclude_tables: Option<Vec<String>>,
    include_tables: Option<Vec<String>>,
    exclude_indexes: Option<Vec<String>>,
    exclude_checks: Option<Vec<String>>,
    exclude_foreign_keys: Option<Vec<String>>,
    exclude_enums: Option<Vec<String>>,
    schemas: Option<Vec<String>>,
    lint: Option<RawLint>,
    hooks: Option<RawHooks>,
}

/// The `[hooks]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHooks {
    post_write: Option<Vec<String>>,
}

/// The `[lint]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLint {
    allow: Option<Vec<String>>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file, when one was found.
    pub file: Option<PathBuf>,
    /// The directory paths are relative to.
    pub root: PathBuf,
    /// `--database-url`, else `DATABASE_URL` (the environment, then
    /// `.env`), else `database_url` (blank: none).
    pub database_url: Option<String>,
    /// Where [`Config::database_url`] came from.
    pub url_source: UrlSource,
    /// The script directory (new revisions go there by default).
    pub migrations: PathBuf,
    /// Further script directories read into the same graph
    /// (`version_locations`, Alembic's name).
    pub version_locations: Vec<PathBuf>,
    /// Globs of the Rust files autogen reads models from.
    pub models: Vec<String>,
    /// True when `models` was set in the config (not the default).
    pub models_configured: bool,
    /// The version table's name.
    pub version_table: String,
    /// The log table's name.
    pub log_table: String,
    /// Whether autogen writes online DDL for tables that exist before the
    /// revision (default true).
    pub online_ddl: bool,
    /// The most statements autogen writes in one transactional step
    /// (`statements_per_step`; default: the backend's, 200 on PostgreSQL,
    /// no limit elsewhere).
    pub statements_per_step: Option<usize>,
    /// How long one statement may wait for a table lock (default 5 s).
    pub lock_timeout: Duration,
    /// How long one statement may run (default: no limit).
    pub statement_timeout: Option<Duration>,
    /// How many times a step that hit `lock_timeout` is tried again
    /// (default 5).
    pub lock_retries: u32,
    /// How long to wait for another process's migration lock (default 10
    /// minutes).
    pub lock_wait: Duration,
    /// Which migration lock runs take (`lock`, default advisory).
    pub lock: alembix_migrate::LockKind,
    /// How long the table lock's lease lasts unless renewed (`lock_lease`,
    /// default 30 s, 1 s to 24 h; renewed every third of it).
    pub lock_lease: Duration,
    /// How long to wait for the database server to accept a connection
    /// (default 5 s).
    pub connect_timeout: Duration,
    /// Globs of tables autogen leaves alone.
    pub exclude_tables: Vec<String>,
    /// `include_tables` and the `exclude_*` globs of named objects.
    pub filters: alembix_autogen::diff::ObjectFilters,
    /// PostgreSQL schemas autogen compares.
    pub schemas: Vec<String>,
    /// Lint rule ids accepted everywhere (`[lint] allow`).
    pub lint_allow: Vec<String>,
    /// Commands run on each revision file written (`[hooks] post_write`),
    /// `{path}` standing for the file.
    pub post_write: Vec<String>,
}

/// Where the database URL came from, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlSource {
    /// `--database-url`.
    Flag,
    /// The `DATABASE_URL` environment variable.
    Environment,
    /// `DATABASE_URL` in the `.env` file.
    DotEnv,
    /// `database_url` in the config file.
    File,
    /// Nowhere: no URL is set.
    None,
}

impl UrlSource {
    /// How `-v` names the source.
    ///
    /// ```
    /// use alembix_cli::config::UrlSource;
    /// assert_eq!(UrlSource::Environment.describe(), "the DATABASE_URL environment variable");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            UrlSource::Flag => "--database-url",
            UrlSource::Environment => "the DATABASE_URL environment variable",
            UrlSource::DotEnv => "DATABASE_URL in .env",
            UrlSource::File => "database_url in alembix.toml",
            UrlSource::None => "nowhere",
        }
    }
}

/// The URL and its source: `--database-url`, else `DATABASE_URL` from the
/// environment, else from `.env` (read here: it never overrides a variable
/// already set), else the file's `database_url`. Blank values count as unset.
fn pick_url(
    flag: Option<String>,
    file: Option<String>,
    root: &Path,
) -> (Option<String>, UrlSource) {
    let set = |v: Option<String>| v.filter(|u| !u.trim().is_empty());
    if let Some(u) = set(flag) {
        return (Some(u), UrlSource::Flag);
    }
    if let Some(u) = set(std::env::var("DATABASE_URL").ok()) {
        return (Some(u), UrlSource::Environment);
    }
    let _ = dotenvy::from_path(root.join(".env"));
    if let Some(u) = set(std::env::var("DATABASE_URL").ok()) {
        return (Some(u), UrlSource::DotEnv);
    }
    match set(file) {
        Some(u) => (Some(u), UrlSource::File),
        None => (None, UrlSource::None),
    }
}

fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

impl Config {
    /// Loads `explicit` or the nearest `alembix.toml`; `url` (from
    /// `--database-url`) wins over the file and `DATABASE_URL`.
    pub fn load(explicit: Option<&Path>, url: Option<String>) -> Result<Config, ConfigError> {
        let cwd = working_dir()?;
        let file = match explicit {
            Some(p) => {
                if !p.is_file() {
                    return Err(ConfigError::Missing(p.to_path_buf()));
                }
                Some(p.to_path_buf())
            }
            None => find(&cwd),
        };
        let (raw, root) = match &file {
            Some(path) => (read(path)?, root_of(path, &cwd)),
            None => (Raw::default(), cwd.clone()),
        };
        let version_table = table_name("version_table", raw.version_table, DEFAULT_VERSION_TABLE)?;
        let log_table = table_name("log_table", raw.log_table, DEFAULT_LOG_TABLE)?;
        // `.env` beside the config (or in the working directory).
        let (database_url, url_source) = pick_url(url, raw.database_url, &root);
        // A relative SQLite path is relative to the config's directory.
        let database_url = database_url.map(|u| sqlite_relative(&u, &root));
        // `statement_cache = 0`: through a transaction pooler (PgBouncer).
        let database_url = database_url.map(|u| with_statement_cache(u, raw.statement_cache));
        let lint_allow = lint_allow(raw.lint)?;
        Ok(Config {
            lint_allow,
            post_write: raw.hooks.and_then(|h| h.post_write).unwrap_or_default(),
            file,
            migrations: root.join(raw.migrations.unwrap_or_else(|| DEFAULT_MIGRATIONS.into())),
            version_locations: raw
                .version_locations
                .unwrap_or_default()
                .iter()
                .map(|d| root.join(d))
                .collect(),
            models_configured: raw.models.is_some(),
            models: raw.models.unwrap_or_else(|| vec!["src/**/*.rs".into()]),
            root,
            database_url,
            url_source,
            version_table,
            log_table,
            online_ddl: raw.online_ddl.unwrap_or(true),
            statements_per_step: match raw.statements_per_step {
                Some(0) => return Err(ConfigError::StatementsPerStep),
                n => n,
            },
            lock_timeout: duration("lock_timeout", raw.lock_timeout, DEFAULT_LOCK_TIMEOUT)?,
            statement_timeout: raw
                .statement_timeout
                .map(|v| duration("statement_timeout", Some(v), Duration::ZERO))
                .transpose()?,
            lock_retries: raw.lock_retries.unwrap_or(DEFAULT_LOCK_RETRIES),
            lock_wait: duration("lock_wait", raw.lock_wait, DEFAULT_LOCK_WAIT)?,
            lock: lock_kind(raw.lock)?,
            lock_lease: lock_lease(raw.lock_lease)?,
            connect_timeout: duration(
                "connect_timeout",
                raw.connect_timeout,
                DEFAULT_CONNECT_TIMEOUT,
            )?,
            exclude_tables: raw.exclude_tables.unwrap_or_default(),
            filters: alembix_autogen::diff::ObjectFilters {
                include_tables: raw.include_tables.unwrap_or_default(),
                exclude_indexes: raw.exclude_indexes.unwrap_or_default(),
                exclude_checks: raw.exclude_checks.unwrap_or_default(),
                exclude_foreign_keys: raw.exclude_foreign_keys.unwrap_or_default(),
                exclude_enums: raw.exclude_enums.unwrap_or_default(),
            },
            schemas: raw.schemas.unwrap_or_else(|| vec!["public".into()]),
        })
    }

    /// Every script directory: `migrations`, then `version_locations`
    /// (each once).
    pub fn locations(&self) -> Vec<PathBuf> {
        let mut out = vec![self.migrations.clone()];
        for d in &self.version_locations {
            if !out.contains(d) {
                out.push(d.clone());
            }
        }
        out
    }

    /// The script directory a new revision goes to: `--version-path` when
    /// given (it must be one of [`Config::locations`]), else `migrations`.
    pub fn version_path(&self, given: Option<&Path>) -> Result<PathBuf, ConfigError> {
        let Some(given) = given else {
            return Ok(self.migrations.clone());
        };
        let cwd = working_dir()?;
        let abs = cwd.join(given);
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        self.locations()
            .into_iter()
            .find(|l| canon(l) == canon(&abs))
            .ok_or_else(|| ConfigError::NotALocation {
                given: given.to_path_buf(),
                locations: self
                    .locations()
                    .iter()
                    .map(|l| l.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The database URL, or an error saying where to set it.
    pub fn url(&self) -> Result<&str, ConfigError> {
        self.database_url
            .as_deref()
            .ok_or(ConfigError::NoDatabaseUrl)
    }
}

/// The ids of `[lint] allow`, each checked against the rules.
fn lint_allow(raw: Option<RawLint>) -> Result<Vec<String>, ConfigError> {
    let ids = raw.and_then(|l| l.allow).unwrap_or_default();
    match ids
        .iter()
        .find(|id| alembix_migrate::lint::rules::by_id(id).is_none())
    {
        Some(bad) => Err(ConfigError::UnknownLintRule(bad.clone())),
        None => Ok(ids),
    }
}

fn read(path: &Path) -> Result<Raw, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Syntax {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    })
}

/// The config file's directory (the working directory for a bare file name).
fn root_of(path: &Path, cwd: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => cwd.to_path_buf(),
    }
}

/// A configured table name or the default, 1 to 63 characters (the
/// shortest identifier limit of the three databases).
fn table_name(
    key: &'static str,
    value: Option<String>,
    default: &str,
) -> Result<String, ConfigError> {
    let v = value.unwrap_or_else(|| default.into());
    if v.is_empty() || v.len() > 63 {
        return Err(ConfigError::TableName { key, value: v });
    }
    Ok(v)
}

fn sqlite_relative(url: &str, root: &Path) -> String {
    let Some(rest) = url.strip_prefix("sqlite://") else {
        return url.to_string();
    };
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.starts_with('/') || path.starts_with(":memory:") {
        return url.to_string();
    }
    format!(
        "sqlite://{}{}",
        root.join(path).display(),
        &rest[path.len()..]
    )
}

mod duration;
mod error;
mod lock;
use duration::{RawDuration, duration};
pub use error::ConfigError;
use lock::{lock_kind, lock_lease, with_statement_cache};
