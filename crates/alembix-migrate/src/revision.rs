//! Revision files: parsing and validating the header and the
//! `-- migrate:upgrade` / `-- migrate:downgrade` sections, and writing them.
//!
//! ```
//! use alembix_migrate::Revision;
//! let text = "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: add users\n\n\
//!             -- migrate:upgrade\nCREATE TABLE users (id integer);\n\n\
//!             -- migrate:downgrade\nDROP TABLE users;\n";
//! let rev = Revision::parse("migrations/x.sql", text).unwrap();
//! assert_eq!(rev.id, "3f2a9c1b7d4e");
//! assert!(rev.down_revisions.is_empty());
//! assert_eq!(rev.upgrade.trim(), "CREATE TABLE users (id integer);");
//! assert_eq!(Revision::parse("x.sql", &rev.render()).unwrap().upgrade.trim(), rev.upgrade.trim());
//! ```

use std::path::PathBuf;

use crate::step::Direction;

mod parse;
mod steps;
mod warnings;

pub use steps::SectionStep;
pub use warnings::WARNING_PREFIX;

/// The header keys a revision file may have.
pub const HEADER_KEYS: &[&str] = &[
    "revision",
    "down_revision",
    "branch_labels",
    "depends_on",
    "message",
    "created",
    "transaction",
    "replaces",
    "dialect",
];

pub(crate) const UPGRADE_MARKER: &str = "-- migrate:upgrade";
pub(crate) const DOWNGRADE_MARKER: &str = "-- migrate:downgrade";

/// Words that cannot be branch labels because they are targets.
const RESERVED_LABELS: &[&str] = &["head", "heads", crate::graph::BASE, "current"];

/// One revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// 12 lowercase hex digits.
    pub id: String,
    /// Parents: empty for a base, several at a merge point.
    pub down_revisions: Vec<String>,
    /// Names for the branch this revision is on (`LABEL@head`, ...).
    pub branch_labels: Vec<String>,
    /// Revisions this one needs applied first, without being on its branch.
    /// As written in the file (ids, prefixes or labels) until the graph resolves them to ids.
    pub depends_on: Vec<String>,
    /// One line saying what the revision does.
    pub message: String,
    /// The `created` header value (RFC 3339), when present.
    pub created: Option<String>,
    /// False when the header says `transaction: false`.
    pub transactional: bool,
    /// Ids this revision replaced (written by `squash`).
    pub replaces: Vec<String>,
    /// The backend the SQL is written for (`-- dialect:`, written by
    /// autogen); `None` runs anywhere.
    pub dialect: Option<alembix_schema::Dialect>,
    /// SQL text of the upgrade section (without the marker line).
    pub upgrade: String,
    /// SQL text of the downgrade section (empty when absent).
    pub downgrade: String,
    /// Where the revision came from (a file path, or the file name for embedded migrations).
    pub path: PathBuf,
    /// 1-based line of the first line after `-- migrate:upgrade`.
    pub upgrade_line: usize,
    /// 1-based line of the first line after `-- migrate:downgrade` (0 when absent).
    pub downgrade_line: usize,
}

/// True for 12 lowercase hex digits.
pub fn is_revision_id(s: &str) -> bool {
    s.len() == 12
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A fresh random revision id (12 lowercase hex digits).
pub fn new_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

impl Revision {
    /// The file text for this revision, in the contract format (header, blank
    /// line, upgrade section, downgrade section). `parse(render())` gives it back.
    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!("-- revision: {}\n", self.id));
        s.push_str(&format!(
            "-- down_revision: {}\n",
            self.down_revisions.join(", ")
        ));
        s.push_str(&format!(
            "-- branch_labels: {}\n",
            self.branch_labels.join(", ")
        ));
        s.push_str(&format!("-- depends_on: {}\n", self.depends_on.join(", ")));
        s.push_str(&format!("-- message: {}\n", one_line(&self.message)));
        s.push_str(&format!(
            "-- created: {}\n",
            self.created.as_deref().unwrap_or("")
        ));
        if !self.transactional {
            s.push_str("-- transaction: false\n");
        }
        if !self.replaces.is_empty() {
            s.push_str(&format!("-- replaces: {}\n", self.replaces.join(", ")));
        }
        if let Some(d) = self.dialect {
            s.push_str(&format!("-- dialect: {}\n", d.name()));
        }
        // Header lines end in trailing spaces when empty; trim them.
        let mut s: String = s.lines().map(|l| format!("{}\n", l.trim_end())).collect();
        s.push('\n');
        s.push_str(UPGRADE_MARKER);
        s.push('\n');
        if !self.upgrade.trim().is_empty() {
            s.push_str(self.upgrade.trim_end());
            s.push('\n');
        }
        s.push('\n');
        s.push_str(DOWNGRADE_MARKER);
        s.push('\n');
        if !self.downgrade.trim().is_empty() {
            s.push_str(self.downgrade.trim_end());
            s.push('\n');
        }
        s
    }

    /// The file name `<YYYYMMDD>_<HHMM>_<rev>_<slug>.sql` from `created` and `message`.
    pub fn file_name(&self) -> String {
        let created = self
            .created
            .as_deref()
            .and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok())
            .map(|d| d.with_timezone(&chrono::Utc))
            .unwrap_or_else(chrono::Utc::now);
        format!(
            "{}_{}_{}.sql",
            created.format("%Y%m%d_%H%M"),
            self.id,
            slug(&self.message)
        )
    }

    /// The SQL of one section.
    pub fn section(&self, direction: Direction) -> &str {
        match direction {
            Direction::Up => &self.upgrade,
            Direction::Down => &self.downgrade,
        }
    }

    /// 1-based file line where a section's SQL starts.
    pub fn section_line(&self, direction: Direction) -> usize {
        match direction {
            Direction::Up => self.upgrade_line,
            Direction::Down => self.downgrade_line,
        }
    }

    /// A section's statements as the dialect splits them (`-- statement:
    /// begin`/`end` blocks kept whole), over all its steps, with lines
    /// counted in the file; an unclosed or stray marker is an error naming
    /// the file and line.
    pub fn statements(
        &self,
        direction: Direction,
        dialect: alembix_schema::Dialect,
    ) -> Result<Vec<crate::split::Statement>, crate::error::Error> {
        Ok(self
            .steps(direction, dialect)?
            .into_iter()
            .flat_map(|s| s.statements)
            .collect())
    }

    /// SHA-256 (hex) of a section's text, stored in the log table to detect drift.
    pub fn checksum(&self, direction: Direction) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.section(direction).trim().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Why a branch label is not allowed, if it is not.
pub(crate) fn bad_label(l: &str) -> Option<&'static str> {
    if RESERVED_LABELS.contains(&l) {
        Some("is a reserved word (head, heads, base, current)")
    } else if l.contains(['@', ':', ' ', '+']) {
        Some("may not contain `@`, `:`, `+` or spaces")
    } else if l.len() >= 4 && l.bytes().all(|b| b.is_ascii_hexdigit()) {
        Some("looks like a revision id; use a label with a non-hex letter")
    } else if l.starts_with('-') {
        Some("may not start with `-`")
    } else {
        None
    }
}

fn one_line(s: &str) -> String {
    s.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

/// Lowercase ASCII letters, digits and `_`, at most 40 characters.
pub fn slug(message: &str) -> String {
    let mut out = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.is_empty() {
        "revision".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests;
