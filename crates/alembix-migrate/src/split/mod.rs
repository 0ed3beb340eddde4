//! Splitting a section's SQL into statements, so each runs alone and a
//! failure can name its statement and line.
//!
//! Two entry points:
//!
//! - [`split_for`] / [`try_split_for`] follow one backend's lexical rules
//!   (read from [`alembix_schema::SqlDialect`]): strings (with MySQL's
//!   backslash escapes, PostgreSQL's `E'...'`), quoted identifiers, `--`,
//!   `/* */` (nested on PostgreSQL) and MySQL `#` comments, PostgreSQL dollar
//!   quoting, MySQL's `DELIMITER`, and `BEGIN ... END` bodies: SQLite
//!   `CREATE TRIGGER`, PostgreSQL `BEGIN ATOMIC`, MySQL/MariaDB compound
//!   statements in `CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT`. A plain
//!   `BEGIN;` transaction opens no body.
//! - [`split_statements`] keeps the rules this module always had
//!   (PostgreSQL/SQLite-compatible, for every backend), with the same results.
//!
//! All of them take one pass over the text (time linear in its length).
//!
//! **Escape hatch.** With [`split_for`]/[`try_split_for`], the text between a
//! line `-- statement: begin` and a line `-- statement: end` is one statement,
//! sent exactly as written (without the marker lines and the line break before
//! the end marker); its line is the one after `-- statement: begin`. A marker
//! line ends any statement before it. The splitter does not look inside: the
//! first `-- statement: end` line closes the block.
//!
//! ```
//! use alembix_migrate::split::split_for;
//! use alembix_schema::Dialect::{self, MySql};
//! let sql = "DROP TABLE IF EXISTS t;\n-- statement: begin\nCREATE PROCEDURE p() SELECT 'a;b'\n-- statement: end\n";
//! let s = split_for(sql, MySql);
//! assert_eq!(s.len(), 2);
//! assert_eq!(s[1].sql, "CREATE PROCEDURE p() SELECT 'a;b'");
//! assert_eq!(s[1].line, 3);
//! ```
//!
//! **Limits.** A MySQL routine whose body is a bare `IF`/`LOOP`/... without
//! `BEGIN` is only followed after a trigger's `FOR EACH ROW` and an event's
//! `DO`; elsewhere wrap it in `BEGIN ... END` or in the escape hatch.

mod blocks;
mod compat;
mod lex;
mod scan;

#[cfg(test)]
mod tests;

use alembix_schema::Dialect;

/// One statement of a section, with the 1-based line (within the section) where it starts.
///
/// ```
/// use alembix_migrate::split::{Statement, split_statements};
/// assert_eq!(
///     split_statements("\n  SELECT 1;"),
///     vec![Statement { sql: "SELECT 1".into(), line: 2 }]
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement without its final `;`, leading comments kept out.
    pub sql: String,
    /// 1-based line within the section where it starts.
    pub line: usize,
}

/// A section [`try_split_for`] cannot split: a `-- statement: begin` without
/// its `end` (or the reverse), or a `DELIMITER` without a delimiter.
///
/// ```
/// use alembix_schema::Dialect::{Postgres};
/// use alembix_migrate::split::try_split_for;
/// use alembix_schema::Dialect;
/// let e = try_split_for("SELECT 1;\n-- statement: begin\nSELECT 2;\n", Postgres).unwrap_err();
/// assert_eq!(e.line, 2);
/// assert!(e.to_string().starts_with("line 2: `-- statement: begin` is not closed"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// 1-based line within the section.
    pub line: usize,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for SplitError {}

/// Splits SQL text at top-level `;` with the rules it always had: quotes
/// (`'`, `"`, `` ` ``, `E'...'`), `--` and nested `/* */` comments, dollar
/// quoting and `CREATE TRIGGER ... BEGIN ... END` bodies. Comment-only pieces
/// are dropped. `-- statement:` markers and `DELIMITER` mean nothing here:
/// use [`split_for`] for them and for a backend's own rules.
///
/// ```
/// use alembix_migrate::split::split_statements;
/// let s = split_statements("CREATE TABLE a (x text DEFAULT ';');\n-- note; here\nINSERT INTO a VALUES ('x;y');\n");
/// assert_eq!(s.len(), 2);
/// assert_eq!(s[1].sql, "INSERT INTO a VALUES ('x;y')");
/// assert_eq!(s[1].line, 3);
/// ```
pub fn split_statements(sql: &str) -> Vec<Statement> {
    compat::split(sql)
}

/// Splits SQL text into statements by `dialect`'s rules, or says which line
/// holds an unclosed `-- statement: begin`, a stray `-- statement: end` or a
/// `DELIMITER` (MySQL) without a delimiter. Blank and comment-only pieces
/// are dropped; `DELIMITER` lines are not statements.
///
/// ```
/// use alembix_schema::Dialect::{MySql};
/// use alembix_migrate::split::try_split_for;
/// use alembix_schema::Dialect;
/// let sql = "INSERT INTO t VALUES ('it\\'s; fine');\nDELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //\nDELIMITER ;\nCALL p();\n";
/// let s = try_split_for(sql, MySql).unwrap();
/// assert_eq!(s.len(), 3);
/// assert_eq!(s[1].sql, "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END");
/// assert_eq!((s[2].sql.as_str(), s[2].line), ("CALL p()", 5));
/// ```
pub fn try_split_for(sql: &str, dialect: Dialect) -> Result<Vec<Statement>, SplitError> {
    scan::split(sql, lex::Rules::of(dialect.rules()), true)
}

/// [`try_split_for`] that never fails, for text already checked or written
/// by a program: an unclosed `-- statement: begin` runs to the end of the
/// text, a stray `-- statement: end` is the comment it looks like, and a
/// bare `DELIMITER` is left in the statement for the server to refuse. On
/// text [`try_split_for`] accepts, both give the same statements.
///
/// ```
/// use alembix_schema::Dialect::{Postgres};
/// use alembix_migrate::split::split_for;
/// use alembix_schema::Dialect;
/// let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT $x$;$x$;";
/// let s = split_for(sql, Postgres);
/// assert_eq!(s.len(), 2);
/// assert!(s[0].sql.ends_with("SELECT 2; END"));
/// assert_eq!(s[1].sql, "SELECT $x$;$x$");
/// ```
pub fn split_for(sql: &str, dialect: Dialect) -> Vec<Statement> {
    match scan::split(sql, lex::Rules::of(dialect.rules()), false) {
        Ok(statements) => statements,
        Err(e) => unreachable!("lenient splitting never fails: {e}"),
    }
}
