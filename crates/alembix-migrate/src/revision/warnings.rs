//! `-- WARNING: ...` comment lines of a section: what `autogen` writes
//! before statements that lose data (dropped tables and columns, narrowing
//! type changes), read back so runs and scripts can show them.

use crate::step::Direction;

use super::Revision;
use super::steps::statement_block;

/// The prefix of a warning line.
pub const WARNING_PREFIX: &str = "-- WARNING:";

impl Revision {
    /// A section's warning lines: `(1-based file line, text after
    /// "-- WARNING:")`, in file order. Lines inside a `-- statement:
    /// begin`/`end` block belong to the statement and are not counted.
    ///
    /// ```
    /// use alembix_migrate::{Revision, Direction};
    /// let text = "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: m\n\n-- migrate:upgrade\n\
    ///             CREATE TABLE t (x int);\n-- migrate:downgrade\n\
    ///             -- WARNING: drop_table drops what this revision added\nDROP TABLE t;\n";
    /// let rev = Revision::parse("x.sql", text).unwrap();
    /// assert!(rev.warnings(Direction::Up).is_empty());
    /// assert_eq!(
    ///     rev.warnings(Direction::Down),
    ///     vec![(8, "drop_table drops what this revision added".to_string())]
    /// );
    /// ```
    pub fn warnings(&self, direction: Direction) -> Vec<(usize, String)> {
        let first_line = self.section_line(direction);
        let mut in_block = false;
        let mut out = Vec::new();
        for (n, line) in self.section(direction).lines().enumerate() {
            match statement_block(line) {
                Some(open) => {
                    in_block = open;
                    continue;
                }
                None if in_block => continue,
                None => {}
            }
            if let Some(text) = line.trim().strip_prefix(WARNING_PREFIX) {
                out.push((first_line + n, text.trim().to_string()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: m\n\n-- migrate:upgrade\n\
        -- WARNING: alter_column narrows \"t\".\"x\"\nALTER TABLE t ALTER COLUMN x TYPE smallint;\n\
        -- statement: begin\n-- WARNING: inside a block\nSELECT 1\n-- statement: end\n\
        -- migrate:downgrade\n  -- WARNING:   drop_column drops what this revision added  \n\
        ALTER TABLE t DROP COLUMN y;\n-- a plain comment\n-- WARNING: second\nDROP TABLE t;\n";

    #[test]
    fn upgrade_warnings_skip_statement_blocks() {
        let rev = Revision::parse("x.sql", TEXT).unwrap();
        assert_eq!(
            rev.warnings(Direction::Up),
            vec![(6, "alter_column narrows \"t\".\"x\"".to_string())]
        );
    }

    #[test]
    fn downgrade_warnings_are_trimmed_with_file_lines() {
        let rev = Revision::parse("x.sql", TEXT).unwrap();
        assert_eq!(
            rev.warnings(Direction::Down),
            vec![
                (13, "drop_column drops what this revision added".to_string()),
                (16, "second".to_string()),
            ]
        );
    }

    #[test]
    fn no_downgrade_section_no_warnings() {
        let text = "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: m\n\n-- migrate:upgrade\nSELECT 1;\n";
        let rev = Revision::parse("x.sql", text).unwrap();
        assert!(rev.warnings(Direction::Down).is_empty());
    }
}
