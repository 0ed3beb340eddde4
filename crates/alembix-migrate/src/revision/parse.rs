//! Reading a revision file: the `-- key: value` header, then the upgrade
//! and downgrade sections. Every error names the file and the line.

use std::path::PathBuf;

use super::steps::step_marker;
use super::{DOWNGRADE_MARKER, HEADER_KEYS, Revision, UPGRADE_MARKER, bad_label, is_revision_id};
use crate::error::{Error, Result};

/// Builds [`Error::Parse`] for one file.
struct Errors<'a> {
    path: &'a PathBuf,
}

impl Errors<'_> {
    fn at(&self, line: usize, message: String) -> Error {
        Error::Parse {
            path: self.path.clone(),
            line,
            message,
        }
    }
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
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

/// Every `-- step:` line of the sections (from line index `from`) names a
/// known step kind.
fn check_step_markers(lines: &[&str], from: usize, to: usize, err: &Errors) -> Result<()> {
    for (j, line) in lines.iter().enumerate().take(to).skip(from) {
        if let Some(Err(value)) = step_marker(line) {
            return Err(err.at(
                j + 1,
                format!(
                    "unknown step kind `{value}`: a step line is `-- step: transaction` or `-- step: no-transaction`"
                ),
            ));
        }
    }
    Ok(())
}

impl Revision {
    /// Parses a revision file. Errors are [`Error::Parse`] naming the path and line.
    /// A UTF-8 byte order mark at the start (as some editors write) is skipped.
    pub fn parse(path: impl Into<PathBuf>, text: &str) -> Result<Revision> {
        let path = path.into();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let err = Errors { path: &path };
        let lines: Vec<&str> = text.lines().collect();
        let mut rev = Revision {
            id: String::new(),
            down_revisions: Vec::new(),
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            message: String::new(),
            created: None,
            transactional: true,
            replaces: Vec::new(),
            dialect: None,
            upgrade: String::new(),
            downgrade: String::new(),
            path: path.clone(),
            upgrade_line: 0,
            downgrade_line: 0,
        };
        let (body, revision_line) = rev.read_header(&lines, &err)?;
        if revision_line == 0 {
            return Err(err.at(
                1,
                "missing `-- revision: <12 hex digits>` header line".into(),
            ));
        }
        for (n, id) in rev.down_revisions.iter().enumerate() {
            if rev.down_revisions[..n].contains(id) {
                return Err(err.at(1, format!("down_revision lists `{id}` twice")));
            }
            if *id == rev.id {
                return Err(err.at(revision_line, "a revision cannot be its own parent".into()));
            }
        }
        rev.read_sections(&lines, body, &err)?;
        Ok(rev)
    }

