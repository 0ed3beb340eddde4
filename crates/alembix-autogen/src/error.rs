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

    /// A model file cannot be read or a model cannot be mapped; the message
    /// names the file and line and says what to fix.
    #[error("{0}")]
    Scan(String),

    /// A bad option or configuration value.
    #[error("{0}")]
    Usage(String),

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
