//! From the configured database URL to a connection, or, for `--sql`
//! (no connection), to the SQL dialect through the shared scheme table
//! (`Dialect::from_url`).

use alembix_migrate::Database;
use alembix_schema::Dialect;

use crate::config::Config;
use crate::error::Res;

/// Why the URL does not give a dialect for `--sql`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// No URL is configured.
    #[error(
        "--sql needs to know the database kind: set database_url (e.g. --database-url postgres://) — no connection is made"
    )]
    NoUrlForSql,

    /// The URL's scheme names no supported database.
    #[error(
        "unknown database kind `{0}` in the URL: use postgres://, mysql://, mariadb:// or sqlite://"
    )]
    UnknownKind(String),
}

/// The dialect the URL's scheme names.
pub(crate) fn dialect_of(cfg: &Config) -> Result<Dialect, UrlError> {
    let url = cfg.database_url.as_deref().ok_or(UrlError::NoUrlForSql)?;
    // Offline SQL needs no driver: the scheme alone, whatever the features.
    Dialect::from_url(url).map_err(|e| UrlError::UnknownKind(e.scheme))
}

/// Connects to the configured database, which must exist (a SQLite file
/// that does not is an error: a typo in the path).
pub(crate) async fn connect(cfg: &Config) -> Res<Database> {
    Ok(Database::connect_existing(cfg.url()?, cfg.connect_timeout).await?)
}

/// Connects to the configured database, creating a SQLite file that does
/// not exist yet (`upgrade`).
pub(crate) async fn connect_creating(cfg: &Config) -> Res<Database> {
    Ok(Database::connect_within(cfg.url()?, cfg.connect_timeout).await?)
}
