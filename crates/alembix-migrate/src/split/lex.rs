//! Lexical pieces shared by the splitters: the rules of a dialect, skipping
//! quoted text and comments, and counting lines as the scan moves on.

use alembix_schema::SqlDialect;
use alembix_schema::dialect::CompoundBodies;

/// What the splitter needs to know about a dialect, read once.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rules {
    /// `'...'` and `"..."` take backslash escapes (MySQL).
    pub backslash: bool,
    /// `E'...'` takes backslash escapes (PostgreSQL).
    pub e_strings: bool,
    /// `$tag$ ... $tag$` quotes text (PostgreSQL).
    pub dollar: bool,
    /// `/* */` nests (PostgreSQL).
    pub nested_comments: bool,
    /// `#` comments, `-- ` needs a blank, `/*! */` is SQL (MySQL).
    pub mysql_comments: bool,
    /// `DELIMITER //` changes the delimiter (MySQL).
    pub delimiter: bool,
    /// Which `BEGIN ... END` bodies keep their `;`.
    pub bodies: CompoundBodies,
}

impl Rules {
    /// The rules of one backend.
    pub fn of(d: &dyn SqlDialect) -> Rules {
        let c = d.caps();
        Rules {
            backslash: c.backslash_escapes,
            e_strings: c.escape_string_prefix,
            dollar: c.dollar_quoting,
            nested_comments: c.nested_comments,
            mysql_comments: c.mysql_comments,
            delimiter: c.delimiter_command,
            bodies: c.compound_bodies,
        }
    }
}

/// A cursor that turns byte offsets into 1-based line numbers; offsets asked
/// for must not decrease, so every byte is counted once.
#[derive(Debug, Default)]
pub(super) struct Lines {
    pos: usize,
    newlines: usize,
}

impl Lines {
    /// The line of byte `to` (`to` ≥ every offset asked before).
    pub fn at(&mut self, b: &[u8], to: usize) -> usize {
        let to = to.max(self.pos);
        self.newlines += b[self.pos..to].iter().filter(|&&c| c == b'\n').count();
        self.pos = to;
        self.newlines + 1
    }
}

/// The end of the word starting at `i`: ASCII letters, digits and `_`, and
/// with `extended` also `$` and non-ASCII bytes (identifier characters).
pub(super) fn word_end(b: &[u8], mut i: usize, extended: bool) -> usize {
    while i < b.len() {
        let c = b[i];
        let part = c.is_ascii_alphanumeric() || c == b'_' || (extended && (c == b'$' || c >= 0x80));
        if !part {
            break;
        }
        i += 1;
    }
    i
}

/// The index just past the quoted text opening at `i` (the quote character
/// doubled stands for itself; with `backslash`, `\` escapes the next byte);
/// the end of the input when it is not closed.
pub(super) fn skip_quoted(b: &[u8], mut i: usize, backslash: bool) -> usize {
    let q = b[i];
    i += 1;
    while i < b.len() {
        let c = b[i];
        if backslash && c == b'\\' {
            i += 2;
        } else if c == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// The index just past the `/* */` comment opening at `i` (nesting when
/// `nested`), or the end of the input when it is not closed.
pub(super) fn skip_block_comment(b: &[u8], mut i: usize, nested: bool) -> usize {
    let mut depth = 1;
    i += 2;
    while i < b.len() && depth > 0 {
        if nested && b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    i
}

/// The index of the `\n` ending the line that holds `i`, or the end.
pub(super) fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |n| i + n)
}

/// When a `$tag$` (tag: ASCII letters, digits and `_`, not starting with a
/// digit) opens at `i`, the index just past its closing tag (or the end of
/// the input); `None` when the `$` opens nothing (a `$1` parameter).
pub(super) fn skip_dollar_quoted(sql: &str, i: usize) -> Option<usize> {
    let b = sql.as_bytes();
    if b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let j = word_end(b, i + 1, false);
    if b.get(j) != Some(&b'$') {
        return None;
    }
    let tag = &sql[i..=j];
    Some(match sql[j + 1..].find(tag) {
        Some(end) => j + 1 + end + tag.len(),
        None => b.len(),
    })
}

/// Whether a line comment starts at `i` (`--`, and under MySQL rules `#`,
/// or `--` followed by a blank, a control character or the end).
pub(super) fn line_comment_at(b: &[u8], i: usize, rules: &Rules) -> bool {
    match b[i] {
        b'#' => rules.mysql_comments,
        b'-' if b.get(i + 1) == Some(&b'-') => {
            !rules.mysql_comments || b.get(i + 2).is_none_or(|&c| c <= b' ')
        }
        _ => false,
    }
}

/// Whether a block comment that is a comment (not MySQL's `/*! ... */` SQL)
/// starts at `i`.
pub(super) fn block_comment_at(b: &[u8], i: usize, rules: &Rules) -> bool {
    b[i] == b'/'
        && b.get(i + 1) == Some(&b'*')
        && !(rules.mysql_comments && executable_comment(&b[i + 2..]))
}

/// MySQL's `/*!` and MariaDB's `/*M!` open text the server runs.
fn executable_comment(rest: &[u8]) -> bool {
    rest.starts_with(b"!") || rest.starts_with(b"M!")
}
