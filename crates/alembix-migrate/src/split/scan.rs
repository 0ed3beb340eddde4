//! The dialect-aware splitter: one pass over the bytes, lines counted as it
//! goes, `-- statement: begin/end` blocks and MySQL's `DELIMITER` handled on
//! the way.

use super::blocks::Blocks;
use super::lex::{
    Lines, Rules, block_comment_at, line_comment_at, line_end, skip_block_comment,
    skip_dollar_quoted, skip_quoted, word_end,
};
use super::{SplitError, Statement};

/// A `-- statement: ...` marker line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Begin,
    End,
}

/// Splits `sql`; with `strict`, marker and `DELIMITER` mistakes are errors,
/// otherwise an unclosed `-- statement: begin` runs to the end, a stray
/// `-- statement: end` is the comment it looks like and a bare `DELIMITER`
/// is statement text.
pub(super) fn split(sql: &str, rules: Rules, strict: bool) -> Result<Vec<Statement>, SplitError> {
    let mut s = Scanner {
        sql,
        b: sql.as_bytes(),
        rules,
        strict,
        out: Vec::new(),
        lines: Lines::default(),
        i: 0,
        content: None,
        delim: None,
        blocks: Blocks::new(rules.bodies),
    };
    while s.i < s.b.len() {
        if s.content.is_none() {
            s.before_statement()?;
        } else {
            s.step()?;
        }
    }
    s.flush(s.b.len());
    Ok(s.out)
}

struct Scanner<'a> {
    sql: &'a str,
    b: &'a [u8],
    rules: Rules,
    strict: bool,
    out: Vec<Statement>,
    lines: Lines,
    /// The next byte to look at.
    i: usize,
    /// Where the current statement's text starts, once it has started.
    content: Option<usize>,
    /// The delimiter set by `DELIMITER`, when it is not `;`.
    delim: Option<&'a str>,
    blocks: Blocks,
}

