//! Errors of autogenerate.

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

    /// A bad option or configuration value.
    #[error("{0}")]
    Usage(String),

    /// The database driver failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}
