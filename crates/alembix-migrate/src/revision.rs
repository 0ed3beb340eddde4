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

use crate::error::{Error, Result};
use crate::step::Direction;

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
];

const UPGRADE_MARKER: &str = "-- migrate:upgrade";
const DOWNGRADE_MARKER: &str = "-- migrate:downgrade";

/// Words that cannot be branch labels because they are targets.
const RESERVED_LABELS: &[&str] = &["head", "heads", "base", "current"];

/// One revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// 12 lowercase hex digits.
    pub id: String,
    /// Parents: empty for a base, several at a merge point.
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    /// Revisions this one needs applied first, without being on its branch.
    /// As written in the file (ids, prefixes or labels) until the graph resolves them to ids.
    pub depends_on: Vec<String>,
    pub message: String,
    /// The `created` header value (RFC 3339), when present.
    pub created: Option<String>,
    /// False when the header says `transaction: false`.
    pub transactional: bool,
    /// Ids this revision replaced (written by `squash`).
    pub replaces: Vec<String>,
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

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Revision {
    /// Parses a revision file. Errors are [`Error::Parse`] naming the path and line.
    pub fn parse(path: impl Into<PathBuf>, text: &str) -> Result<Revision> {
        let path = path.into();
        let err = |line: usize, message: String| Error::Parse {
            path: path.clone(),
            line,
            message,
        };
        let lines: Vec<&str> = text.lines().collect();
        let mut seen: Vec<&str> = Vec::new();
        let mut rev = Revision {
            id: String::new(),
            down_revisions: Vec::new(),
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            message: String::new(),
            created: None,
            transactional: true,
            replaces: Vec::new(),
            upgrade: String::new(),
            downgrade: String::new(),
            path: path.clone(),
            upgrade_line: 0,
            downgrade_line: 0,
        };
        let mut revision_line = 0;
        let mut i = 0;
        // Header: `-- key: value` lines (blank lines allowed) up to the first other line.
        while i < lines.len() {
            let raw = lines[i].trim();
            if raw.is_empty() {
                i += 1;
                continue;
            }
            if raw == UPGRADE_MARKER || raw == DOWNGRADE_MARKER {
                break;
            }
            let Some(body) = raw.strip_prefix("--") else {
                break;
            };
            let Some((key, value)) = body.split_once(':') else {
                break;
            };
            let key = key.trim();
            let value = value.trim();
            let lineno = i + 1;
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                break;
            }
            if !HEADER_KEYS.contains(&key) {
                return Err(err(
                    lineno,
                    format!(
                        "unknown header key `{key}`; the keys are: {}",
                        HEADER_KEYS.join(", ")
                    ),
                ));
            }
            if seen.contains(&key) {
                return Err(err(lineno, format!("header key `{key}` appears twice")));
            }
            seen.push(key);
            match key {
                "revision" => {
                    if !is_revision_id(value) {
                        return Err(err(
                            lineno,
                            format!("revision id `{value}` must be 12 lowercase hex digits"),
                        ));
                    }
                    rev.id = value.to_string();
                    revision_line = lineno;
                }
                "down_revision" => rev.down_revisions = list(value),
                "branch_labels" => {
                    rev.branch_labels = list(value);
                    for l in &rev.branch_labels {
                        if let Some(why) = bad_label(l) {
                            return Err(err(lineno, format!("branch label `{l}` {why}")));
                        }
                    }
                }
                "depends_on" => rev.depends_on = list(value),
                "message" => rev.message = value.to_string(),
                "created" => rev.created = (!value.is_empty()).then(|| value.to_string()),
                "transaction" => {
                    rev.transactional = match value.to_ascii_lowercase().as_str() {
                        "true" | "" => true,
                        "false" => false,
                        _ => {
                            return Err(err(
                                lineno,
                                format!("`transaction` must be true or false, not `{value}`"),
                            ));
                        }
                    }
                }
                "replaces" => rev.replaces = list(value),
                _ => unreachable!("checked against HEADER_KEYS"),
            }
            i += 1;
        }
        if revision_line == 0 {
            return Err(err(
                1,
                "missing `-- revision: <12 hex digits>` header line".into(),
            ));
        }
        for (n, id) in rev.down_revisions.iter().enumerate() {
            if rev.down_revisions[..n].contains(id) {
                return Err(err(1, format!("down_revision lists `{id}` twice")));
            }
            if *id == rev.id {
                return Err(err(
                    revision_line,
                    "a revision cannot be its own parent".into(),
                ));
            }
        }
        // Between the header and the upgrade marker: blank lines and comments only.
        let mut upgrade_start = None;
        while i < lines.len() {
            let raw = lines[i].trim();
            if raw == UPGRADE_MARKER {
                upgrade_start = Some(i + 1);
                break;
            }
            if raw == DOWNGRADE_MARKER {
                return Err(err(
                    i + 1,
                    format!("`{DOWNGRADE_MARKER}` before `{UPGRADE_MARKER}`"),
                ));
            }
            if !raw.is_empty() && !raw.starts_with("--") {
                return Err(err(
                    i + 1,
                    format!("SQL before `{UPGRADE_MARKER}`; statements belong in a section"),
                ));
            }
            i += 1;
        }
        let Some(up) = upgrade_start else {
            return Err(err(
                lines.len().max(1),
                format!("no `{UPGRADE_MARKER}` section"),
            ));
        };
        let mut down = None;
        for (j, line) in lines.iter().enumerate().skip(up) {
            let raw = line.trim();
            if raw == UPGRADE_MARKER {
                return Err(err(j + 1, format!("a second `{UPGRADE_MARKER}` marker")));
            }
            if raw == DOWNGRADE_MARKER {
                if down.is_some() {
                    return Err(err(j + 1, format!("a second `{DOWNGRADE_MARKER}` marker")));
                }
                down = Some(j + 1);
            }
        }
        let up_end = down.map(|d| d - 1).unwrap_or(lines.len());
        rev.upgrade = section(&lines[up..up_end]);
        rev.upgrade_line = up + 1;
        if let Some(d) = down {
            rev.downgrade = section(&lines[d..]);
            rev.downgrade_line = d + 1;
        }
        Ok(rev)
    }

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

