//! Quoting of identifiers and string literals: the one place where Alembix
//! escapes text for SQL.

use super::Dialect;

impl Dialect {
    /// The character that delimits identifiers: `"` on PostgreSQL and SQLite,
    /// a backtick on MySQL.
    pub fn identifier_quote(self) -> char {
        self.caps().identifier_quote
    }

    /// Quotes an identifier, doubling any embedded quote character.
    /// Identifiers are always quoted, so reserved words and mixed case are
    /// kept as written.
    ///
    /// ```
    /// use alembix_schema::Dialect::*;
    /// assert_eq!(Postgres.quote_ident("order"), r#""order""#);
    /// assert_eq!(Sqlite.quote_ident(r#"a"b"#), r#""a""b""#);
    /// assert_eq!(MySql.quote_ident("we`ird"), "`we``ird`");
    /// ```
    pub fn quote_ident(self, name: &str) -> String {
        let q = self.identifier_quote();
        let mut out = String::with_capacity(name.len() + 2);
        out.push(q);
        for c in name.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
        out
    }

    /// Quotes a string literal (a comment, an enum label): single quotes are
    /// doubled; on MySQL, where the backslash is an escape character,
    /// backslashes are doubled too.
    ///
    /// ```
    /// use alembix_schema::Dialect::*;
    /// assert_eq!(Postgres.quote_literal("it's"), "'it''s'");
    /// assert_eq!(Postgres.quote_literal(r"C:\x"), r"'C:\x'");
    /// assert_eq!(MySql.quote_literal(r"it's C:\x"), r"'it''s C:\\x'");
    /// ```
    pub fn quote_literal(self, value: &str) -> String {
        let backslash = self.caps().backslash_escapes;
        let mut out = String::with_capacity(value.len() + 2);
        out.push('\'');
        for c in value.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' if backslash => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    /// Quotes a possibly schema-qualified table name. The schema is a
    /// PostgreSQL feature; the other dialects ignore it. On PostgreSQL a
    /// table an [`Op`](crate::Op) names as `schema.table` (a table outside
    /// the default schema) is split at the first `.`.
    ///
    /// ```
    /// use alembix_schema::Dialect::*;
    /// assert_eq!(Postgres.quote_table(None, "audit.events"), r#""audit"."events""#);
    /// assert_eq!(Postgres.quote_table(Some("audit"), "events"), r#""audit"."events""#);
    /// assert_eq!(Sqlite.quote_table(None, "events"), r#""events""#);
    /// ```
    pub fn quote_table(self, schema: Option<&str>, name: &str) -> String {
        match split_table(self, schema, name) {
            (Some(s), n) => format!("{}.{}", self.quote_ident(s), self.quote_ident(n)),
            (None, n) => self.quote_ident(n),
        }
    }

    /// Quotes and joins a column list: `"a", "b"`.
    pub fn quote_list(self, names: &[String]) -> String {
        names
            .iter()
            .map(|n| self.quote_ident(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A name escaped for the places where sea-query writes a name between
    /// quotes without escaping it (index, foreign-key and constraint names):
    /// embedded quote characters are doubled beforehand.
    pub(crate) fn sea_query_raw_name(self, name: &str) -> String {
        let q = self.identifier_quote();
        name.replace(q, &format!("{q}{q}"))
    }
}

/// The PostgreSQL schema whose tables are named bare in ops (`users`), where
/// every other schema's tables are `schema.table`.
pub const DEFAULT_PG_SCHEMA: &str = "public";

/// The schema and the name of a table: the schema given, else on PostgreSQL
/// the part before the first `.` of a qualified name (`audit.events`).
/// Other dialects have no schemas and never split.
pub(crate) fn split_table<'a>(
    d: Dialect,
    schema: Option<&'a str>,
    name: &'a str,
) -> (Option<&'a str>, &'a str) {
    if !d.caps().has_schemas {
        return (None, name);
    }
    match schema {
        Some(s) => (Some(s), name),
        None => match name.split_once('.') {
            Some((s, n)) => (Some(s), n),
            None => (None, name),
        },
    }
}
