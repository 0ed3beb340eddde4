//! The `lock`, `lock_lease` and `statement_cache` keys.

use std::time::Duration;

use alembix_migrate::LockKind;

use super::ConfigError;
use super::duration::{RawDuration, duration};

/// `lock = "advisory" | "table"` (default advisory).
pub(super) fn lock_kind(value: Option<String>) -> Result<LockKind, ConfigError> {
    match value {
        None => Ok(LockKind::default()),
        Some(v) => v.parse().map_err(|_| ConfigError::Lock(v)),
    }
}

/// `lock_lease = "30s"` (default [`alembix_migrate::DEFAULT_LOCK_LEASE`]):
/// a duration from [`alembix_migrate::MIN_LOCK_LEASE`] to
/// [`alembix_migrate::MAX_LOCK_LEASE`].
pub(super) fn lock_lease(value: Option<RawDuration>) -> Result<Duration, ConfigError> {
    let written = value.as_ref().map(RawDuration::written);
    let lease = duration("lock_lease", value, alembix_migrate::DEFAULT_LOCK_LEASE)?;
    alembix_migrate::check_lock_lease(lease).map_err(|why| ConfigError::LockLease {
        value: written.unwrap_or_default(),
        why,
    })?;
    Ok(lease)
}

/// A PostgreSQL URL with `statement-cache-capacity=N` added when
/// `statement_cache = N` is configured and the URL does not set it.
///
/// ```text
/// postgres://h/db + 0  →  postgres://h/db?statement-cache-capacity=0
/// ```
pub(super) fn with_statement_cache(url: String, cache: Option<usize>) -> String {
    let Some(n) = cache else {
        return url;
    };
    let pg = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !pg || url.contains("statement-cache-capacity=") {
        return url;
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}statement-cache-capacity={n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_cache_goes_into_postgres_urls_only() {
        let pg = |u: &str, n| with_statement_cache(u.to_string(), n);
        assert_eq!(
            pg("postgres://h/db", Some(0)),
            "postgres://h/db?statement-cache-capacity=0"
        );
        assert_eq!(
            pg("postgres://h/db?sslmode=disable", Some(5)),
            "postgres://h/db?sslmode=disable&statement-cache-capacity=5"
        );
        assert_eq!(
            pg("postgres://h/db?statement-cache-capacity=9", Some(0)),
            "postgres://h/db?statement-cache-capacity=9"
        );
        assert_eq!(pg("mysql://h/db", Some(0)), "mysql://h/db");
        assert_eq!(pg("postgres://h/db", None), "postgres://h/db");
    }

    #[test]
    fn lock_lease_is_a_duration_in_range() {
        let lease = |v: RawDuration| lock_lease(Some(v)).map_err(|e| e.to_string());
        assert_eq!(lock_lease(None).unwrap(), Duration::from_secs(30));
        assert_eq!(
            lease(RawDuration::Text("2s".into())).unwrap(),
            Duration::from_secs(2)
        );
        assert_eq!(
            lease(RawDuration::Seconds(90)).unwrap(),
            Duration::from_secs(90)
        );
        for (bad, says) in [
            (RawDuration::Seconds(0), "at least 1 s"),
            (RawDuration::Text("500ms".into()), "at least 1 s"),
            (RawDuration::Text("2d".into()), "is not a duration"),
            (RawDuration::Text("-1".into()), "is not a duration"),
            (RawDuration::Text("25h".into()), "at most 24 h"),
        ] {
            let e = lease(bad).unwrap_err();
            assert!(e.starts_with("lock_lease `") && e.contains(says), "{e}");
        }
    }

    #[test]
    fn lock_kind_names_the_choices() {
        assert_eq!(lock_kind(None).unwrap(), LockKind::Advisory);
        assert_eq!(lock_kind(Some("table".into())).unwrap(), LockKind::Table);
        let e = lock_kind(Some("row".into())).unwrap_err().to_string();
        assert!(
            e.contains("`row`") && e.contains("\"advisory\"") && e.contains("\"table\""),
            "{e}"
        );
    }
}