impl Scanner<'_> {
    /// Between statements: skips blanks and comments, obeys `DELIMITER`, and
    /// marks where the next statement starts.
    fn before_statement(&mut self) -> Result<(), SplitError> {
        let (b, i) = (self.b, self.i);
        if b[i].is_ascii_whitespace() {
            self.i += 1;
        } else if line_comment_at(b, i, &self.rules) {
            self.line_comment()?;
        } else if block_comment_at(b, i, &self.rules) {
            self.i = skip_block_comment(b, i, self.rules.nested_comments);
        } else if !(self.rules.delimiter && self.delimiter_command()?) {
            self.content = Some(i);
        }
        Ok(())
    }

    /// Inside a statement: one token.
    fn step(&mut self) -> Result<(), SplitError> {
        let (b, i) = (self.b, self.i);
        if let Some(d) = self.delim
            && b[i..].starts_with(d.as_bytes())
        {
            self.flush(i);
            self.i = i + d.len();
            return Ok(());
        }
        if line_comment_at(b, i, &self.rules) {
            return self.line_comment();
        }
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            // A comment, or MySQL's `/*! ... */` (statement text all the same).
            self.i = skip_block_comment(b, i, self.rules.nested_comments);
            return Ok(());
        }
        let c = b[i];
        if c.is_ascii_whitespace() {
            self.i = i + 1;
            return Ok(());
        }
        if self.delim.is_none() && (c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80) {
            self.word();
            return Ok(());
        }
        self.i = match c {
            b'\'' | b'"' => skip_quoted(b, i, self.rules.backslash),
            b'`' => skip_quoted(b, i, false),
            b'$' if self.rules.dollar => skip_dollar_quoted(self.sql, i).unwrap_or(i + 1),
            b';' if self.delim.is_none() && !self.blocks.inside() => {
                self.flush(i);
                i + 1
            }
            _ => i + 1,
        };
        self.blocks.punct(c);
        Ok(())
    }

    /// A word, or an `E'...'` string.
    fn word(&mut self) {
        let (b, i) = (self.b, self.i);
        let end = word_end(b, i, true);
        let w = &b[i..end];
        if self.rules.e_strings && w.eq_ignore_ascii_case(b"E") && b.get(end) == Some(&b'\'') {
            self.i = skip_quoted(b, end, true);
            self.blocks.punct(b'\'');
        } else {
            self.blocks.word(w);
            self.i = end;
        }
    }

    /// Ends the current statement at `end` (exclusive).
    fn flush(&mut self, end: usize) {
        if let Some(from) = self.content.take() {
            let text = self.sql[from..end].trim_end_matches(|c: char| c.is_ascii_whitespace());
            // Only blanks (Unicode ones too, which SQL does not count as
            // whitespace but which carry no statement): nothing to run.
            if !text.trim().is_empty() {
                let line = self.lines.at(self.b, from);
                self.out.push(Statement {
                    sql: text.to_string(),
                    line,
                });
            }
        }
        self.blocks.reset();
    }

    /// A line comment at `self.i`, which may be a `-- statement:` marker.
    fn line_comment(&mut self) -> Result<(), SplitError> {
        let (b, i) = (self.b, self.i);
        let end = line_end(b, i);
        self.i = end;
        match marker(&self.sql[i..end]) {
            Some(m) if at_line_start(b, i) => self.marker(m, i, end),
            _ => Ok(()),
        }
    }

    /// A marker line from `at` to `eol`.
    fn marker(&mut self, m: Marker, at: usize, eol: usize) -> Result<(), SplitError> {
        if m == Marker::End {
            if self.strict {
                return Err(self.error(at, "`-- statement: end` has no `-- statement: begin` before it; remove it, or add the begin line above the statement"));
            }
            return Ok(());
        }
        // The marker ends any statement before it.
        self.flush(at);
        let body = (eol + 1).min(self.b.len());
        let (text, next) = match find_end_marker(self.sql, body) {
            Some((end_line, after)) => (strip_line_break(&self.sql[body..end_line]), after),
            None if self.strict => {
                return Err(self.error(at, "`-- statement: begin` is not closed; add a `-- statement: end` line after the statement"));
            }
            None => (self.sql[body..].trim_end(), self.b.len()),
        };
        if !text.trim().is_empty() {
            let line = self.lines.at(self.b, body);
            self.out.push(Statement {
                sql: text.to_string(),
                line,
            });
        }
        self.i = next;
        Ok(())
    }

    /// At a statement's first word: a `DELIMITER` command sets the delimiter
    /// and is consumed (true); anything else is left alone (false).
    fn delimiter_command(&mut self) -> Result<bool, SplitError> {
        let (b, i) = (self.b, self.i);
        let end = word_end(b, i, true);
        if !b[i..end].eq_ignore_ascii_case(b"DELIMITER")
            || !matches!(b.get(end), Some(b' ' | b'\t' | b'\r' | b'\n') | None)
        {
            return Ok(false);
        }
        let eol = line_end(b, i);
        let Some(d) = self.sql[end..eol].split_ascii_whitespace().next() else {
            if self.strict {
                return Err(self.error(i, "`DELIMITER` needs the new delimiter on the same line, as in `DELIMITER //` (and `DELIMITER ;` to go back)"));
            }
            return Ok(false);
        };
        self.delim = (d != ";").then_some(d);
        self.i = eol;
        Ok(true)
    }

    fn error(&mut self, at: usize, message: &str) -> SplitError {
        SplitError {
            line: self.lines.at(self.b, at),
            message: message.to_string(),
        }
    }
}

/// Which marker a line comment's text is: `-- statement: begin` or `end`,
/// any case, any blanks around the words.
fn marker(comment: &str) -> Option<Marker> {
    let rest = comment.strip_prefix("--")?.trim_start();
    let (word, rest) = rest.split_at_checked("statement".len())?;
    if !word.eq_ignore_ascii_case("statement") {
        return None;
    }
    let what = rest.trim_start().strip_prefix(':')?.trim();
    if what.eq_ignore_ascii_case("begin") {
        Some(Marker::Begin)
    } else if what.eq_ignore_ascii_case("end") {
        Some(Marker::End)
    } else {
        None
    }
}

/// Whether only blanks stand between the line's start and `i`.
fn at_line_start(b: &[u8], i: usize) -> bool {
    b[..i]
        .iter()
        .rev()
        .find(|&&c| !matches!(c, b' ' | b'\t' | b'\r'))
        .is_none_or(|&c| c == b'\n')
}

/// From `from`, the first `-- statement: end` line: where it starts, and
/// where the text after it starts (its line break is left to the caller).
fn find_end_marker(sql: &str, mut from: usize) -> Option<(usize, usize)> {
    let b = sql.as_bytes();
    while from < b.len() {
        let eol = line_end(b, from);
        let line = sql[from..eol].trim();
        if marker(line) == Some(Marker::End) {
            return Some((from, eol));
        }
        from = eol + 1;
    }
    None
}

/// Text without the one line break that ends it.
fn strip_line_break(text: &str) -> &str {
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.strip_suffix('\r').unwrap_or(text)
}
