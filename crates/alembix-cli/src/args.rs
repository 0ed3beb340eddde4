//! The command line as clap sees it: global options and one subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// Where a new revision goes and what it carries (`revision`, `autogen`).
#[derive(Debug, Args, Default)]
pub(crate) struct NewRevisionArgs {
    /// The parent revision (default: the head); `base` starts a new base;
    /// LABEL@head continues a labelled branch.
    #[arg(long)]
    pub head: Option<String>,
    /// A branch label for the new revision (repeat for several); name the
    /// branch's head later as LABEL@head.
    #[arg(long = "branch-label")]
    pub branch_label: Vec<String>,
    /// A revision (id, prefix or label) this one needs applied first
    /// without being its parent (repeat for several).
    #[arg(long = "depends-on")]
    pub depends_on: Vec<String>,
    /// Allow --head to name a revision that is not a head.
    #[arg(long)]
    pub splice: bool,
    /// The new revision's id (12 lowercase hex digits) instead of a random one.
    #[arg(long = "rev-id")]
    pub rev_id: Option<String>,
    /// The script directory to write it to (one of `migrations` and
    /// `version_locations`; default `migrations`).
    #[arg(long = "version-path")]
    pub version_path: Option<PathBuf>,
}

impl NewRevisionArgs {
    /// The engine's options for a revision with `message`.
    pub(crate) fn revision(&self, message: String) -> alembix_migrate::graph::NewRevision {
        alembix_migrate::graph::NewRevision {
            message,
            head: self.head.clone(),
            splice: self.splice,
            branch_labels: self.branch_label.clone(),
            depends_on: self.depends_on.clone(),
            rev_id: self.rev_id.clone(),
            created: None,
        }
    }
}

