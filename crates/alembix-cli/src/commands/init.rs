//! `alembix init`: writes `alembix.toml` and creates the script directory.

use std::path::Path;

use alembix_migrate::{DEFAULT_LOG_TABLE, DEFAULT_VERSION_TABLE};

use crate::config::{self, DEFAULT_MIGRATIONS, working_dir};
use crate::error::{CliError, IoAction, Res};

/// Runs `init` (no config needs to exist).
pub(crate) fn run(explicit: Option<&Path>, dir: Option<&Path>) -> Res<i32> {
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
    let text = format!(
        "# Alembix configuration. Paths are relative to this file.\n\
         # database_url = \"postgres://user@localhost/app\"   # default: the DATABASE_URL variable\n\
         migrations = \"{scripts_str}\"\n\
         # models = [\"src/**/*.rs\"]                     # Rust files autogen reads models from\n\
         # version_table = \"{DEFAULT_VERSION_TABLE}\"\n\
         # log_table = \"{DEFAULT_LOG_TABLE}\"\n\
         # online_ddl = true                            # PostgreSQL CONCURRENTLY / NOT VALID, MySQL ALGORITHM on existing tables\n\
         # lock_timeout = \"5s\"                          # how long one statement may wait for a table lock\n\
         # statement_timeout = \"10m\"                    # how long one statement may run (PostgreSQL; default: no limit)\n\
         # lock_retries = 5                              # tries again after a lock timeout, with backoff\n\
         # lock_wait = \"10m\"                            # wait for another migration's lock\n\
         # connect_timeout = \"5s\"                       # wait for the server to accept a connection\n\
         # exclude_tables = []                           # globs of tables autogen leaves alone\n"
    );
    let scripts_abs = root.join(&scripts);
    std::fs::create_dir_all(&scripts_abs).map_err(CliError::io(IoAction::Create, &scripts_abs))?;
    std::fs::write(&file, text).map_err(CliError::io(IoAction::Write, &file))?;
    println!("Created {} and {}", file.display(), scripts_abs.display());
    Ok(0)
}
