//! Database URLs: which backend a URL names, and hiding its password.

use alembix_schema::Dialect;

use crate::backend::backend_sql;
use crate::error::Error;

/// Query parameters whose value is a secret (compared in any case).
const SECRET_PARAMS: &[&str] = &["password", "sslpassword"];

/// The URL with its secrets replaced by `***`, for messages: the password
/// of the user information and the values of the query parameters
/// `password` and `sslpassword` (in any case). A `passfile` parameter
/// stays: it is a path, and its file is never read into a message.
///
/// ```
/// use alembix_driver::redact;
/// assert_eq!(redact("postgres://app:secret@db/app"), "postgres://app:***@db/app");
/// assert_eq!(
///     redact("postgres://app@db/app?sslmode=require&PassWord=secret&sslpassword=key"),
///     "postgres://app@db/app?sslmode=require&PassWord=***&sslpassword=***"
/// );
/// assert_eq!(redact("mysql://root@db/app?password=s"), "mysql://root@db/app?password=***");
/// ```
pub fn redact(url: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], Some(&url[q + 1..])),
        None => (url, None),
    };
    let mut out = redact_user_info(base);
    if let Some(query) = query {
        out.push('?');
        out.push_str(&redact_query(query));
    }
    out
}

/// `scheme://user:***@rest`: everything between the first `:` of the
/// user information and its last `@` is hidden.
fn redact_user_info(base: &str) -> String {
    let Some(s) = base.find("://") else {
        return base.to_string();
    };
    let Some(at) = base.rfind('@').filter(|&at| at > s) else {
        return base.to_string();
    };
    let creds = &base[s + 3..at];
    match creds.find(':') {
        Some(c) => format!("{}{}:***{}", &base[..s + 3], &creds[..c], &base[at..]),
        None => base.to_string(),
    }
}

/// The query with the values of [`SECRET_PARAMS`] hidden (a fragment
/// after `#` is treated as more parameters).
fn redact_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    loop {
        let end = rest.find(['&', ';', '#']).unwrap_or(rest.len());
        let pair = &rest[..end];
        match pair.split_once('=') {
            Some((k, _)) if is_secret_key(k) => {
                out.push_str(k);
                out.push_str("=***");
            }
            _ => out.push_str(pair),
        }
        if end == rest.len() {
            return out;
        }
        out.push_str(&rest[end..end + 1]);
        rest = &rest[end + 1..];
    }
}

fn is_secret_key(key: &str) -> bool {
    let key = decode(key).to_ascii_lowercase();
    SECRET_PARAMS.contains(&key.trim())
}

/// Percent-decoding, leaving malformed escapes as they are.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The secrets of `url` (as [`redact`] finds them, raw and
/// percent-decoded) replaced by `***` wherever they appear in `text`: for
/// driver messages that might quote the URL or a part of it.
///
/// ```
/// let url = "postgres://app:s3cret@db/app?sslpassword=k3y";
/// assert_eq!(
///     alembix_driver::redact_in("bad key k3y for app:s3cret", url),
///     "bad key *** for app:***"
/// );
/// ```
pub fn redact_in(text: &str, url: &str) -> String {
    let mut out = text.replace(url, &redact(url));
    for secret in secrets(url) {
        if !secret.is_empty() {
            out = out.replace(&secret, "***");
        }
    }
    out
}

/// The secret values of `url`, raw and percent-decoded.
fn secrets(url: &str) -> Vec<String> {
    let mut raw = Vec::new();
    let base = url.split('?').next().unwrap_or(url);
    if let (Some(s), Some(at)) = (base.find("://"), base.rfind('@'))
        && at > s
        && let Some((_, pw)) = base[s + 3..at].split_once(':')
    {
        raw.push(pw.to_string());
    }
    if let Some((_, query)) = url.split_once('?') {
        for pair in query.split(['&', ';', '#']) {
            if let Some((k, v)) = pair.split_once('=')
                && is_secret_key(k)
            {
                raw.push(v.to_string());
            }
        }
    }
    let decoded: Vec<String> = raw.iter().map(|s| decode(s)).collect();
    raw.extend(decoded);
    // Longest first, so that no part of a secret is left after a shorter one.
    raw.sort_by_key(|s| std::cmp::Reverse(s.len()));
    raw
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

/// [`Error::InvalidUrl`] for `url` (redacted, in the reason too).
pub(crate) fn invalid(url: &str, reason: impl std::fmt::Display) -> Error {
    Error::InvalidUrl {
        url: redact(url),
        reason: redact_in(&reason.to_string(), url),
    }
}

/// [`Error::Connect`] for `url` (redacted, in the driver's message too).
pub(crate) fn connect_error(url: &str, source: sqlx::Error) -> Error {
    Error::Connect {
        url: redact(url),
        reason: redact_in(&connect_reason(&source, url), url),
        source,
    }
}

/// `host:port` of a server URL, as written (`?` when there is none).
fn host_port(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['/', '?']).next().unwrap_or(rest);
    rest.rsplit_once('@').map_or(rest, |(_, h)| h)
}

