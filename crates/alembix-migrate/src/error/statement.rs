//! The report of a failed statement: where, what ran, and what stayed applied.

use std::path::PathBuf;

use crate::step::Direction;

/// What [`Error::Statement`](super::Error::Statement) reports.
#[derive(Debug)]
pub struct StatementFailure {
    /// The revision's file.
    pub path: PathBuf,
    /// The revision's id.
    pub revision: String,
    /// The section that ran.
    pub direction: Direction,
    /// 1-based position of the statement in its section.
    pub index: usize,
    /// 1-based line of the statement in the file.
    pub line: usize,
    /// The statement's SQL.
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