    /// Reads `-- key: value` lines (blank lines allowed) up to the first
    /// other line; returns that line's index and the `revision` line (0: none).
    fn read_header(&mut self, lines: &[&str], err: &Errors) -> Result<(usize, usize)> {
        let mut seen: Vec<&str> = Vec::new();
        let mut revision_line = 0;
        let mut i = 0;
        while i < lines.len() {
            let raw = lines[i].trim();
            if raw.is_empty() {
                i += 1;
                continue;
            }
            if raw == UPGRADE_MARKER || raw == DOWNGRADE_MARKER {
                break;
            }
            let Some((key, value)) = raw.strip_prefix("--").and_then(|b| b.split_once(':')) else {
                break;
            };
            let (key, value) = (key.trim(), value.trim());
            let lineno = i + 1;
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                break;
            }
            let Some(key) = HEADER_KEYS.iter().copied().find(|k| *k == key) else {
                return Err(err.at(
                    lineno,
                    format!(
                        "unknown header key `{key}`; the keys are: {}",
                        HEADER_KEYS.join(", ")
                    ),
                ));
            };
            if seen.contains(&key) {
                return Err(err.at(lineno, format!("header key `{key}` appears twice")));
            }
            seen.push(key);
            if key == "revision" {
                revision_line = lineno;
            }
            self.set_header(key, value, lineno, err)?;
            i += 1;
        }
        Ok((i, revision_line))
    }

    /// Stores one header value, checking the ones with a syntax.
    fn set_header(&mut self, key: &str, value: &str, lineno: usize, err: &Errors) -> Result<()> {
        match key {
            "revision" => {
                if !is_revision_id(value) {
                    return Err(err.at(
                        lineno,
                        format!("revision id `{value}` must be 12 lowercase hex digits"),
                    ));
                }
                self.id = value.to_string();
            }
            "down_revision" => self.down_revisions = list(value),
            "branch_labels" => {
                self.branch_labels = list(value);
                for l in &self.branch_labels {
                    if let Some(why) = bad_label(l) {
                        return Err(err.at(lineno, format!("branch label `{l}` {why}")));
                    }
                }
            }
            "depends_on" => self.depends_on = list(value),
            "message" => self.message = value.to_string(),
            "created" => self.created = (!value.is_empty()).then(|| value.to_string()),
            "transaction" => {
                self.transactional = match value.to_ascii_lowercase().as_str() {
                    "true" | "" => true,
                    "false" => false,
                    _ => {
                        return Err(err.at(
                            lineno,
                            format!("`transaction` must be true or false, not `{value}`"),
                        ));
                    }
                }
            }
            "replaces" => self.replaces = list(value),
            "dialect" if value.is_empty() => self.dialect = None,
            "dialect" => {
                let known = alembix_schema::Dialect::ALL
                    .into_iter()
                    .find(|d| d.name() == value || d.caps().url_schemes.contains(&value));
                match known {
                    Some(d) => self.dialect = Some(d),
                    None => {
                        return Err(err.at(
                            lineno,
                            format!("unknown dialect `{value}`: write postgres, mysql or sqlite (or leave the line out to run anywhere)"),
                        ));
                    }
                }
            }
            _ => unreachable!("checked against HEADER_KEYS"),
        }
        Ok(())
    }

    /// Reads the sections from line index `i` (just after the header).
    fn read_sections(&mut self, lines: &[&str], mut i: usize, err: &Errors) -> Result<()> {
        // Between the header and the upgrade marker: blank lines and comments only.
        let mut upgrade_start = None;
        while i < lines.len() {
            let raw = lines[i].trim();
            if raw == UPGRADE_MARKER {
                upgrade_start = Some(i + 1);
                break;
            }
            if raw == DOWNGRADE_MARKER {
                return Err(err.at(
                    i + 1,
                    format!("`{DOWNGRADE_MARKER}` before `{UPGRADE_MARKER}`"),
                ));
            }
            if !raw.is_empty() && !raw.starts_with("--") {
                return Err(err.at(
                    i + 1,
                    format!("SQL before `{UPGRADE_MARKER}`; statements belong in a section"),
                ));
            }
            i += 1;
        }
        let Some(up) = upgrade_start else {
            return Err(err.at(lines.len().max(1), format!("no `{UPGRADE_MARKER}` section")));
        };
        let mut down = None;
        for (j, line) in lines.iter().enumerate().skip(up) {
            let raw = line.trim();
            if raw == UPGRADE_MARKER {
                return Err(err.at(j + 1, format!("a second `{UPGRADE_MARKER}` marker")));
            }
            if raw == DOWNGRADE_MARKER {
                if down.is_some() {
                    return Err(err.at(j + 1, format!("a second `{DOWNGRADE_MARKER}` marker")));
                }
                down = Some(j + 1);
            }
        }
        let up_end = down.map(|d| d - 1).unwrap_or(lines.len());
        check_step_markers(lines, up, lines.len(), err)?;
        self.upgrade = section(&lines[up..up_end]);
        self.upgrade_line = up + 1;
        if let Some(d) = down {
            self.downgrade = section(&lines[d..]);
            self.downgrade_line = d + 1;
        }
        Ok(())
    }
}
