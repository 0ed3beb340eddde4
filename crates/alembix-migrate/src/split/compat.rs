//! The rules of [`split_statements`](super::split_statements): the ones it
//! always had (PostgreSQL/SQLite-compatible), in one linear pass.
//!
//! Same cuts, same text and same lines as before; what changed is the cost:
//! lines are counted incrementally, and whether a piece starts with `CREATE`
//! is worked out once per piece instead of once per `TRIGGER` word.

use super::Statement;
use super::lex::{Lines, line_end, skip_block_comment, word_end};

/// Splits at top-level `;`, dropping comment-only pieces.
pub(super) fn split(sql: &str) -> Vec<Statement> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut lines = Lines::default();
    let mut start = 0; // byte offset of the current piece
    let mut i = 0;
    // Depth of BEGIN ... END inside CREATE TRIGGER.
    let mut trigger_depth = 0usize;
    let mut piece_is_trigger = false;
    // Whether the current piece starts with CREATE, once known.
    let mut piece_is_create: Option<bool> = None;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' | b'`' => i = skip_quoted(b, i),
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = line_end(b, i);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => i = skip_block_comment(b, i, true),
            b'$' => i = skip_dollar_quoted(sql, i),
            b';' => {
                if trigger_depth == 0 {
                    push(&mut out, &mut lines, sql, start, i);
                    start = i + 1;
                    piece_is_trigger = false;
                    piece_is_create = None;
                }
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let from = i;
                i = word_end(b, i, false);
                let word = &b[from..i];
                if word.eq_ignore_ascii_case(b"TRIGGER")
                    && *piece_is_create.get_or_insert_with(|| is_create(&sql[start..from]))
                {
                    piece_is_trigger = true;
                }
                if piece_is_trigger {
                    if word.eq_ignore_ascii_case(b"BEGIN") {
                        trigger_depth += 1;
                    } else if word.eq_ignore_ascii_case(b"END") && trigger_depth > 0 {
                        trigger_depth -= 1;
                    } else if word.eq_ignore_ascii_case(b"CASE") && trigger_depth > 0 {
                        // CASE ... END inside a trigger body.
                        trigger_depth += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    push(&mut out, &mut lines, sql, start, b.len());
    out
}

/// Adds the piece `from..to` unless it is only blanks and comments.
fn push(out: &mut Vec<Statement>, lines: &mut Lines, sql: &str, from: usize, to: usize) {
    let text = &sql[from..to];
    if let Some((offset, body)) = strip_leading(text) {
        out.push(Statement {
            sql: body.trim_end().to_string(),
            line: lines.at(sql.as_bytes(), from + offset),
        });
    }
}

/// The index just past the quoted text (string or identifier) opening at `i`.
/// Only `E'...'` strings take backslash escapes here.
fn skip_quoted(b: &[u8], mut i: usize) -> usize {
    let c = b[i];
    let backslash = c == b'\''
        && (i > 0
            && (b[i - 1] == b'E' || b[i - 1] == b'e')
            && (i < 2 || !b[i - 2].is_ascii_alphanumeric()));
    i += 1;
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == c {
            if i + 1 < b.len() && b[i + 1] == c {
                i += 2;
                continue;
            }
            break;
        }
        i += 1;
    }
    i + 1
}

/// The index just past `$tag$ ... $tag$` opening at `i` (tag: letters,
/// digits, _), or past the `$` alone when it opens none (a `$1` parameter).
fn skip_dollar_quoted(sql: &str, i: usize) -> usize {
    let b = sql.as_bytes();
    let mut j = i + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        j += 1;
    }
    let tag_ok = j < b.len() && b[j] == b'$' && !b.get(i + 1).is_some_and(|x| x.is_ascii_digit());
    if !tag_ok {
        return i + 1;
    }
    let tag = &sql[i..=j];
    match sql[j + 1..].find(tag) {
        Some(end) => j + 1 + end + tag.len(),
        None => b.len(),
    }
}

/// True when the text before `TRIGGER` starts a CREATE statement.
fn is_create(prefix: &str) -> bool {
    strip_leading(prefix).is_some_and(|(_, body)| {
        body.trim_start()
            .as_bytes()
            .get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"CREATE"))
    })
}

/// Skips leading blanks and comments (`/* */` not nested here, as always);
/// `None` when nothing else is left.
fn strip_leading(text: &str) -> Option<(usize, &str)> {
    let b = text.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i..].starts_with(b"--") {
            i = line_end(b, i);
        } else if b[i..].starts_with(b"/*") {
            match text[i + 2..].find("*/") {
                Some(end) => i += 2 + end + 2,
                None => return None,
            }
        } else {
            break;
        }
    }
    let body = &text[i..];
    if body.trim().is_empty() {
        None
    } else {
        Some((i, body))
    }
}
