//! `alembix database create|drop`: the database the URL names, as sqlx-cli
//! has them. A server database is created or dropped from a connection to
//! the server's maintenance database; a SQLite database is its file.

use std::io::IsTerminal;

use alembix_migrate::Database;
use alembix_schema::Dialect;

use super::Project;
use crate::args::DatabaseAction;
use crate::error::{CliError, Res};

fn usage(message: String) -> CliError {
    CliError::from(alembix_migrate::Error::Usage(message))
}

/// The URL split into the server part (pointing at the maintenance
/// database) and the database name.
fn split(url: &str, dialect: Dialect) -> Res<(String, String)> {
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let (server, name) = base
        .rsplit_once('/')
        .filter(|(s, n)| !n.is_empty() && s.contains("://") && !s.ends_with(':'))
        .ok_or_else(|| {
            usage(format!(
                "the URL {} names no database: end it with /NAME",
                alembix_migrate::db::redact(url)
            ))
        })?;
    let maintenance = dialect.caps().maintenance_database.unwrap_or("");
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    Ok((format!("{server}/{maintenance}{q}"), name.to_string()))
}

/// Creates or drops the configured database.
pub(crate) async fn run(p: &Project, action: DatabaseAction) -> Res<i32> {
    let url = p.cfg.url()?;
    let dialect = crate::connect::dialect_of(&p.cfg)?;
    if dialect.caps().maintenance_database.is_none() {
        return sqlite(url, action);
    }
    let (server, name) = split(url, dialect)?;
    let db = Database::connect_existing(&server, p.cfg.connect_timeout).await?;
    let exists = db.database_exists(&name).await?;
    let q = dialect.quote_ident(&name);
    match action {
        DatabaseAction::Create if exists => println!("Database {name} already exists"),
        DatabaseAction::Create => {
            db.execute_raw(&format!("CREATE DATABASE {q}")).await?;
            println!("Created database {name}");
        }
        DatabaseAction::Drop { .. } if !exists => println!("Database {name} does not exist"),
        DatabaseAction::Drop { yes } => {
            if !confirm(&name, yes)? {
                eprintln!("Drop cancelled: nothing was dropped.");
                return Ok(2);
            }
            db.execute_raw(&format!("DROP DATABASE {q}")).await?;
            println!("Dropped database {name}");
        }
    }
    db.close().await;
    Ok(0)
}

/// A SQLite database is its file.
fn sqlite(url: &str, action: DatabaseAction) -> Res<i32> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|r| r.split('?').next().unwrap_or(r))
        .filter(|p| !p.is_empty() && !p.starts_with(":memory:"))
        .ok_or_else(|| {
            usage("an in-memory SQLite database has no file to create or drop".into())
        })?;
    let path = std::path::Path::new(path);
    let io = |e: std::io::Error| usage(format!("{}: {e}", path.display()));
    match action {
        DatabaseAction::Create if path.exists() => {
            println!("Database {} already exists", path.display());
        }
        DatabaseAction::Create => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            std::fs::File::create(path).map_err(io)?;
            println!("Created database {}", path.display());
        }
        DatabaseAction::Drop { .. } if !path.exists() => {
            println!("Database {} does not exist", path.display());
        }
        DatabaseAction::Drop { yes } => {
            if !confirm(&path.display().to_string(), yes)? {
                eprintln!("Drop cancelled: nothing was dropped.");
                return Ok(2);
            }
            std::fs::remove_file(path).map_err(io)?;
            for side in ["-wal", "-shm", ".alembix-lock"] {
                let mut p = path.as_os_str().to_owned();
                p.push(side);
                let _ = std::fs::remove_file(p);
            }
            println!("Dropped database {}", path.display());
        }
    }
    Ok(0)
}

/// Asks on a terminal; without one, `-y` is required.
fn confirm(name: &str, yes: bool) -> Res<bool> {
    if yes {
        return Ok(true);
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(usage(format!(
            "dropping {name} loses everything in it; pass -y to drop it without a terminal to ask on"
        )));
    }
    eprint!("Drop database {name} and everything in it? [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| usage(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}
