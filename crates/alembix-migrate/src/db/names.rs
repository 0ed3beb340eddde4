//! What a statement acts on, read from its tokens (strings and comments
//! never count): the tables and indexes it names, whether it runs
//! `CONCURRENTLY`, and the index a `CREATE INDEX CONCURRENTLY` builds.
//! Names come back as SQL writes them (a quoted part quoted again, an
//! unquoted part as written, at most `schema.name`), ready to be bound as
//! text for the database to resolve (`to_regclass`).

use alembix_schema::Dialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// One token as these questions need it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A word: its text as written (without quotes) and whether quoted.
    Word { text: String, quoted: bool },
    /// `.`
    Period,
    /// Anything else.
    Other,
}

impl Tok {
    /// True for the unquoted keyword `kw` (upper case), in any case.
    fn is(&self, kw: &str) -> bool {
        matches!(self, Tok::Word { text, quoted: false } if text.eq_ignore_ascii_case(kw))
    }
}

fn tokens(d: Dialect, sql: &str) -> Vec<Tok> {
    let parser = crate::lint::dialect::parser_dialect(d);
    let Ok(raw) = Tokenizer::new(parser.as_ref(), sql).tokenize() else {
        return Vec::new();
    };
    raw.into_iter()
        .filter_map(|t| match t {
            Token::Whitespace(_) | Token::EOF => None,
            Token::Word(w) => Some(Tok::Word {
                text: w.value,
                quoted: w.quote_style.is_some(),
            }),
            Token::Period => Some(Tok::Period),
            _ => Some(Tok::Other),
        })
        .collect()
}

/// Skips the optional words of `skip`, in any order, from `i`.
fn skip(t: &[Tok], mut i: usize, skip: &[&str]) -> usize {
    while t.get(i).is_some_and(|x| skip.iter().any(|kw| x.is(kw))) {
        i += 1;
    }
    i
}

/// The parts of a dotted name starting at `i`, and the index after it.
fn parts(t: &[Tok], mut i: usize) -> Option<(Vec<&Tok>, usize)> {
    let mut out = vec![t.get(i).filter(|x| matches!(x, Tok::Word { .. }))?];
    i += 1;
    while matches!(t.get(i), Some(Tok::Period)) {
        out.push(t.get(i + 1).filter(|x| matches!(x, Tok::Word { .. }))?);
        i += 2;
    }
    Some((out, i))
}

/// One part as SQL writes it.
fn render(d: Dialect, part: &Tok) -> String {
    match part {
        Tok::Word { text, quoted: true } => d.quote_ident(text),
        Tok::Word { text, .. } => text.clone(),
        _ => String::new(),
    }
}

/// A name of at most two parts (`schema.name`: a database or catalog
/// before them is dropped) as SQL writes it.
fn joined(d: Dialect, parts: &[&Tok]) -> String {
    let from = parts.len().saturating_sub(2);
    let out: Vec<String> = parts[from..].iter().map(|p| render(d, p)).collect();
    out.join(".")
}

/// Words after which a statement names a table (or view, sequence).
const BEFORE_TABLE: &[&str] = &[
    "TABLE",
    "FROM",
    "JOIN",
    "INTO",
    "UPDATE",
    "REFERENCES",
    "TRUNCATE",
    "LOCK",
    "VIEW",
    "SEQUENCE",
];

/// Words between those and the name.
const NOISE: &[&str] = &["IF", "NOT", "EXISTS", "ONLY", "TABLE", "CONCURRENTLY"];

