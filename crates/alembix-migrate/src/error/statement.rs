//! The report of a failed statement: where, what ran, what stayed applied
//! and what was really rolled back.

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
    /// What to do about this kind of failure, when there is more to say
    /// than the database's message (an online `ALTER` clause the server
    /// refused).
    pub hint: Option<String>,
    /// True when statements of this run were undone by a rollback
    /// (listed in `undone`).
    pub rolled_back: bool,
    /// Statements of this revision that committed and stay applied (the
    /// log records them as finished), with their numbers.
    pub already_ran: Vec<(usize, String)>,
    /// Statements that ran in this attempt and were rolled back.
    pub undone: Vec<(usize, String)>,
    /// Statements committed implicitly when the failing DDL statement
    /// started (MySQL/MariaDB commit open work before DDL, even DDL that fails).
    pub implicit: Vec<usize>,
    /// 1-based step of the failing statement.
    pub step: usize,
    /// Steps of the section.
    pub steps: usize,
    /// Statements of the section.
    pub statements: usize,
    /// Statements skipped with `--skip-statement`.
    pub skipped: Vec<usize>,
    /// The backend's name.
    pub backend: &'static str,
}

fn numbers(list: &[usize]) -> String {
    let n: Vec<String> = list.iter().map(|n| n.to_string()).collect();
    n.join(", ")
}

impl StatementFailure {
    fn write_kept(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\n{} statement(s) of this revision already ran and stay applied (committed):",
            self.already_ran.len()
        )?;
        for (n, st) in &self.already_ran {
            let note = if self.skipped.contains(n) {
                " (skipped by hand)"
            } else {
                ""
            };
            write!(f, "\n  {n}: {}{note}", st.trim())?;
        }
        if !self.implicit.is_empty() {
            write!(
                f,
                "\nStatement(s) {} committed when the failing DDL statement {} started: {} commits the open transaction before DDL, even DDL that fails",
                numbers(&self.implicit),
                self.index,
                self.backend
            )?;
        }
        let dir = self.direction.as_str();
        let next = self.already_ran.len() + 1;
        write!(
            f,
            "\nThe database is half-way through revision {} ({dir}): statements 1-{} of {} finished, statement {next} did not; the version table is at the last good revision.\n\
             Fix the cause and run `alembix {dir}` with the same target again to resume at statement {next}; \
             if you ran or undid statement {next} by hand, `alembix {dir} TARGET --skip-statement` skips it; \
             `alembix stamp REV` clears the half-way mark once the schema is known to match REV",
            self.revision,
            self.already_ran.len(),
            self.statements
        )
    }
}

impl StatementFailure {
    /// `statement N of M, step K of S`.
    pub(super) fn position(&self) -> String {
        format!(
            "{} statement {} of {}, step {} of {}",
            self.direction.as_str(),
            self.index,
            self.statements,
            self.step,
            self.steps
        )
    }

    /// What was rolled back and what stays applied, after the lines that
    /// name the failure.
    pub(super) fn write_state(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.rolled_back {
            let undone: Vec<usize> = self.undone.iter().map(|(n, _)| *n).collect();
            write!(
                f,
                "\nRolled back: the transaction of step {} undid statement(s) {}",
                self.step,
                numbers(&undone)
            )?;
        }
        if !self.already_ran.is_empty() {
            self.write_kept(f)
        } else if self.rolled_back {
            write!(
                f,
                "\nThe revision was rolled back; the version table is at the last good revision"
            )
        } else {
            write!(
                f,
                "\nNo statement of this revision had run; the version table is at the last good revision"
            )
        }
    }
}

impl std::fmt::Display for StatementFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: revision {} failed ({}): {}\n  statement: {}",
            self.path.display(),
            self.line,
            self.revision,
            self.position(),
            self.message,
            self.statement.trim()
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  {hint}")?;
        }
        self.write_state(f)
    }
}