/// The lines of a section, with leading and trailing blank lines removed
/// only at the end (the start keeps its line numbers).
fn section(lines: &[&str]) -> String {
    let mut s = lines.join("\n");
    let trimmed = s.trim_end().len();
    s.truncate(trimmed);
    if !s.is_empty() {
        s.push('\n');
    }
    s
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
mod tests {
    use super::*;

    fn line_of(e: Error) -> (usize, String) {
        match e {
            Error::Parse { line, message, .. } => (line, message),
            other => panic!("expected a parse error, got {other}"),
        }
    }

    const GOOD: &str = "-- revision: 3f2a9c1b7d4e\n-- down_revision: 1a2b3c4d5e6f\n-- branch_labels:\n-- depends_on:\n-- message: add status to users\n-- created: 2026-11-22T09:15:00Z\n\n-- migrate:upgrade\nALTER TABLE \"users\" ADD COLUMN \"status\" varchar(20) DEFAULT 'active';\n\n-- migrate:downgrade\nALTER TABLE \"users\" DROP COLUMN \"status\";\n";

    #[test]
    fn parses_the_contract_example() {
        let r = Revision::parse("a.sql", GOOD).unwrap();
        assert_eq!(r.id, "3f2a9c1b7d4e");
        assert_eq!(r.down_revisions, vec!["1a2b3c4d5e6f"]);
        assert!(r.branch_labels.is_empty() && r.depends_on.is_empty());
        assert_eq!(r.message, "add status to users");
        assert_eq!(r.created.as_deref(), Some("2026-11-22T09:15:00Z"));
        assert!(r.transactional);
        assert_eq!(r.upgrade_line, 9);
        assert!(r.upgrade.starts_with("ALTER TABLE \"users\" ADD"));
        assert_eq!(r.downgrade_line, 12);
        assert_eq!(
            r.downgrade.trim(),
            "ALTER TABLE \"users\" DROP COLUMN \"status\";"
        );
        assert_eq!(
            r.file_name(),
            "20261122_0915_3f2a9c1b7d4e_add_status_to_users.sql"
        );
    }

    #[test]
    fn render_round_trips() {
        let mut r = Revision::parse("a.sql", GOOD).unwrap();
        r.branch_labels = vec!["feature".into()];
        r.depends_on = vec!["aaaabbbbcccc".into()];
        r.down_revisions.push("0123456789ab".into());
        r.transactional = false;
        r.replaces = vec!["111111111111".into(), "222222222222".into()];
        let back = Revision::parse("a.sql", &r.render()).unwrap();
        assert_eq!(back.id, r.id);
        assert_eq!(back.down_revisions, r.down_revisions);
        assert_eq!(back.branch_labels, r.branch_labels);
        assert_eq!(back.depends_on, r.depends_on);
        assert_eq!(back.message, r.message);
        assert_eq!(back.created, r.created);
        assert_eq!(back.transactional, r.transactional);
        assert_eq!(back.replaces, r.replaces);
        assert_eq!(back.upgrade, r.upgrade);
        assert_eq!(back.downgrade, r.downgrade);
        assert_eq!(back.render(), r.render());
    }

    #[test]
    fn errors_name_the_line() {
        let (l, m) = line_of(
            Revision::parse(
                "a.sql",
                "-- revision: 3f2a9c1b7d4e\n-- colour: red\n-- migrate:upgrade\n",
            )
            .unwrap_err(),
        );
        assert_eq!(l, 2);
        assert!(m.contains("unknown header key `colour`"), "{m}");
        let (l, m) = line_of(
            Revision::parse("a.sql", "-- message: x\n\n-- migrate:upgrade\nSELECT 1;\n")
                .unwrap_err(),
        );
        assert_eq!(l, 1);
        assert!(m.contains("missing `-- revision"), "{m}");
        let (l, m) = line_of(
            Revision::parse("a.sql", "-- revision: 3F2A9C1B7D4E\n-- migrate:upgrade\n")
                .unwrap_err(),
        );
        assert_eq!(l, 1);
        assert!(m.contains("12 lowercase hex"), "{m}");
        let (l, m) = line_of(
            Revision::parse("a.sql", "-- revision: 3f2a9c1b7d4e\n\nSELECT 1;\n").unwrap_err(),
        );
        assert_eq!(l, 3);
        assert!(m.contains("SQL before"), "{m}");
        let (_, m) = line_of(
            Revision::parse("a.sql", "-- revision: 3f2a9c1b7d4e\n-- message: x\n").unwrap_err(),
        );
        assert!(m.contains("no `-- migrate:upgrade` section"), "{m}");
        let (l, m) = line_of(
            Revision::parse(
                "a.sql",
                "-- revision: 3f2a9c1b7d4e\n-- migrate:upgrade\n-- migrate:downgrade\n-- migrate:downgrade\n",
            )
            .unwrap_err(),
        );
        assert_eq!(l, 4);
        assert!(m.contains("second"), "{m}");
        let (l, m) = line_of(
            Revision::parse(
                "a.sql",
                "-- revision: 3f2a9c1b7d4e\n-- message: a\n-- message: b\n-- migrate:upgrade\n",
            )
            .unwrap_err(),
        );
        assert_eq!(l, 3);
        assert!(m.contains("twice"), "{m}");
        let (l, m) = line_of(
            Revision::parse(
                "a.sql",
                "-- revision: 3f2a9c1b7d4e\n-- branch_labels: head\n-- migrate:upgrade\n",
            )
            .unwrap_err(),
        );
        assert_eq!(l, 2);
        assert!(m.contains("reserved"), "{m}");
    }

    #[test]
    fn downgrade_section_is_optional() {
        let r = Revision::parse(
            "a.sql",
            "-- revision: 3f2a9c1b7d4e\n-- migrate:upgrade\nSELECT 1;\n",
        )
        .unwrap();
        assert_eq!(r.upgrade, "SELECT 1;\n");
        assert_eq!(r.downgrade, "");
        assert_eq!(r.downgrade_line, 0);
    }

    #[test]
    fn ids_and_slugs() {
        let id = new_id();
        assert!(is_revision_id(&id), "{id}");
        assert_ne!(new_id(), new_id());
        assert_eq!(slug("Add status, to  Users!"), "add_status_to_users");
        assert_eq!(slug("  "), "revision");
    }
}
