//! What SQLite keeps only in the `CREATE TABLE` text: constraint names,
//! check expressions and `AUTOINCREMENT`. A small reader of that text.

/// A table constraint or column constraint found in the text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Parsed {
    pub primary_key_name: Option<String>,
    /// (name, columns)
    pub uniques: Vec<(Option<String>, Vec<String>)>,
    /// (name, columns)
    pub foreign_keys: Vec<(Option<String>, Vec<String>)>,
    /// (name, expression, column for an inline check)
    pub checks: Vec<(Option<String>, String, Option<String>)>,
    /// Columns declared with AUTOINCREMENT.
    pub autoincrement: Vec<String>,
}

/// Splits at top-level commas, respecting quotes and parentheses.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in s.chars() {
        if let Some(q) = quote {
            cur.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' | '[' => {
                quote = Some(if c == '[' { ']' } else { c });
                cur.push(c);
            }
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Removes identifier quotes (`"a""b"`, `` `a` ``, `[a]`).
pub(crate) fn unquote(s: &str) -> String {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() >= 2 {
        let (f, l) = (b[0], b[b.len() - 1]);
        if (f == b'"' && l == b'"') || (f == b'`' && l == b'`') {
            let q = f as char;
            return s[1..s.len() - 1].replace(&format!("{q}{q}"), &q.to_string());
        }
        if f == b'[' && l == b']' {
            return s[1..s.len() - 1].to_string();
        }
    }
    s.to_string()
}

/// The first token (identifier, quoted or not) and the rest.
fn first_token(s: &str) -> (String, &str) {
    let s = s.trim_start();
    let b = s.as_bytes();
    if b.is_empty() {
        return (String::new(), s);
    }
    let close = match b[0] {
        b'"' => Some(b'"'),
        b'`' => Some(b'`'),
        b'[' => Some(b']'),
        _ => None,
    };
    if let Some(q) = close {
        let mut i = 1;
        while i < b.len() {
            if b[i] == q {
                if q != b']' && i + 1 < b.len() && b[i + 1] == q {
                    i += 2;
                    continue;
                }
                return (unquote(&s[..=i]), &s[i + 1..]);
            }
            i += 1;
        }
        return (unquote(s), "");
    }
    let end = s
        .find(|c: char| c.is_whitespace() || c == '(' || c == ',')
        .unwrap_or(s.len());
    (s[..end].to_string(), &s[end..])
}

/// The text inside the first balanced parentheses at or after the start
/// (outside quotes: a quoted name may hold a parenthesis), and the rest.
fn paren(s: &str) -> Option<(String, &str)> {
    let mut depth = 0;
    let mut open = 0;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '[' => quote = Some(']'),
            '(' => {
                if depth == 0 {
                    open = i;
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return Some((s[open + 1..i].trim().to_string(), &s[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

fn columns_of(list: &str) -> Vec<String> {
    split_top(list).iter().map(|c| first_token(c).0).collect()
}

/// Whether the byte can be part of an unquoted identifier (a byte of a
/// non-ASCII letter included).
fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || !b.is_ascii()
}

/// Whether `s` starts (after white space) with the keyword `kw`, as a
/// whole word, in any case.
fn upper_starts(s: &str, kw: &str) -> bool {
    let t = s.trim_start().as_bytes();
    t.get(..kw.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(kw.as_bytes()))
        && t.get(kw.len()).is_none_or(|b| !ident_byte(*b))
}

/// Reads a `CREATE TABLE` statement.
pub(crate) fn parse_create_table(sql: &str) -> Parsed {
    let mut p = Parsed::default();
    let Some((body, _)) = paren(sql) else {
        return p;
    };
    for item in split_top(&body) {
        let mut rest: &str = &item;
        let mut name = None;
        if upper_starts(rest, "CONSTRAINT") {
            let after = &rest.trim_start()["CONSTRAINT".len()..];
            let (n, r) = first_token(after);
            name = Some(n);
            rest = r;
        }
        if upper_starts(rest, "PRIMARY") {
            p.primary_key_name = name;
        } else if upper_starts(rest, "UNIQUE") {
            if let Some((cols, _)) = paren(rest) {
                p.uniques.push((name, columns_of(&cols)));
            }
        } else if upper_starts(rest, "FOREIGN") {
            if let Some((cols, _)) = paren(rest) {
                p.foreign_keys.push((name, columns_of(&cols)));
            }
        } else if upper_starts(rest, "CHECK") {
            if let Some((expr, _)) = paren(rest) {
                p.checks.push((name, expr, None));
            }
        } else {
            // A column definition: name, type, constraints.
            let (col, mut defn) = first_token(rest);
            if find_keyword(&defn.to_ascii_uppercase(), "AUTOINCREMENT").is_some() {
                p.autoincrement.push(col.clone());
            }
            // Inline checks (possibly named).
            loop {
                let upper = defn.to_ascii_uppercase();
                let Some(at) = find_keyword(&upper, "CHECK") else {
                    break;
                };
                let before = &defn[..at];
                let cname = find_keyword(&before.to_ascii_uppercase(), "CONSTRAINT")
                    .map(|c| first_token(&before[c + "CONSTRAINT".len()..]).0);
                match paren(&defn[at..]) {
                    Some((expr, after)) => {
                        p.checks.push((cname, expr, Some(col.clone())));
                        defn = after;
                    }
                    None => break,
                }
            }
        }
    }
    p
}

/// Reads a `CREATE [UNIQUE] INDEX ... ON t (keys) [WHERE cond]` statement:
/// the key list and the condition, as written (runs of white space made one).
pub(crate) fn parse_create_index(sql: &str) -> Option<(String, Option<String>)> {
    let upper = sql.to_ascii_uppercase();
    let on = find_keyword(&upper, "ON")?;
    let (_, rest) = first_token(&sql[on + 2..]);
    let (keys, after) = paren(rest)?;
    let after = after.trim();
    let predicate = if upper_starts(after, "WHERE") {
        Some(squeeze(&after.trim_start()[5..]))
    } else {
        None
    };
    Some((squeeze(&keys), predicate))
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Position of a keyword as a whole word, outside quotes. Every position
/// it looks at is a byte of `upper`; the one it returns starts the ASCII
/// keyword, so it is a character boundary.
fn find_keyword(upper: &str, kw: &str) -> Option<usize> {
    let b = upper.as_bytes();
    let mut quote: Option<u8> = None;
    for i in 0..b.len() {
        if let Some(q) = quote {
            if b[i] == q {
                quote = None;
            }
            continue;
        }
        match b[i] {
            b'\'' | b'"' | b'`' => quote = Some(b[i]),
            b'[' => quote = Some(b']'),
            _ if b[i..].starts_with(kw.as_bytes())
                && (i == 0 || !ident_byte(b[i - 1]))
                && b.get(i + kw.len()).is_none_or(|c| !ident_byte(*c)) =>
            {
                return Some(i);
            }
            _ => {}
        }
    }
    None
}

/// `"col" IN ('a','b')` → the labels, when the check is that shape for `col`.
pub(crate) fn enum_check(expr: &str, col: &str) -> Option<Vec<String>> {
    let (name, rest) = first_token(expr);
    if name != col {
        return None;
    }
    let rest = rest.trim_start();
    if !upper_starts(rest, "IN") {
        return None;
    }
    let (list, tail) = paren(rest)?;
    if !tail.trim().is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for v in split_top(&list) {
        let v = v.trim();
        let inner = v.strip_prefix('\'')?.strip_suffix('\'')?;
        out.push(inner.replace("''", "'"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_expression_and_partial_indexes() {
        assert_eq!(
            parse_create_index(
                r#"CREATE UNIQUE INDEX "ix on x" ON "t" (lower(email),  "a") WHERE deleted_at IS NULL"#
            ),
            Some((
                r#"lower(email), "a""#.to_string(),
                Some("deleted_at IS NULL".to_string())
            ))
        );
        assert_eq!(
            parse_create_index(r#"create index i on t(a)"#),
            Some(("a".to_string(), None))
        );
    }

    #[test]
    fn reads_names_checks_and_autoincrement() {
        let p = parse_create_table(
            r#"CREATE TABLE "posts" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "status" text NOT NULL CHECK ("status" IN ('draft','it''s')),
  "age" integer CONSTRAINT "ck_age" CHECK (age >= 0),
  "a, b" integer,
  CONSTRAINT "uq_posts_a" UNIQUE ("a, b"),
  CONSTRAINT "fk_posts_author" FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON DELETE CASCADE,
  CONSTRAINT "ck_posts_x" CHECK (length(status) > 0)
)"#,
        );
        assert_eq!(p.autoincrement, vec!["id"]);
        assert_eq!(
            p.uniques,
            vec![(Some("uq_posts_a".into()), vec!["a, b".into()])]
        );
        assert_eq!(
            p.foreign_keys,
            vec![(Some("fk_posts_author".into()), vec!["author_id".into()])]
        );
        assert_eq!(p.checks.len(), 3);
        assert_eq!(
            enum_check(&p.checks[0].1, "status"),
            Some(vec!["draft".into(), "it's".into()])
        );
        assert_eq!(
            p.checks[1],
            (Some("ck_age".into()), "age >= 0".into(), Some("age".into()))
        );
        assert_eq!(p.checks[2].0.as_deref(), Some("ck_posts_x"));
    }

    #[test]
    fn a_column_named_cafe_is_read() {
        let p = parse_create_table(r#"CREATE TABLE "menu" ("id" integer, "café" text NOT NULL)"#);
        assert_eq!(p, Parsed::default());
        let p = parse_create_table(r#"CREATE TABLE "menu" ("é" text CHECK ("é" <> ''))"#);
        assert_eq!(
            p.checks,
            vec![(None, r#""é" <> ''"#.into(), Some("é".into()))]
        );
    }

    #[test]
    fn reads_non_ascii_and_quoted_identifiers() {
        let p = parse_create_table(
            r#"CREATE TABLE "café (x" (
  "café" integer NOT NULL CONSTRAINT "ck_é" CHECK ("café" > 0),
  "ß""q" text CHECK ("ß""q" IN ('a','é')),
  "日本 `x'" integer,
  checked integer,
  [a(b] integer,
  CONSTRAINT "pk_café" PRIMARY KEY ("café"),
  CONSTRAINT "uq_日本" UNIQUE ("日本 `x'", "ß""q")
)"#,
        );
        assert_eq!(p.primary_key_name.as_deref(), Some("pk_café"));
        assert_eq!(
            p.uniques,
            vec![(
                Some("uq_日本".into()),
                vec!["日本 `x'".into(), "ß\"q".into()]
            )]
        );
        assert_eq!(p.checks.len(), 2);
        assert_eq!(
            p.checks[0],
            (
                Some("ck_é".into()),
                "\"café\" > 0".into(),
                Some("café".into())
            )
        );
        assert_eq!(
            enum_check(&p.checks[1].1, "ß\"q"),
            Some(vec!["a".into(), "é".into()])
        );
        assert_eq!(
            parse_create_index(
                r#"CREATE INDEX "ix_é ON (" ON "café (x" ("日本 `x'") WHERE "é" > 1"#
            ),
            Some((r#""日本 `x'""#.to_string(), Some(r#""é" > 1"#.to_string())))
        );
        assert_eq!(
            parse_create_index("CREATE INDEX ié ON té (é) WHERE éa IS NULL"),
            Some(("é".to_string(), Some("éa IS NULL".to_string())))
        );
    }
}
