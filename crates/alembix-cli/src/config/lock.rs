//! The `lock` and `statement_cache` keys.

use alembix_migrate::LockKind;

use super::ConfigError;

/// `lock = "advisory" | "table"` (default advisory).
pub(super) fn lock_kind(value: Option<String>) -> Result<LockKind, ConfigError> {
    match value {
        None => Ok(LockKind::default()),
        Some(v) => v.parse().map_err(|_| ConfigError::Lock(v)),
    }
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
