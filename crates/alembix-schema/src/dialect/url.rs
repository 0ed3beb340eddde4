//! The dialect a database URL names, from its scheme: the one table of URL
//! schemes that the runtime, the migration engine and the CLI share.

use super::Dialect;

/// A database URL whose scheme names no backend Alembix knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownScheme {
    /// The scheme as written (the text before the first `:`).
    pub scheme: String,
}

impl std::fmt::Display for UnknownScheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "it must start with postgres://, mysql://, mariadb://, sqlite://PATH or be sqlite::memory:"
        )
    }
}

impl std::error::Error for UnknownScheme {}

impl Dialect {
    /// The backend a database URL names, from its scheme: `postgres://` or
    /// `postgresql://`, `mysql://` or `mariadb://`, `sqlite://PATH`,
    /// `sqlite:PATH` or `sqlite::memory:`. No connection is made and the
    /// rest of the URL is not checked.
    ///
    /// ```
    /// use alembix_schema::Dialect;
    /// assert_eq!(Dialect::from_url("postgresql://localhost/app").unwrap(), Dialect::Postgres);
    /// assert_eq!(Dialect::from_url("mariadb://root@localhost/app").unwrap(), Dialect::MySql);
    /// assert_eq!(Dialect::from_url("sqlite::memory:").unwrap(), Dialect::Sqlite);
    /// assert_eq!(Dialect::from_url("oracle://x").unwrap_err().scheme, "oracle");
    /// ```
    pub fn from_url(url: &str) -> Result<Dialect, UnknownScheme> {
        let scheme = url.split(':').next().unwrap_or_default();
        Dialect::ALL
            .into_iter()
            .find(|d| d.caps().url_schemes.contains(&scheme))
            .ok_or_else(|| UnknownScheme {
                scheme: scheme.to_string(),
            })
    }

    /// The dialect itself: lets `db.backend().dialect()` read as it did
    /// when the runtime's backend was a type of its own.
    pub fn dialect(self) -> Dialect {
        self
    }
}
