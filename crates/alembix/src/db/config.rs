//! [`Db::builder_from_config`]: the primary's and the replicas' URLs from
//! `alembix.toml`, the file the `alembix` command reads, so that a service
//! and its migrations name their servers in one place.

use std::path::Path;

use serde::Deserialize;

use super::{Db, DbBuilder};
use crate::error::{Error, Result};

/// The keys of `alembix.toml` the runtime reads; the others are the
/// command's and are ignored here.
#[derive(Debug, Default, Deserialize)]
struct Urls {
    database_url: Option<String>,
    replica_urls: Option<Vec<String>>,
}

impl Db {
    /// A [`DbBuilder`] for the servers `alembix.toml` names:
    ///
    /// * the primary: `DATABASE_URL` from the environment, else the file's
    ///   `database_url` (as the `alembix` command chooses it);
    /// * the read replicas: `DATABASE_REPLICA_URLS` from the environment
    ///   (URLs separated by commas), else the file's `replica_urls` (a list;
    ///   none when absent).
    ///
    /// Blank values count as unset. Migrations never use the replicas: the
    /// `alembix` command connects to the primary only. A file that cannot
    /// be read or parsed, or no primary URL, is an [`Error::Usage`] that
    /// says which.
    ///
    /// ```no_run
    /// # async fn run() -> alembix::Result<()> {
    /// // alembix.toml:
    /// //   database_url = "postgres://app@primary/app"
    /// //   replica_urls = ["postgres://app@replica-1/app", "postgres://app@replica-2/app"]
    /// let db = alembix::Db::builder_from_config("alembix.toml")?.connect().await?;
    /// # let _ = db; Ok(()) }
    /// ```
    pub fn builder_from_config(path: impl AsRef<Path>) -> Result<DbBuilder> {
        from_config(path.as_ref(), |key| std::env::var(key).ok())
    }
}

/// [`Db::builder_from_config`] with the environment given as a lookup.
fn from_config(path: &Path, env: impl Fn(&str) -> Option<String>) -> Result<DbBuilder> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::Usage(format!(
            "cannot read {shown}: {e}; pass the path of the project's alembix.toml"
        ))
    })?;
    let urls: Urls = toml::from_str(&text)
        .map_err(|e| Error::Usage(format!("{shown} is not valid TOML: {}", e.message())))?;
    let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let primary = set(env("DATABASE_URL"))
        .or_else(|| set(urls.database_url))
        .ok_or_else(|| {
            Error::Usage(format!(
                "no database URL: set DATABASE_URL, or database_url in {shown}"
            ))
        })?;
    let replicas: Vec<String> = match set(env("DATABASE_REPLICA_URLS")) {
        Some(list) => list.split(',').map(str::trim).map(String::from).collect(),
        None => urls.replica_urls.unwrap_or_default(),
    };
    let mut builder = Db::builder(&primary);
    for url in replicas.iter().filter(|u| !u.trim().is_empty()) {
        builder = builder.replica(url.trim());
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alembix.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn urls(b: &DbBuilder) -> (String, Vec<String>) {
        (b.primary_url().to_string(), b.replica_urls().to_vec())
    }

    #[test]
    fn file_then_environment() {
        let (_d, path) = file(
            "database_url = \"postgres://a/app\"\nreplica_urls = [\"postgres://r1/app\", \"postgres://r2/app\"]\nlock = \"table\"\n",
        );
        let none = |_: &str| None;
        let b = from_config(&path, none).unwrap();
        assert_eq!(
            urls(&b),
            (
                "postgres://a/app".into(),
                vec!["postgres://r1/app".into(), "postgres://r2/app".into()]
            )
        );
        let env = |k: &str| match k {
            "DATABASE_URL" => Some("postgres://b/app".to_string()),
            "DATABASE_REPLICA_URLS" => Some(" postgres://r3/app , postgres://r4/app".to_string()),
            _ => None,
        };
        let b = from_config(&path, env).unwrap();
        assert_eq!(
            urls(&b),
            (
                "postgres://b/app".into(),
                vec!["postgres://r3/app".into(), "postgres://r4/app".into()]
            )
        );
        // Blank environment values count as unset.
        let blank = |_: &str| Some("  ".to_string());
        assert_eq!(
            urls(&from_config(&path, blank).unwrap()).0,
            "postgres://a/app"
        );
    }

    #[test]
    fn errors_say_what_to_do() {
        let none = |_: &str| None;
        let (_d, path) = file("replica_urls = [\"postgres://r1/app\"]\n");
        let err = from_config(&path, none).unwrap_err().to_string();
        assert!(
            err.contains("no database URL") && err.contains("DATABASE_URL"),
            "{err}"
        );
        let (_d, path) = file("database_url = [1\n");
        let err = from_config(&path, none).unwrap_err().to_string();
        assert!(err.contains("is not valid TOML"), "{err}");
        let err = from_config(Path::new("/nonexistent/alembix.toml"), none)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cannot read /nonexistent/alembix.toml"),
            "{err}"
        );
    }
}
