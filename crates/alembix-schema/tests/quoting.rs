//! Property tests of identifier and literal quoting.

use alembix_schema::Dialect;
use proptest::prelude::*;

const DIALECTS: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

/// Reads a quoted identifier back, failing on an unpaired quote.
fn unquote_ident(quoted: &str, q: char) -> Option<String> {
    let inner = quoted.strip_prefix(q)?.strip_suffix(q)?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == q && chars.next()? != q {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

/// Reads a string literal back as the dialect's lexer does: `''` is a quote;
/// on MySQL a backslash escapes the next character.
fn unquote_literal(quoted: &str, d: Dialect) -> Option<String> {
    let inner = quoted.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' if chars.next()? != '\'' => return None,
            '\\' if d == Dialect::MySql => out.push(chars.next()?),
            c => out.push(c),
        }
    }
    Some(out)
}

fn awkward() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('"'),
            Just('`'),
            Just('\''),
            Just('\\'),
            Just(' '),
            Just('é'),
            any::<char>(),
        ],
        0..24,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn identifiers_round_trip(name in awkward()) {
        for d in DIALECTS {
            let quoted = d.quote_ident(&name);
            prop_assert_eq!(unquote_ident(&quoted, d.identifier_quote()), Some(name.clone()));
        }
    }

    #[test]
    fn literals_round_trip(value in awkward()) {
        for d in DIALECTS {
            let quoted = d.quote_literal(&value);
            prop_assert_eq!(unquote_literal(&quoted, d), Some(value.clone()));
        }
    }

    #[test]
    fn plain_names_only_gain_quotes(name in "[a-zA-Z_][a-zA-Z0-9_]{0,30}") {
        prop_assert_eq!(Dialect::Postgres.quote_ident(&name), format!("\"{name}\""));
        prop_assert_eq!(Dialect::MySql.quote_ident(&name), format!("`{name}`"));
        prop_assert_eq!(Dialect::Sqlite.quote_literal(&name), format!("'{name}'"));
    }
}