/// Formats of the pictures (`graph`, `erd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum PictureFormat {
    /// Graphviz: `alembix graph | dot -Tsvg > graph.svg`.
    #[default]
    Dot,
    /// A Mermaid flowchart or ER diagram, for a Markdown page.
    Mermaid,
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
    Init {
        /// The script directory to create and name in alembix.toml.
        dir: Option<PathBuf>,
    },
    /// Compare the models with the database and write a revision (the database must be at head).
    Autogen {
        /// The revision's message (also its file name's slug).
        #[arg(short, long)]
        message: String,
        #[command(flatten)]
        new: NewRevisionArgs,
        /// Accept model files that hold no model (the revision drops the tables).
        #[arg(long = "allow-empty")]
        allow_empty: bool,
        /// Accept a revision that drops every table the database holds.
        #[arg(long = "allow-drop-all")]
        allow_drop_all: bool,
    },
    /// Print the changes between the models and the database; write nothing.
    Diff {
        /// `text` (ops and each changed table's DDL as a diff) or `json`.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Accept model files that hold no model.
        #[arg(long = "allow-empty")]
        allow_empty: bool,
    },
    /// Write an empty revision to fill by hand.
    Revision {
        /// The revision's message (also its file name's slug).
        #[arg(short, long)]
        message: String,
        /// Fill it from the models as `autogen` does (Alembic's habit).
        #[arg(long)]
        autogenerate: bool,
        #[command(flatten)]
        new: NewRevisionArgs,
    },
    /// Apply revisions up to TARGET (default head).
    Upgrade {
        /// Where to go: head, heads, a revision or prefix, LABEL@head, +N,
        /// REV+N; with --sql a FROM:TO range (see `alembix help targets`).
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
        /// Where to go: base, a revision or prefix, -N, LABEL@-N, REV-N;
        /// with --sql a FROM:TO range (see `alembix help targets`).
        #[arg(allow_hyphen_values = true)]
        target: String,
        /// Print the SQL instead of running it (FROM:TO ranges).
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
        /// Each revision in full, the drift of applied revisions, and where
        /// the database URL came from.
        #[arg(short, long)]
        verbose: bool,
        /// Exit 1 (listing the heads not applied) unless the database is
        /// at every head.
        #[arg(long = "check-heads")]
        check_heads: bool,
        /// `text` or `json`.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The head revisions (reads files only).
    Heads {
        /// Each head in full.
        #[arg(short, long)]
        verbose: bool,
        /// Count a revision others depend on (depends_on) as not a head.
        #[arg(long = "resolve-dependencies")]
        resolve_dependencies: bool,
        /// `text` or `json`.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The branch points (reads files only).
    Branches {
        /// Each branch point in full.
        #[arg(short, long)]
        verbose: bool,
        /// `text` or `json`.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The revisions, newest first.
    History {
        /// A range FROM:TO, :TO or FROM: of targets (`current`, `-N` and
        /// `+N` are counted from the database's revisions and connect).
        #[arg(short = 'r', long = "rev-range", allow_hyphen_values = true)]
        rev_range: Option<String>,
        /// Connect to mark the revisions the database is at (and when each
        /// was applied); without it, history reads the files only.
        #[arg(short = 'i', long = "indicate-current")]
        indicate_current: bool,
        /// Draw the revision graph as `git log --graph` does (branch and
        /// merge points, labels; with -i the current revisions).
        #[arg(long)]
        graph: bool,
        /// Each revision in full.
        #[arg(short, long)]
        verbose: bool,
        /// `text` or `json`.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check revision SQL against the lint rules (reads files only).
    Lint {
        /// A range FROM:TO, :TO or FROM: (all revisions by default).
        #[arg(allow_hyphen_values = true)]
        range: Option<String>,
        /// `text` (file:line: severity[rule]: message) or `json`.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One revision (reads files only).
    Show {
        /// A revision, unique prefix, branch label or head.
        #[arg(allow_hyphen_values = true)]
        rev: String,
        /// `text` or `json`.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Open a revision's file in $VISUAL / $EDITOR.
    Edit {
        /// A revision, unique prefix, branch label or head.
        #[arg(allow_hyphen_values = true)]
        rev: String,
    },
    /// A merge revision joining heads (`heads` or two or more revisions).
    Merge {
        /// The merge revision's message.
        #[arg(short, long)]
        message: String,
        /// A branch label for the merge revision (repeat for several).
        #[arg(long = "branch-label")]
        branch_label: Vec<String>,
        /// The new revision's id (12 lowercase hex digits) instead of a random one.
        #[arg(long = "rev-id")]
        rev_id: Option<String>,
        /// The script directory to write it to (default `migrations`).
        #[arg(long = "version-path")]
        version_path: Option<PathBuf>,
        /// `heads`, or two or more heads (ids, prefixes or labels).
        #[arg(required = true)]
        revs: Vec<String>,
    },
    /// Set the version table without running SQL.
    Stamp {
        /// One or more targets (see `alembix help targets`); `base` empties it.
        #[arg(required = true)]
        targets: Vec<String>,
        /// Replace every row, even ones no file defines.
        #[arg(long)]
        purge: bool,
        /// Print the SQL instead of running it.
        #[arg(long)]
        sql: bool,
    },
    /// Create the version and log tables when they do not exist.
    #[command(alias = "ensure_version")]
    EnsureVersion {
        /// Print the SQL instead of running it.
        #[arg(long)]
        sql: bool,
    },
    /// Replace the linear run START..END by one revision (keeps END's id).
    Squash {
        /// The first revision of the run.
        start: String,
        /// The last revision of the run (its id is kept).
        end: String,
        /// The new revision's message.
        #[arg(short, long)]
        message: String,
        /// Delete the replaced files instead of moving them into `.squashed/`.
        #[arg(long)]
        delete: bool,
    },
    /// Exit 0 when scripts and database agree, 1 listing what differs.
    Check,
    /// For a database with tables but no version table: write a base
    /// revision that creates its schema, and stamp the database at it.
    Baseline {
        /// The revision's message.
        #[arg(short, long)]
        message: String,
    },
    /// Create or drop the database the URL names.
    Database {
        #[command(subcommand)]
        action: DatabaseAction,
    },
    /// Show or force-release the migration lock (`lock status`,
    /// `lock release --force`).
    Lock {
        #[command(subcommand)]
        action: LockAction,
    },
    /// Print the revision graph for Graphviz or Mermaid (reads files only).
    Graph {
        /// `dot` or `mermaid`.
        #[arg(long, value_enum, default_value_t)]
        format: PictureFormat,
    },
    /// Write `#[derive(Model)]` source for the live database (`models generate`).
    Models {
        #[command(subcommand)]
        action: ModelsAction,
    },
    /// Print the models' tables and foreign keys for Graphviz or Mermaid
    /// (reads the model files only).
    Erd {
        /// `dot` or `mermaid`.
        #[arg(long, value_enum, default_value_t)]
        format: PictureFormat,
    },
    /// How to name a revision: the TARGET forms, with examples.
    #[command(long_about = TARGETS_HELP)]
    Targets,
}

/// What `alembix models` does.
#[derive(Debug, Subcommand)]
pub(crate) enum ModelsAction {
    /// Write one `#[derive(Model)]` struct per table and one
    /// `#[derive(DbEnum)]` per enum of the live database, such that `alembix
    /// diff` is empty with them as the models.
    Generate {
        /// A `.rs` file, or a directory that gets a module per table and
        /// `mod.rs`; standard output when absent.
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
        /// Only the tables matching this glob (`*`, `?`; repeatable; a table
        /// outside PostgreSQL's `public` is matched as `schema.table`).
        #[arg(long = "tables", value_name = "GLOB")]
        tables: Vec<String>,
        /// Leave out the tables matching this glob (repeatable).
        #[arg(long = "exclude", value_name = "GLOB")]
        exclude: Vec<String>,
        /// Also write `parent_*()`/`children_*()` relation helpers along
        /// single-column foreign keys.
        #[arg(long = "with-relations")]
        with_relations: bool,
    },
}

/// What `alembix database` does.
#[derive(Debug, Subcommand)]
pub(crate) enum DatabaseAction {
    /// Create the database (a SQLite file); nothing to do when it exists.
    Create,
    /// Drop the database (delete a SQLite file) and everything in it.
    Drop {
        /// Do not ask; without a terminal, -y is required.
        #[arg(short = 'y', long)]
        yes: bool,
    },
}

/// `alembix lock ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum LockAction {
    /// Who holds the migration lock (holder, host, pid, acquired,
    /// expires), or "free".
    Status,
    /// Delete the table lock's lease row, whoever holds it (only with
    /// --force: a run still going loses its lock and stops).
    Release {
        /// Really delete the row.
        #[arg(long)]
        force: bool,
    },
}

/// `alembix help targets`.
pub(crate) const TARGETS_HELP: &str = "\
How to name a revision (TARGET), as Alembic does:

  head            the single head (an error when there are several)
  heads           every head
  base            before the first revision (downgrade base: revert all)
  3f2a9c1b7d4e    a revision id
  3f2a            a unique prefix of 4 or more hex digits
  billing         a branch label: the revision that carries it
  billing@head    the head of the branch labelled billing
  +2              two revisions up from the current one (upgrade +2)
  -1              one revision down (downgrade -1; with several current
                  heads, name one: billing@-1 or a revision)
  3f2a+1          one revision after 3f2a; 3f2a-1: one before it
  billing@-1      one revision down on the branch billing

Ranges (history -r, lint, upgrade/downgrade --sql): FROM:TO, :TO, FROM:
with any of the forms above and `current` (the database's revisions):

  alembix history -r 3f2a:head
  alembix history -r current:        (connects to read `current`)
  alembix lint base:head
  alembix upgrade 1a2b:3f2a --sql    offline script from 1a2b to 3f2a
  alembix downgrade head:base --sql
";
