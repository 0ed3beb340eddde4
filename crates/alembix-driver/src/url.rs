//! Database URLs: which backend a URL names, and hiding its password.

use alembix_schema::Dialect;

use crate::backend::backend_sql;
use crate::error::Error;

/// The URL with its password replaced by `***`, for messages.
///
/// ```
/// assert_eq!(
///     alembix_driver::redact("postgres://app:secret@db/app"),
///     "postgres://app:***@db/app"
/// );
/// ```
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The backend a URL names (`postgres://`, `postgresql://`, `mysql://`,
/// `mariadb://`, `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:`),
/// refusing unknown schemes and backends whose cargo feature this build
/// leaves out.
///
/// ```
/// use alembix_schema::Dialect::{Sqlite};
/// use alembix_driver::{Dialect, parse_url};
/// assert_eq!(parse_url("sqlite::memory:").unwrap(), Sqlite);
/// let err = parse_url("oracle://scott:tiger@db").unwrap_err().to_string();
/// assert_eq!(
///     err,
///     "invalid database URL `oracle://scott:***@db`: it must start with postgres://, mysql://, mariadb://, sqlite://PATH or be sqlite::memory:"
/// );
/// ```
pub fn parse_url(url: &str) -> Result<Dialect, Error> {
    let dialect = Dialect::from_url(url).map_err(|e| invalid(url, e))?;
    if !backend_sql(dialect).enabled {
        return Err(left_out(url, dialect));
    }
    Ok(dialect)
}

/// [`Error::InvalidUrl`] for a backend this build leaves out, naming its
/// cargo feature.
pub(crate) fn left_out(url: &str, dialect: Dialect) -> Error {
    let sql = backend_sql(dialect);
    invalid(
        url,
        format!(
            "this build of Alembix has no {} support: enable the `{}` cargo feature",
            sql.dialect.caps().title,
            sql.feature
        ),
    )
}

/// [`Error::InvalidUrl`] for `url` (redacted).
pub(crate) fn invalid(url: &str, reason: impl std::fmt::Display) -> Error {
    Error::InvalidUrl {
        url: redact(url),
        reason: reason.to_string(),
    }
}

/// [`Error::Connect`] for `url` (redacted).
pub(crate) fn connect_error(url: &str, source: sqlx::Error) -> Error {
    Error::Connect {
        url: redact(url),
        source,
    }
}
