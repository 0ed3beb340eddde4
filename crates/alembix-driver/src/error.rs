//! Errors of connecting.

/// What can go wrong when opening a [`Pool`](crate::Pool). Statements
/// report plain [`sqlx::Error`]s.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL names no known backend, a backend this build leaves out, or
    /// does not parse; `url` has its password hidden.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, password hidden ([`redact`](crate::redact)).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The server could not be reached or refused the connection.
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The URL, password hidden.
        url: String,
        /// The driver's message, with the URL's secrets hidden
        /// ([`redact_in`](crate::redact_in)).
        reason: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A statement failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}
