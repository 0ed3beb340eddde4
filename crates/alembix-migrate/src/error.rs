//! One error type for the migration engine. Every variant is something a
//! user can cause and fix; the CLI prints it after `error:` and exits 2.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::step::Direction;

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while reading, planning or applying revisions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A revision file is malformed. `line` is 1-based.
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },

    /// The revision graph is inconsistent (duplicate id or label, missing
    /// parent, cycle). The message names the files involved.
    #[error("{0}")]
    Graph(String),

    /// A target cannot be resolved or a walk is ambiguous; the message says why.
    #[error("{0}")]
    Target(String),

    /// The version table names revisions that no file defines.
    #[error("{}", unknown_message(unknown, heads))]
    UnknownRevisions {
        unknown: Vec<String>,
        /// `(id, message)` of each head the files define.
        heads: Vec<(String, String)>,
    },

    /// The version table names a revision that a squash replaced.
    #[error(
        "the database is at revision {stamped}, which was squashed into {squashed_into} ({message}); \
         the squashed revision replaces {stamped} and the revisions around it, so it cannot be applied \
         from the middle of the run.\n\
         To continue: bring the database to the end of the squashed run with the revisions from \
         before the squash (check them out from version control) and run `alembix upgrade`, or, \
         once the schema is known to match {squashed_into}, run `alembix stamp {squashed_into} --purge`"
    )]
    Squashed {
        stamped: String,
        squashed_into: String,
        message: String,
    },

    /// `head` (or another single-head operation) was asked for while the
    /// graph has several heads.
    #[error("{}", heads_message(heads))]
    MultipleHeads {
        /// `(id, message)` of each head.
        heads: Vec<(String, String)>,
    },

    /// A statement of a revision failed (boxed: it is large).
    #[error("{0}")]
    Statement(Box<StatementFailure>),

    /// Another process held the migration lock for longer than the timeout.
    #[error(
        "timed out after {waited:?} waiting for the migration lock; another `alembix` process is \
         migrating this database. Wait for it to finish, or raise `lock_timeout`"
    )]
    LockTimeout { waited: Duration },

    /// A bad argument or configuration value.
    #[error("{0}")]
    Usage(String),

    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The database driver failed outside a revision's statements.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

fn list_heads(out: &mut String, heads: &[(String, String)]) {
    if heads.is_empty() {
        out.push_str("  (no revisions)\n");
    }
    for (id, msg) in heads {
        let _ = writeln!(out, "  {id}  {msg}");
    }
}

fn unknown_message(unknown: &[String], heads: &[(String, String)]) -> String {
    let mut s = format!(
        "the database is stamped at {} {} that no revision file defines \
         (a deleted branch or a renamed file?).\nKnown heads:\n",
        if unknown.len() == 1 {
            "revision"
        } else {
            "revisions"
        },
        unknown.join(", ")
    );
    list_heads(&mut s, heads);
    s.push_str(
        "Once the schema is known to match revision REV, run `alembix stamp REV --purge` \
         to replace the version table's rows",
    );
    s
}

fn heads_message(heads: &[(String, String)]) -> String {
    let mut s = format!("there are {} heads:\n", heads.len());
    list_heads(&mut s, heads);
    s.push_str(
        "Join them with `alembix merge heads -m \"...\"`, or name one (`alembix upgrade REV`) \
         or all (`alembix upgrade heads`)",
    );
    s
}

/// What [`Error::Statement`] reports.
#[derive(Debug)]
pub struct StatementFailure {
    pub path: PathBuf,
    pub revision: String,
    pub direction: Direction,
    /// 1-based position of the statement in its section.
    pub index: usize,
    /// 1-based line of the statement in the file.
    pub line: usize,
    pub statement: String,
    /// The database's message.
    pub message: String,
    /// True when the revision ran in a transaction that was rolled back.
    pub rolled_back: bool,
    /// Statements of this revision that ran and stayed (MySQL commits DDL
    /// as it goes, and `transaction: false` revisions).
    pub already_ran: Vec<String>,
}

impl std::fmt::Display for StatementFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let StatementFailure {
            path,
            revision,
            direction,
            index,
            line,
            statement,
            message,
            rolled_back,
            already_ran,
        } = self;
        write!(
            f,
            "{}:{line}: revision {revision} failed ({} statement {index}): {message}\n  statement: {}",
            path.display(),
            direction.as_str(),
            statement.trim()
        )?;
        if *rolled_back {
            write!(
                f,
                "\nThe revision was rolled back; the version table is at the last good revision"
            )
        } else if already_ran.is_empty() {
            write!(
                f,
                "\nNo statement of this revision had run; the version table is at the last good revision"
            )
        } else {
            write!(
                f,
                "\nThis database cannot roll DDL back: {} statement(s) of this revision already ran and stay applied:",
                already_ran.len()
            )?;
            for st in already_ran {
                write!(f, "\n  {}", st.trim())?;
            }
            write!(
                f,
                "\nThe version table is at the last good revision; undo or finish those statements by hand before running upgrade again"
            )
        }
    }
}
