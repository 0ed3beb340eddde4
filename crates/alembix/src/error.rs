//! The one error type of the runtime.

/// What can go wrong when talking to the database through Alembix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No row has the key that was asked for.
    #[error("{model} not found")]
    NotFound { model: &'static str },
    /// `save` of a versioned model found that the row moved on since it was loaded.
    #[error(
        "{model} was changed by someone else since it was loaded (version {version}); reload it and retry"
    )]
    StaleData { model: &'static str, version: i64 },
    /// A unique constraint or unique index rejected the row.
    #[error("unique constraint `{constraint}` violated: {message}")]
    UniqueViolation { constraint: String, message: String },
    /// A foreign key rejected the row.
    #[error("foreign key `{constraint}` violated: {message}")]
    ForeignKeyViolation { constraint: String, message: String },
    /// A row could not be decoded into the model.
    #[error("cannot decode column `{column}` of {model}: {source}")]
    Decode {
        model: &'static str,
        column: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// The database URL is not one Alembix understands.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The models cannot be used as asked (no relation between two models, ...).
    #[error("{0}")]
    Usage(String),
    /// Rendering the schema for this backend failed.
    #[error(transparent)]
    Render(#[from] alembix_schema::RenderError),
    /// Reading, planning or applying migrations failed (embedded migrations).
    #[error(transparent)]
    Migrate(#[from] alembix_migrate::Error),
    /// Any other database or connection error.
    #[error(transparent)]
    Database(sqlx::Error),
}

/// Errors of decoding one value (before the model and column are known).
pub type DecodeError = sqlx::Error;

impl Error {
    /// Wraps a decode error with the model and column it happened in.
    pub fn decode(model: &'static str, column: &'static str, source: sqlx::Error) -> Self {
        Error::Decode {
            model,
            column,
            source,
        }
    }
}

/// A URL whose scheme names no backend ([`Backend::from_url`](crate::Backend::from_url)).
impl From<alembix_schema::UnknownScheme> for Error {
    fn from(err: alembix_schema::UnknownScheme) -> Self {
        Error::InvalidUrl {
            url: format!("{}:...", err.scheme),
            reason: err.to_string(),
        }
    }
}

impl From<alembix_driver::Error> for Error {
    fn from(err: alembix_driver::Error) -> Self {
        match err {
            alembix_driver::Error::InvalidUrl { url, reason } => Error::InvalidUrl { url, reason },
            alembix_driver::Error::Connect { source, .. } => source.into(),
            alembix_driver::Error::Database(e) => e.into(),
            other => Error::Usage(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            let message = db.message().to_string();
            let constraint = || {
                db.constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| constraint_from_message(&message))
            };
            if db.is_unique_violation() {
                return Error::UniqueViolation {
                    constraint: constraint(),
                    message,
                };
            }
            if db.is_foreign_key_violation() {
                return Error::ForeignKeyViolation {
                    constraint: constraint(),
                    message,
                };
            }
        }
        Error::Database(err)
    }
}

/// MySQL (`... for key 'users.uq_users_email'`) and SQLite (`UNIQUE constraint
/// failed: users.email`) do not report the constraint separately.
fn constraint_from_message(message: &str) -> String {
    if let Some(rest) = message.split("for key '").nth(1) {
        let key = rest.trim_end_matches('\'');
        return key.rsplit('.').next().unwrap_or(key).to_string();
    }
    if let Some(rest) = message.split("CONSTRAINT `").nth(1) {
        return rest.split('`').next().unwrap_or(rest).to_string();
    }
    if let Some(rest) = message.split("constraint failed: ").nth(1) {
        return rest.to_string();
    }
    String::new()
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
