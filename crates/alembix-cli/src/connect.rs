//! From the configured database URL to a connection, or, for `--sql`
//! (no connection), to the SQL dialect. Kept in one place so the URL
//! handling can be swapped for a shared parser without touching the commands.

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
    match url.split(':').next().unwrap_or_default() {
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        "mysql" | "mariadb" => Ok(Dialect::MySql),
        "sqlite" => Ok(Dialect::Sqlite),
        other => Err(UrlError::UnknownKind(other.to_string())),
    }
}

/// Connects to the configured database.
pub(crate) async fn connect(cfg: &Config) -> Res<Database> {
    Ok(Database::connect(cfg.url()?).await?)
}
