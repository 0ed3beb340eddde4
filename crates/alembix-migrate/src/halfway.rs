//! A database half-way through a revision: what the log says finished,
//! what comes next, and what to do about it.

use std::path::PathBuf;

use serde::Serialize;

use crate::db::ProgressRow;
use crate::graph::RevisionGraph;
use crate::step::Direction;

/// The next statement a resumed run would run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStatement {
    /// 1-based number of the statement in its section.
    pub number: usize,
    /// 1-based step it belongs to.
    pub step: usize,
    /// 1-based line in the file.
    pub line: usize,
    /// Its SQL.
    pub sql: String,
}

/// A revision run that stopped (killed or failed) after part of it
/// committed: the database is between two revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HalfWay {
    /// The revision's id.
    pub revision: String,
    /// The section that was running.
    pub direction: Direction,
    /// The revision's file (empty when no file defines it).
    pub path: PathBuf,
    /// Steps that finished.
    pub steps_done: usize,
    /// Steps of the section.
    pub steps: usize,
    /// Statements that finished (numbered from 1 in the section).
    pub statements_done: usize,
    /// Statements of the section.
    pub statements: usize,
    /// Statements skipped with `--skip-statement`.
    pub skipped: Vec<usize>,
    /// The statement a resumed run starts with (`None`: every statement
    /// finished; only the version table was not moved).
    pub next: Option<NextStatement>,
    /// The section's text changed since the run started.
    pub file_changed: bool,
}

impl HalfWay {
    /// The half-way state of a log row, with the graph's file for it.
    pub(crate) fn of(
        graph: &RevisionGraph,
        row: &ProgressRow,
        dialect: alembix_schema::Dialect,
    ) -> HalfWay {
        let rev = graph.get(&row.revision);
        let parts = rev
            .and_then(|r| r.steps(row.direction, dialect).ok())
            .unwrap_or_default();
        let next = parts.iter().enumerate().find_map(|(k, p)| {
            let n = row.statements_done + 1;
            (p.first <= n && n <= p.last()).then(|| NextStatement {
                number: n,
                step: k + 1,
                line: p.statements[n - p.first].line,
                sql: p.statements[n - p.first].sql.clone(),
            })
        });
        HalfWay {
            revision: row.revision.clone(),
            direction: row.direction,
            path: rev.map(|r| r.path.clone()).unwrap_or_default(),
            steps_done: row.steps_done,
            steps: parts.len(),
            statements_done: row.statements_done,
            statements: parts.last().map_or(0, |p| p.last()),
            skipped: row.skipped.clone(),
            next,
            file_changed: rev.is_some_and(|r| r.checksum(row.direction) != row.checksum),
        }
    }

    /// The one-line summary: which revision, how far.
    pub fn summary(&self) -> String {
        let total = self.statements;
        let finished = match self.statements_done {
            0 => format!("no statement of {total} finished"),
            1 => format!("statement 1 of {total} finished"),
            n => format!("statements 1-{n} of {total} finished"),
        };
        let skipped = if self.skipped.is_empty() {
            String::new()
        } else {
            let n: Vec<String> = self.skipped.iter().map(|n| n.to_string()).collect();
            format!(" (skipped by hand: {})", n.join(", "))
        };
        format!(
            "the database is half-way through revision {} ({}, {}): {finished}{skipped}, {} of {} step(s) done",
            self.revision,
            self.direction.as_str(),
            self.path.display(),
            self.steps_done,
            self.steps
        )
    }
}

impl std::fmt::Display for HalfWay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dir = self.direction.as_str();
        write!(f, "{}", self.summary())?;
        match &self.next {
            Some(n) => write!(
                f,
                "\n  not run yet: statement {} (step {}, line {}): {}\n\
                 Run `alembix {dir}` with the same target to resume at statement {}; if you ran or undid it by hand, \
                 `alembix {dir} TARGET --skip-statement` skips it; `alembix stamp REV` clears the half-way mark once \
                 the schema is known to match REV",
                n.number,
                n.step,
                n.line,
                n.sql.trim(),
                n.number
            )?,
            None => write!(
                f,
                "\n  every statement finished; only the version table was not moved: run `alembix {dir}` with the same target to finish it"
            )?,
        }
        if self.file_changed {
            write!(
                f,
                "\n  note: the revision's {dir} section changed since this run started"
            )?;
        }
        Ok(())
    }
}
