//! The command line as clap sees it: global options and one subcommand.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "alembix",
    version,
    about = "Migrations for PostgreSQL, MySQL/MariaDB and SQLite: a revision graph applied with upgrade/downgrade"
)]
pub(crate) struct Cli {
    /// The config file (default: alembix.toml in this directory or an ancestor).
    #[arg(short = 'c', long = "config", global = true)]
    pub config: Option<PathBuf>,
    /// The database URL (default: the DATABASE_URL environment variable, then DATABASE_URL in .env, then database_url in alembix.toml).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats of the inspecting commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write alembix.toml and the script directory (default `migrations`).
    Init { dir: Option<PathBuf> },
    /// Compare the models with the database and write a revision (the database must be at head).
    Autogen {
        #[arg(short, long)]
        message: String,
        /// Accept model files that hold no model (the revision drops the tables).
        #[arg(long = "allow-empty")]
        allow_empty: bool,
        /// Accept a revision that drops every table the database holds.
        #[arg(long = "allow-drop-all")]
        allow_drop_all: bool,
    },
    /// Print the changes between the models and the database; write nothing.
    Diff {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Accept model files that hold no model.
        #[arg(long = "allow-empty")]
        allow_empty: bool,
    },
    /// Write an empty revision to fill by hand.
    Revision {
        #[arg(short, long)]
        message: String,
        /// The parent revision (default: the head); `base` starts a new base.
        #[arg(long)]
        head: Option<String>,
        #[arg(long = "branch-label")]
        branch_label: Vec<String>,
        #[arg(long = "depends-on")]
        depends_on: Vec<String>,
        /// Allow --head to name a revision that is not a head.
        #[arg(long)]
        splice: bool,
        #[arg(long = "rev-id")]
        rev_id: Option<String>,
    },
    /// Apply revisions up to TARGET (default head).
    Upgrade {
        #[arg(allow_hyphen_values = true)]
        target: Option<String>,
        /// Print the SQL instead of running it (FROM:TO ranges).
        #[arg(long)]
        sql: bool,
        /// The database is half-way through a revision and its next
        /// statement was applied or undone by hand: record it as done
        /// without running it, then resume.
        #[arg(long = "skip-statement")]
        skip_statement: bool,
    },
    /// Revert revisions down to TARGET.
    Downgrade {
        #[arg(allow_hyphen_values = true)]
        target: String,
        #[arg(long)]
        sql: bool,
        /// As for upgrade: skip the next statement of a half-way downgrade.
        #[arg(long = "skip-statement")]
        skip_statement: bool,
        /// Do not ask before a downgrade whose revisions warn of data loss.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// The revisions the database is at.
    Current {
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The head revisions.
    Heads {
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The branch points.
    Branches {
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The revisions, newest first.
    History {
        /// A range FROM:TO, :TO or FROM: (targets or `current`).
        #[arg(short = 'r', long = "rev-range")]
        rev_range: Option<String>,
        /// Connect to mark the revisions the database is at (and when each
        /// was applied); without it, history reads the files only.
        #[arg(short = 'i', long = "indicate-current")]
        indicate_current: bool,
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check revision SQL against the lint rules (reads files only).
    Lint {
        /// A range FROM:TO, :TO or FROM: (all revisions by default).
        range: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One revision.
    Show {
        #[arg(allow_hyphen_values = true)]
        rev: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// A merge revision joining heads (`heads` or two or more revisions).
    Merge {
        #[arg(short, long)]
        message: String,
        #[arg(required = true)]
        revs: Vec<String>,
    },
    /// Set the version table without running SQL.
    Stamp {
        #[arg(required = true)]
        targets: Vec<String>,
        /// Replace every row, even ones no file defines.
        #[arg(long)]
        purge: bool,
        #[arg(long)]
        sql: bool,
    },
    /// Replace the linear run START..END by one revision (keeps END's id).
    Squash {
        start: String,
        end: String,
        #[arg(short, long)]
        message: String,
        /// Delete the replaced files instead of moving them into `.squashed/`.
        #[arg(long)]
        delete: bool,
    },
    /// Exit 0 when scripts and database agree, 1 listing what differs.
    Check,
}
