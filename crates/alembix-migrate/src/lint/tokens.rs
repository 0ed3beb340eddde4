//! A statement as sqlparser's tokenizer sees it, comments and whitespace
//! dropped. The rules match on these tokens: sqlparser's AST does not keep
//! every detail they need (`NOT VALID`, `ALGORITHM=`, step context), so the
//! checks are token-level, on statements sqlparser has parsed.

use sqlparser::tokenizer::{Token, Tokenizer};

/// One token: a word (uppercased when unquoted) or punctuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A keyword or identifier; `quoted` when written in quotes.
    Word { up: String, quoted: bool },
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `.`
    Period,
    /// Anything else (literals, operators), as written.
    Other(String),
}

impl Tok {
    /// True for the unquoted keyword `kw` (given in upper case).
    pub fn is(&self, kw: &str) -> bool {
        matches!(self, Tok::Word { up, quoted: false } if up == kw)
    }

    /// A name as compared between statements: lowercased.
    pub fn name(&self) -> Option<String> {
        match self {
            Tok::Word { up, .. } => Some(up.to_lowercase()),
            _ => None,
        }
    }
}

/// The tokens of `sql`, or `None` when it cannot be tokenized.
pub(crate) fn tokens(dialect: &dyn sqlparser::dialect::Dialect, sql: &str) -> Option<Vec<Tok>> {
    let raw = Tokenizer::new(dialect, sql).tokenize().ok()?;
    Some(
        raw.into_iter()
            .filter_map(|t| match t {
                Token::Whitespace(_) | Token::SemiColon | Token::EOF => None,
                Token::Word(w) => Some(match w.quote_style {
                    None => Tok::Word {
                        up: w.value.to_uppercase(),
                        quoted: false,
                    },
                    Some(_) => Tok::Word {
                        up: w.value.to_uppercase(),
                        quoted: true,
                    },
                }),
                Token::LParen => Some(Tok::LParen),
                Token::RParen => Some(Tok::RParen),
                Token::Comma => Some(Tok::Comma),
                Token::Period => Some(Tok::Period),
                other => Some(Tok::Other(other.to_string())),
            })
            .collect(),
    )
}

/// True when the keywords `seq` appear one after another in `t`.
pub(crate) fn has_seq(t: &[Tok], seq: &[&str]) -> bool {
    find_seq(t, seq).is_some()
}

/// Where the keywords `seq` first appear one after another in `t`.
pub(crate) fn find_seq(t: &[Tok], seq: &[&str]) -> Option<usize> {
    if seq.is_empty() || t.len() < seq.len() {
        return None;
    }
    (0..=t.len() - seq.len()).find(|&i| seq.iter().enumerate().all(|(k, kw)| t[i + k].is(kw)))
}

/// Splits `t` at commas outside parentheses.
pub(crate) fn split_top(t: &[Tok]) -> Vec<&[Tok]> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, tok) in t.iter().enumerate() {
        match tok {
            Tok::LParen => depth += 1,
            Tok::RParen => depth -= 1,
            Tok::Comma if depth == 0 => {
                out.push(&t[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&t[start..]);
    out
}

/// A possibly qualified name starting at `i`: its last part (lowercased)
/// and the index after it.
pub(crate) fn qualified(t: &[Tok], mut i: usize) -> Option<(String, usize)> {
    let mut name = t.get(i)?.name()?;
    i += 1;
    while matches!(t.get(i), Some(Tok::Period)) {
        name = t.get(i + 1)?.name()?;
        i += 2;
    }
    Some((name, i))
}

/// Skips the keywords of `skip` (in that order, each optional) from `i`.
pub(crate) fn skip_kws(t: &[Tok], mut i: usize, skip: &[&str]) -> usize {
    for kw in skip {
        if t.get(i).is_some_and(|x| x.is(kw)) {
            i += 1;
        }
    }
    i
}
