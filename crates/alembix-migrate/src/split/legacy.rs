//! The splitter as it was before the linear rewrite, kept verbatim as the
//! oracle that `split_statements` must still agree with.

use super::Statement;

/// Splits SQL text at top-level `;`. Comment-only pieces are dropped.
pub(super) fn split_statements(sql: &str) -> Vec<Statement> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0; // byte offset of the current piece
    let mut i = 0;
    // Depth of BEGIN ... END inside CREATE TRIGGER.
    let mut trigger_depth = 0usize;
    let mut piece_is_trigger = false;
    let push = |out: &mut Vec<Statement>, from: usize, to: usize| {
        let text = &sql[from..to];
        if let Some((offset, body)) = strip_leading(text) {
            let line = sql[..from + offset].matches('\n').count() + 1;
            out.push(Statement {
                sql: body.trim_end().to_string(),
                line,
            });
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' | b'"' | b'`' => i = skip_quoted(b, i),
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => i = skip_block_comment(b, i),
            b'$' => i = skip_dollar_quoted(sql, i),
            b';' => {
                if trigger_depth == 0 {
                    push(&mut out, start, i);
                    start = i + 1;
                    piece_is_trigger = false;
                }
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let from = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = sql[from..i].to_ascii_uppercase();
                if word == "TRIGGER" && is_create(&sql[start..from]) {
                    piece_is_trigger = true;
                }
                if piece_is_trigger {
                    if word == "BEGIN" {
                        trigger_depth += 1;
                    } else if word == "END" && trigger_depth > 0 {
                        trigger_depth -= 1;
                    } else if word == "CASE" && trigger_depth > 0 {
                        // CASE ... END inside a trigger body.
                        trigger_depth += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    push(&mut out, start, b.len().min(sql.len()));
    out
}

/// The index just past the quoted text (string or identifier) opening at `i`.
fn skip_quoted(b: &[u8], mut i: usize) -> usize {
    let c = b[i];
    // E'...' strings and MySQL strings allow backslash escapes.
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

/// The index just past the (nested) `/* */` comment opening at `i`.
fn skip_block_comment(b: &[u8], mut i: usize) -> usize {
    let mut depth = 1;
    i += 2;
    while i < b.len() && depth > 0 {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
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
    strip_leading(prefix)
        .map(|(_, body)| body.trim_start().to_ascii_uppercase().starts_with("CREATE"))
        .unwrap_or(false)
}

/// Skips leading blanks and comments; `None` when nothing else is left.
fn strip_leading(text: &str) -> Option<(usize, &str)> {
    let b = text.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i..].starts_with(b"--") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
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