/// The tables and indexes `sql` names, each once, in order: after
/// `TABLE`, `FROM`, `JOIN`, `INTO`, `UPDATE`, `REFERENCES`, `TRUNCATE`,
/// `LOCK`, `VIEW`, `SEQUENCE`, the table `ON` which an index is created,
/// and the index of `DROP`/`ALTER INDEX` (an index being created has no
/// locks yet).
pub(crate) fn relations(d: Dialect, sql: &str) -> Vec<String> {
    let t = tokens(d, sql);
    let creates_index = t.first().is_some_and(|x| x.is("CREATE"));
    let mut out: Vec<String> = Vec::new();
    let mut index_seen = false;
    for i in 0..t.len() {
        let names_table = BEFORE_TABLE.iter().any(|kw| t[i].is(kw))
            || (index_seen && creates_index && t[i].is("ON"));
        let names_index = t[i].is("INDEX") && !creates_index;
        index_seen |= t[i].is("INDEX");
        if !(names_table || names_index) {
            continue;
        }
        let at = skip(&t, i + 1, NOISE);
        let Some((name, _)) = parts(&t, at) else {
            continue;
        };
        let name = joined(d, &name);
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// True when `sql` runs `CONCURRENTLY` (the word, outside strings and
/// comments).
pub(crate) fn is_concurrent(d: Dialect, sql: &str) -> bool {
    d.caps().concurrent_indexes && tokens(d, sql).iter().any(|x| x.is("CONCURRENTLY"))
}

/// The index `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON
/// table` builds, as SQL writes it: in the table's schema when the table
/// is qualified (an index lives in its table's schema), else bare (found
/// on the search path). `None` for any other statement, or one that
/// leaves the name to the database.
pub(crate) fn concurrent_index(d: Dialect, sql: &str) -> Option<String> {
    if !d.caps().concurrent_indexes {
        return None;
    }
    let t = tokens(d, sql);
    let mut i = 0;
    for kw in ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY"] {
        match t.get(i) {
            Some(x) if x.is(kw) => i += 1,
            _ if kw == "UNIQUE" => {}
            _ => return None,
        }
    }
    let i = skip(&t, i, &["IF", "NOT", "EXISTS"]);
    let index = t
        .get(i)
        .filter(|x| matches!(x, Tok::Word { .. }) && !x.is("ON"))?;
    if !t.get(i + 1)?.is("ON") {
        return None;
    }
    let (table, _) = parts(&t, skip(&t, i + 2, &["ONLY"]))?;
    let name = render(d, index);
    Some(match table.len() {
        n if n >= 2 => format!("{}.{name}", render(d, table[n - 2])),
        _ => name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alembix_schema::Dialect::{MySql, Postgres, Sqlite};

    #[test]
    fn relations_of_ddl_and_dml() {
        let r = relations(
            Postgres,
            r#"ALTER TABLE "Posts" ADD FOREIGN KEY (a) REFERENCES app.users (id)"#,
        );
        assert_eq!(r, [r#""Posts""#, "app.users"]);
        let r = relations(
            Postgres,
            "ALTER TABLE IF EXISTS ONLY public.t ADD COLUMN x int",
        );
        assert_eq!(r, ["public.t"]);
        let r = relations(
            Postgres,
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON ONLY t (a)",
        );
        assert_eq!(r, ["t"]);
        let r = relations(Postgres, "DROP INDEX CONCURRENTLY IF EXISTS s.ix_a");
        assert_eq!(r, ["s.ix_a"]);
        let r = relations(
            Postgres,
            "INSERT INTO a (x) SELECT y FROM b JOIN c ON b.id = c.id",
        );
        assert_eq!(r, ["a", "b", "c"]);
        let r = relations(Postgres, "UPDATE t SET x = 'FROM u' -- FROM v\n");
        assert_eq!(r, ["t"]);
        let r = relations(Postgres, "DELETE FROM db.s.t; LOCK TABLE t2");
        assert_eq!(r, ["s.t", "t2"]);
        assert_eq!(
            relations(Postgres, r#"TRUNCATE "we""ird""#),
            [r#""we""ird""#]
        );
        assert_eq!(relations(MySql, "ALTER TABLE `x y` ADD c int"), ["`x y`"]);
        assert!(relations(Postgres, "SELECT 1").is_empty());
        assert!(relations(Postgres, "SELECT * FROM (SELECT 1) s").is_empty());
        assert!(relations(Postgres, "not sql at all 'unterminated").is_empty());
    }

    #[test]
    fn concurrently() {
        assert!(is_concurrent(
            Postgres,
            "create index concurrently ix on t (a)"
        ));
        assert!(!is_concurrent(
            Postgres,
            "CREATE INDEX ix ON t (a) -- CONCURRENTLY"
        ));
        assert!(!is_concurrent(
            Postgres,
            "INSERT INTO t VALUES ('CONCURRENTLY')"
        ));
        assert!(!is_concurrent(
            MySql,
            "CREATE INDEX CONCURRENTLY ix ON t (a)"
        ));
    }

    #[test]
    fn concurrent_index_names() {
        let ix = |sql| concurrent_index(Postgres, sql);
        assert_eq!(
            ix(r#"CREATE INDEX CONCURRENTLY IF NOT EXISTS "ix_posts_slug" ON "posts" ("slug")"#),
            Some(r#""ix_posts_slug""#.into())
        );
        assert_eq!(
            ix("create unique index concurrently ix on app.t (a)"),
            Some("app.ix".into())
        );
        assert_eq!(
            ix(r#"CREATE INDEX CONCURRENTLY ix ON ONLY "S"."t" (a)"#),
            Some(r#""S".ix"#.into())
        );
        assert_eq!(ix("CREATE INDEX CONCURRENTLY ON t (a)"), None);
        assert_eq!(ix("CREATE INDEX ix ON t (a)"), None);
        assert_eq!(ix("DROP INDEX CONCURRENTLY ix"), None);
        assert_eq!(
            concurrent_index(Sqlite, "CREATE INDEX CONCURRENTLY ix ON t (a)"),
            None
        );
    }
}
