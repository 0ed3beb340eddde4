//! What the command reports as an error: printed after `error:` on stderr,
//! exit code 2.

use std::path::PathBuf;

use crate::config::ConfigError;
use crate::connect::UrlError;

/// An error the CLI reports (exit code 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The migration engine failed (revision files, targets, the database).
    #[error(transparent)]
    Engine(#[from] alembix_migrate::Error),

    /// Autogenerate failed (scanning models, reading the database, rendering).
    #[error(transparent)]
    Autogen(#[from] alembix_autogen::Error),

    /// The configuration is missing or wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The database URL does not say which SQL to write.
    #[error(transparent)]
    Url(#[from] UrlError),

    /// A file or directory could not be created, written or removed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: IoAction,
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },

    /// `init` where the config file already exists.
    #[error("{} already exists; edit it instead of running init again", .0.display())]
    AlreadyInitialised(PathBuf),

    /// The `models` globs match no file (comparing would drop every table).
    #[error(
        "no file matches `models` ({}) under {}; set `models` in alembix.toml to the Rust files with your #[derive(Model)] structs",
        patterns.join(", "),
        root.display()
    )]
    NoModelFiles {
        /// The `models` globs.
        patterns: Vec<String>,
        /// The directory they are relative to.
        root: PathBuf,
    },

    /// `autogen` or `diff` where the model files hold no model while the
    /// database holds tables (the ops would drop them all).
    #[error(
        "the files matched by `models` ({}) hold no #[derive(Model)] struct, so every table would be dropped; point `models` in alembix.toml at the files with your models, or pass --allow-empty if the tables are meant to go",
        patterns.join(", ")
    )]
    NoModels {
        /// The `models` globs.
        patterns: Vec<String>,
    },

    /// `autogen` whose revision would drop every table the database holds.
    #[error(
        "the revision would drop every table the database holds ({}) and the models describe none of them; check `models` in alembix.toml, or pass --allow-drop-all if that is meant",
        tables.join(", ")
    )]
    DropsEveryTable {
        /// The tables the revision would drop.
        tables: Vec<String>,
    },

    /// `autogen` on a database that is not at the head
    /// ([`alembix_migrate::Error::NotAtHead`]): the revision would not start
    /// from the head.
    #[error("{0} first, so the revision starts from the head")]
    AutogenNotAtHead(#[source] alembix_migrate::Error),

    /// `autogen` with several heads (labelled branches) and no `--head`.
    #[error(
        "there are {} heads ({}): say which one the revision continues with --head LABEL@head or --head REV",
        heads.len(),
        heads.iter().map(|(id, msg)| format!("{id} {msg}")).collect::<Vec<_>>().join("; ")
    )]
    AutogenWhichHead {
        /// Each head and its message.
        heads: Vec<(String, String)>,
    },
}

/// The file operation of [`CliError::Io`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoAction {
    /// Creating a directory.
    Create,
    /// Writing a file.
    Write,
    /// Removing a file.
    Remove,
}

impl std::fmt::Display for IoAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IoAction::Create => "create",
            IoAction::Write => "write",
            IoAction::Remove => "remove",
        })
    }
}

impl CliError {
    /// An I/O error with what was being done to which path.
    pub(crate) fn io(
        action: IoAction,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| CliError::Io {
            action,
            path,
            source,
        }
    }
}

/// Result with [`CliError`].
pub(crate) type Res<T> = Result<T, CliError>;
