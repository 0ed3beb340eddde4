//! `alembix.toml`: found in the working directory or its ancestors (or
//! given with `-c`); paths in it are relative to its directory. `.env` next
//! to it is read too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::CliError;

/// The config file's name.
pub const FILE_NAME: &str = "alembix.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    database_url: Option<String>,
    migrations: Option<String>,
    models: Option<Vec<String>>,
    version_table: Option<String>,
    log_table: Option<String>,
    lock_timeout: Option<u64>,
    exclude_tables: Option<Vec<String>>,
    schemas: Option<Vec<String>>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file, when one was found.
    pub file: Option<PathBuf>,
    /// The directory paths are relative to.
    pub root: PathBuf,
    pub database_url: Option<String>,
    pub migrations: PathBuf,
    pub models: Vec<String>,
    /// True when `models` was set in the config (not the default).
    pub models_configured: bool,
    pub version_table: String,
    pub log_table: String,
    pub lock_timeout: Duration,
    pub exclude_tables: Vec<String>,
    pub schemas: Vec<String>,
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
    pub fn load(explicit: Option<&Path>, url: Option<String>) -> Result<Config, CliError> {
        let cwd = std::env::current_dir()
            .map_err(|e| CliError::msg(format!("cannot read the working directory: {e}")))?;
        let file = match explicit {
            Some(p) => {
                if !p.is_file() {
                    return Err(CliError::msg(format!(
                        "config file {} does not exist",
                        p.display()
                    )));
                }
                Some(p.to_path_buf())
            }
            None => find(&cwd),
        };
        let (raw, root) = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| CliError::msg(format!("cannot read {}: {e}", path.display())))?;
                let raw: Raw = toml::from_str(&text).map_err(|e| {
                    CliError::msg(format!(
                        "{}: {}; the keys are database_url, migrations, models, version_table, log_table, lock_timeout, exclude_tables, schemas",
                        path.display(),
                        e.message()
                    ))
                })?;
                let root = path
                    .parent()
                    .map(|p| {
                        if p.as_os_str().is_empty() {
                            cwd.clone()
                        } else {
                            p.to_path_buf()
                        }
                    })
                    .unwrap_or_else(|| cwd.clone());
                (raw, root)
            }
            None => (Raw::default(), cwd.clone()),
        };
        // `.env` beside the config (or in the working directory); it never
        // overrides variables already set.
        let _ = dotenvy::from_path(root.join(".env"));
        let check_name = |key: &str, v: &str| -> Result<(), CliError> {
            if v.is_empty() || v.len() > 63 {
                return Err(CliError::msg(format!(
                    "{key} `{v}` must be 1 to 63 characters"
                )));
            }
            Ok(())
        };
        let version_table = raw
            .version_table
            .unwrap_or_else(|| "alembix_version".into());
        check_name("version_table", &version_table)?;
        let log_table = raw.log_table.unwrap_or_else(|| "alembix_log".into());
        check_name("log_table", &log_table)?;
        let database_url = url
            .or(raw.database_url)
            .or_else(|| std::env::var("DATABASE_URL").ok())
            .filter(|u| !u.trim().is_empty());
        // A relative SQLite path is relative to the config's directory.
        let database_url = database_url.map(|u| sqlite_relative(&u, &root));
        Ok(Config {
            file,
            migrations: root.join(raw.migrations.unwrap_or_else(|| "migrations".into())),
            models_configured: raw.models.is_some(),
            models: raw.models.unwrap_or_else(|| vec!["src/**/*.rs".into()]),
            root,
            database_url,
            version_table,
            log_table,
            lock_timeout: Duration::from_secs(raw.lock_timeout.unwrap_or(600)),
            exclude_tables: raw.exclude_tables.unwrap_or_default(),
            schemas: raw.schemas.unwrap_or_else(|| vec!["public".into()]),
        })
    }

    /// The database URL, or an error saying where to set it.
    pub fn url(&self) -> Result<&str, CliError> {
        self.database_url.as_deref().ok_or_else(|| {
            CliError::msg(
                "no database URL: set `database_url` in alembix.toml, the DATABASE_URL environment variable, or pass --database-url",
            )
        })
    }
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
