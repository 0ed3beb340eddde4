//! `alembix init`: writes `alembix.toml` and creates the script directory.

use std::path::Path;

use alembix_migrate::{DEFAULT_LOG_TABLE, DEFAULT_VERSION_TABLE};

use crate::config::{self, DEFAULT_MIGRATIONS, working_dir};
use crate::error::{CliError, IoAction, Res};

/// Runs `init` (no config needs to exist); `url` (from `--database-url`)
/// is written as `database_url`, else the key is left as a comment.
pub(crate) fn run(explicit: Option<&Path>, dir: Option<&Path>, url: Option<&str>) -> Res<i32> {
    let cwd = working_dir()?;
    let file = explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.join(config::FILE_NAME));
    if file.exists() {
        return Err(CliError::AlreadyInitialised(file));
    }
    let root = file.parent().unwrap_or(&cwd).to_path_buf();
    let scripts = dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| DEFAULT_MIGRATIONS.into());
    let scripts_str = scripts.to_string_lossy().replace('\\', "/");
    let url_line = match url {
        Some(u) => format!("database_url = {}", toml_string(u)),
        None => "# database_url = \"postgres://user@localhost/app\"   # DATABASE_URL (environment, .env) wins over it".into(),
    };
    let text = format!(
        "# Alembix configuration. Paths are relative to this file.\n\
         {url_line}\n\
         migrations = \"{scripts_str}\"\n\
         # models = [\"src/**/*.rs\"]                     # Rust files autogen reads models from\n\
         # version_table = \"{DEFAULT_VERSION_TABLE}\"\n\
         # log_table = \"{DEFAULT_LOG_TABLE}\"\n\
         # online_ddl = true                            # PostgreSQL CONCURRENTLY / NOT VALID, MySQL ALGORITHM on existing tables\n\
         # statements_per_step = 200                    # autogen's transactional steps (default 200 on PostgreSQL, else no limit)\n\
         # lock_timeout = \"5s\"                          # how long one statement may wait for a table lock\n\
         # statement_timeout = \"10m\"                    # how long one statement may run (PostgreSQL; default: no limit)\n\
         # lock_retries = 5                              # tries again after a lock timeout, with backoff\n\
         # lock_wait = \"10m\"                            # wait for another migration's lock\n\
         # lock = \"advisory\"                            # \"table\": a lease row in alembix_lock (PgBouncer, clusters)\n\
         # lock_lease = \"30s\"                           # lock = \"table\": a killed run's lease runs out after this\n\
         # connect_timeout = \"5s\"                       # wait for the server to accept a connection\n\
         # exclude_tables = []                           # globs of tables autogen leaves alone\n"
    );
    let scripts_abs = root.join(&scripts);
    std::fs::create_dir_all(&scripts_abs).map_err(CliError::io(IoAction::Create, &scripts_abs))?;
    std::fs::write(&file, text).map_err(CliError::io(IoAction::Write, &file))?;
    println!("Created {} and {}", file.display(), scripts_abs.display());
    Ok(0)
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