/// Why a connection failed, in the words of what went wrong: refused,
/// unknown host, no answer, authentication, a missing database; else the
/// driver's message.
fn connect_reason(e: &sqlx::Error, url: &str) -> String {
    use std::io::ErrorKind;
    let host = host_port(url);
    match e {
        sqlx::Error::Io(io) if io.kind() == ErrorKind::ConnectionRefused => {
            format!(
                "connection refused: no server listens at {host}; start it, or fix the host and port in the URL"
            )
        }
        sqlx::Error::Io(io) if io.kind() == ErrorKind::NotFound => io.to_string(),
        sqlx::Error::Io(io) if io.kind() == ErrorKind::TimedOut => {
            format!("{io} from {host}: check that the host is right and reachable")
        }
        sqlx::Error::Io(io) if io.to_string().contains("lookup address") => {
            format!("unknown host: {host} does not resolve ({io})")
        }
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let msg = db.message();
            if code == "28P01" || code == "28000" {
                format!("authentication failed ({msg}): check the user and password in the URL")
            } else if code == "3D000" || msg.starts_with("Unknown database") {
                format!(
                    "the database does not exist ({msg}): create it, or fix its name in the URL"
                )
            } else {
                msg.to_string()
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{redact, redact_in};
    use proptest::prelude::*;

    #[test]
    fn every_position() {
        let cases = [
            ("postgres://u:S3cret@h/db", "postgres://u:***@h/db"),
            ("postgres://u:S3c@ret@h/db", "postgres://u:***@h/db"),
            (
                "postgres://u@h/db?password=S3cret",
                "postgres://u@h/db?password=***",
            ),
            (
                "postgres://h/db?sslmode=require&sslpassword=S3cret&x=1",
                "postgres://h/db?sslmode=require&sslpassword=***&x=1",
            ),
            (
                "postgres://h/db?PASSWORD=S3cret",
                "postgres://h/db?PASSWORD=***",
            ),
            (
                "postgres://h/db?SslPassword=S3cret",
                "postgres://h/db?SslPassword=***",
            ),
            (
                "postgres://h/db?pass%77ord=S3cret",
                "postgres://h/db?pass%77ord=***",
            ),
            (
                "mysql://root:S3cret@h:3306/db",
                "mysql://root:***@h:3306/db",
            ),
            (
                "mariadb://root@h/db?password=S3cret",
                "mariadb://root@h/db?password=***",
            ),
            (
                "postgres://h/db?passfile=/home/u/.pgpass",
                "postgres://h/db?passfile=/home/u/.pgpass",
            ),
            ("sqlite://data/app.db", "sqlite://data/app.db"),
            ("sqlite::memory:", "sqlite::memory:"),
        ];
        for (url, want) in cases {
            assert_eq!(redact(url), want, "{url}");
        }
    }

    #[test]
    fn secrets_in_messages() {
        let url = "postgres://u:p%40ss@h/db?password=S3cret";
        assert_eq!(redact_in("x p@ss y S3cret z", url), "x *** y *** z");
        assert_eq!(
            redact_in(&format!("at {url}"), url),
            format!("at {}", redact(url))
        );
    }

    fn case_mix(word: &'static str) -> impl Strategy<Value = String> {
        proptest::collection::vec(any::<bool>(), word.len()).prop_map(move |upper| {
            word.chars()
                .zip(upper)
                .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn the_marker_never_survives(
            scheme in prop::sample::select(vec!["postgres", "postgresql", "mysql", "mariadb"]),
            marker in "[A-Za-z0-9_.~!$*-]{1,12}",
            in_user_info in any::<bool>(),
            key in prop_oneof![case_mix("password"), case_mix("sslpassword")],
            before in prop::collection::vec("[a-z]{1,8}=[a-z0-9]{0,8}", 0..3),
            after in prop::collection::vec("[a-z]{1,8}=[a-z0-9]{0,8}", 0..3),
            sep in prop::sample::select(vec!["&", ";"]),
        ) {
            let marker = format!("MK{marker}");
            let user = if in_user_info { format!("app:{marker}@") } else { "app@".into() };
            let mut params = before.clone();
            params.push(format!("{key}={marker}"));
            params.extend(after.iter().cloned());
            let url = format!("{scheme}://{user}db.example:5432/app?{}", params.join(sep));
            let shown = redact(&url);
            prop_assert!(!shown.contains(&marker), "{url} -> {shown}");
            prop_assert!(shown.contains("db.example:5432/app"), "{shown}");
            let msg = redact_in(&format!("error at {url}: {marker}"), &url);
            prop_assert!(!msg.contains(&marker), "{msg}");
        }
    }
}
