//! `alembix lint`: checks revision SQL against rules that catch migrations
//! which lock tables, lose data or break running app versions.
//!
//! Each statement (split as the engine splits it) is parsed with
//! `sqlparser` for the revision's dialect; one it cannot parse gets an
//! [`rules::UNPARSED`] note and is not linted. The rules then match on the
//! statement's tokens: sqlparser's AST drops details the rules need, such
//! as `NOT VALID` or `ALGORITHM=`. Upgrade sections get
//! every rule; downgrade sections only the rules about running at all
//! (`transaction-control`, `concurrently-in-transaction`), since undoing a
//! revision drops what it made by nature.
//!
//! ```
//! use alembix_migrate::{Revision, lint};
//! use alembix_schema::Dialect::{self, Postgres};
//! let text = "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: m\n\n\
//!             -- migrate:upgrade\nCREATE INDEX ix ON users (email);\n";
//! let rev = Revision::parse("x.sql", text).unwrap();
//! let found = lint::lint_revision(&rev, Postgres, &[]).unwrap();
//! assert_eq!(found[0].rule.id, "non-concurrent-index");
//! assert_eq!(found[0].line, 6);
//! ```

mod checks;
mod checks_alter;
mod context;
pub(crate) mod dialect;
pub mod rules;
mod tokens;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use alembix_schema::Dialect;

use crate::error::Result;
use crate::revision::Revision;
use crate::step::Direction;
pub use rules::{Rule, Severity};

/// One rule firing on one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule that fired.
    pub rule: &'static Rule,
    /// The revision file.
    pub file: PathBuf,
    /// 1-based line in the file where the statement starts.
    pub line: usize,
    /// The revision id.
    pub revision: String,
    /// The statement's SQL.
    pub statement: String,
    /// What is wrong.
    pub message: String,
}

/// The dialect a revision's `-- dialect:` header line names, if any.
///
/// ```
/// use alembix_migrate::lint::header_dialect;
/// use alembix_schema::Dialect::{self, MySql};
/// assert_eq!(header_dialect("-- revision: x\n-- dialect: mysql\n\n-- migrate:upgrade\n"), Some(MySql));
/// assert_eq!(header_dialect("-- revision: x\n"), None);
/// ```
pub fn header_dialect(text: &str) -> Option<Dialect> {
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("--") else {
            break;
        };
        if let Some(v) = rest.trim().strip_prefix("dialect:") {
            let v = v.trim().to_ascii_lowercase();
            return Dialect::ALL
                .into_iter()
                .find(|d| d.caps().url_schemes.contains(&v.as_str()));
        }
    }
    None
}

/// Lints both sections of a revision. Findings for rules in `allow`, and
/// for statements preceded by `-- lint: allow ID[, ID]`, are left out.
pub fn lint_revision(rev: &Revision, dialect: Dialect, allow: &[String]) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    for direction in [Direction::Up, Direction::Down] {
        let mut ctx = context::Context::new(dialect, direction == Direction::Up);
        for step in rev.steps(direction, dialect)? {
            for st in &step.statements {
                let fired = ctx.lint(&st.sql, step.transactional);
                let allowed = allow_comment(rev, direction, st.line);
                for rule in fired {
                    if allow.iter().any(|a| a == rule.id) || allowed.iter().any(|a| a == rule.id) {
                        continue;
                    }
                    out.push(Finding {
                        rule,
                        file: rev.path.clone(),
                        line: st.line,
                        revision: rev.id.clone(),
                        statement: st.sql.clone(),
                        message: rule.danger.to_string(),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The ids of a `-- lint: allow ID[, ID]` line just before file line `line`.
fn allow_comment(rev: &Revision, direction: Direction, line: usize) -> Vec<String> {
    let start = rev.section_line(direction);
    if line < start + 1 {
        return Vec::new();
    }
    let Some(text) = rev.section(direction).lines().nth(line - 1 - start) else {
        return Vec::new();
    };
    let rest = text.trim().strip_prefix("--").map(str::trim_start);
    let Some(ids) = rest
        .and_then(|r| r.strip_prefix("lint:"))
        .map(str::trim_start)
    else {
        return Vec::new();
    };
    let Some(ids) = ids.strip_prefix("allow") else {
        return Vec::new();
    };
    ids.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
