//! Steps of a section: `-- step: transaction` / `-- step: no-transaction`
//! marker lines split a section into parts that each commit on their own.

use crate::error::{Error, Result};
use crate::split::Statement;
use crate::step::Direction;

use super::Revision;

/// The marker line that starts a step, without its value.
pub(crate) const STEP_PREFIX: &str = "-- step:";

/// One step of a section: statements that commit together (transactional)
/// or one by one (no-transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionStep {
    /// True for a transactional step.
    pub transactional: bool,
    /// 1-based number of the step's first statement in the section.
    pub first: usize,
    /// The step's statements, with their lines in the file.
    pub statements: Vec<Statement>,
}

impl SectionStep {
    /// 1-based number of the step's last statement in the section
    /// (`first - 1` when the step is empty).
    pub fn last(&self) -> usize {
        self.first + self.statements.len() - 1
    }
}

/// What a `-- step:` line says: `Some(Ok(transactional))`, `Some(Err(value))`
/// for an unknown value, `None` when the line is no step marker.
pub(crate) fn step_marker(line: &str) -> Option<std::result::Result<bool, String>> {
    let value = line.trim().strip_prefix(STEP_PREFIX)?.trim();
    Some(match value {
        "transaction" => Ok(true),
        "no-transaction" => Ok(false),
        other => Err(other.to_string()),
    })
}

/// True for a `-- statement: begin` (`Some(true)`) or `end` (`Some(false)`) line.
pub(super) fn statement_block(line: &str) -> Option<bool> {
    let rest = line.trim().strip_prefix("--")?.trim_start();
    let value = rest.strip_prefix("statement:")?.trim();
    match value {
        "begin" => Some(true),
        "end" => Some(false),
        _ => None,
    }
}

/// The parts of a section's text between step markers: `(transactional,
/// 0-based line where the part starts, text)`. Markers inside a
/// `-- statement: begin/end` block are part of the block.
pub(crate) fn parts(text: &str, first_transactional: bool) -> Vec<(bool, usize, String)> {
    let mut out = vec![(first_transactional, 0, String::new())];
    let mut in_block = false;
    for (n, line) in text.lines().enumerate() {
        match statement_block(line) {
            Some(true) => in_block = true,
            Some(false) => in_block = false,
            None => {}
        }
        if !in_block && let Some(Ok(tx)) = step_marker(line) {
            out.push((tx, n + 1, String::new()));
            continue;
        }
        let part = &mut out.last_mut().expect("never empty").2;
        part.push_str(line);
        part.push('\n');
    }
    out
}

impl Revision {
    /// Fails with [`Error::WrongDialect`] when the `-- dialect:` header
    /// names a backend other than `dialect`.
    ///
    /// ```
    /// use alembix_migrate::Revision;
    /// use alembix_schema::Dialect;
    /// let text = "-- revision: aaaaaaaaaaaa\n-- down_revision:\n-- dialect: postgres\n-- migrate:upgrade\nSELECT 1;\n";
    /// let rev = Revision::parse("a.sql", text).unwrap();
    /// assert!(rev.check_dialect(Dialect::Postgres).is_ok());
    /// let err = rev.check_dialect(Dialect::Sqlite).unwrap_err().to_string();
    /// assert!(err.contains("is written for PostgreSQL"), "{err}");
    /// ```
    pub fn check_dialect(&self, dialect: alembix_schema::Dialect) -> Result<()> {
        match self.dialect {
            Some(written) if written != dialect => Err(Error::WrongDialect {
                revision: self.id.clone(),
                path: self.path.clone(),
                written,
                running: dialect,
            }),
            _ => Ok(()),
        }
    }

    /// A section's steps, each with its statements split by the dialect's
    /// rules and numbered in the section (from 1). Statements before the
    /// first marker form a transactional step, or a no-transaction one when
    /// the header says `transaction: false`; empty steps are dropped.
    ///
    /// ```
    /// use alembix_migrate::{Revision, Direction};
    /// use alembix_schema::Dialect::{self, Postgres};
    /// let text = "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: m\n\n-- migrate:upgrade\n\
    ///             ALTER TABLE t ADD COLUMN s text;\n-- step: no-transaction\n\
    ///             CREATE INDEX CONCURRENTLY ix ON t (s);\n-- step: transaction\nUPDATE t SET s = '';\n";
    /// let rev = Revision::parse("x.sql", text).unwrap();
    /// let steps = rev.steps(Direction::Up, Postgres).unwrap();
    /// assert_eq!(steps.len(), 3);
    /// assert!(!steps[1].transactional);
    /// assert_eq!((steps[2].first, steps[2].statements[0].line), (3, 10));
    /// ```
    pub fn steps(
        &self,
        direction: Direction,
        dialect: alembix_schema::Dialect,
    ) -> Result<Vec<SectionStep>> {
        self.check_dialect(dialect)?;
        let first_line = self.section_line(direction);
        let mut steps = Vec::new();
        let mut next = 1;
        for (transactional, start, text) in parts(self.section(direction), self.transactional) {
            let mut statements = match crate::split::try_split_for(&text, dialect) {
                Ok(s) => s,
                Err(e) => {
                    return Err(Error::Parse {
                        path: self.path.clone(),
                        line: first_line + start + e.line - 1,
                        message: e.message,
                    });
                }
            };
            for st in &mut statements {
                st.line += first_line + start - 1;
                // A `-- statement:` block is kept as written: its own
                // final `;` would be an empty statement after it.
                let kept = st.sql.trim_end().trim_end_matches(';').trim_end().len();
                st.sql.truncate(kept);
            }
            if statements.is_empty() {
                continue;
            }
            let first = next;
            next += statements.len();
            steps.push(SectionStep {
                transactional,
                first,
                statements,
            });
        }
        Ok(steps)
    }
}
