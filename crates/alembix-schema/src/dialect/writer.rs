//! The writer [`Dialect::build_query`](super::Dialect::build_query) renders
//! statements into: sea-query's placeholders and bound values, except that a
//! row count after `LIMIT` is written into the SQL as an integer.
//!
//! sea-query binds every value, the row limit included. SQLite reads an
//! integer `LIMIT` parameter while it prepares the statement
//! (`sqlite3ExprIsInteger`) and so marks the statement to be prepared
//! again whenever that parameter is bound again, which is every execution
//! (BENCHMARKS.md, "`LIMIT` written as an integer"). The other backends
//! showed no difference either way.
//!
//! `OFFSET` stays bound: it changes from page to page, and a literal would
//! make each page a statement of its own in the driver's statement cache.
//!
//! A [`prequoted`] text (the text of an `Expr::cust`) is written as the
//! SQL it holds, already quoted for the dialect. A model's whole select list
//! is one such expression (a [`column_list`]), made once per model, instead
//! of one sea-query column per column to build, quote and drop at every
//! query (BENCHMARKS.md, "A model's select list rendered once"); so is the
//! `ON` condition of a join along a foreign key.

use std::fmt::Write;

use sea_query::{QueryBuilder, SqlWriter, Value, Values};

/// What starts a [`prequoted`] text, and each of its renderings (followed
/// by the quote character the rendering is made for): no SQL text or
/// identifier holds a NUL.
const PREQUOTED: char = '\0';

/// The text of an `Expr::cust` that [`Dialect::build_query`](super::Dialect::build_query)
/// writes as `table.column` for each of `columns`, separated by `, `, every
/// name quoted as the dialect quotes identifiers. The text holds the list
/// rendered once for each way the dialects quote, so it can be made once
/// and kept (a model keeps its select list) and written by any dialect
/// without quoting anything again. Only `build_query` understands it:
/// rendered by sea-query's own builders it is not SQL.
///
/// ```
/// use alembix_schema::Dialect;
/// use alembix_schema::dialect::column_list;
/// use sea_query::{Alias, Expr, Query};
///
/// let list = column_list("post", ["id", "title"]);
/// let mut stmt = Query::select();
/// stmt.expr(Expr::cust(list)).from(Alias::new("post"));
/// let (sql, _) = Dialect::Postgres.build_query(&stmt);
/// assert_eq!(sql, r#"SELECT "post"."id", "post"."title" FROM "post""#);
/// let (sql, _) = Dialect::MySql.build_query(&stmt);
/// assert_eq!(sql, "SELECT `post`.`id`, `post`.`title` FROM `post`");
/// ```
pub fn column_list<'a>(table: &str, columns: impl IntoIterator<Item = &'a str>) -> String {
    let mut pieces = Vec::new();
    for (i, column) in columns.into_iter().enumerate() {
        if i > 0 {
            pieces.push(Piece::Sql(", "));
        }
        pieces.extend(qualified(table, column));
    }
    prequoted(&pieces)
}

/// The [`prequoted`] pieces of `table.column`, both names quoted.
///
/// ```
/// use alembix_schema::Dialect;
/// use alembix_schema::dialect::{prequoted, qualified};
/// use sea_query::{Alias, Expr, Query};
///
/// let mut stmt = Query::select();
/// stmt.expr(Expr::cust(prequoted(&qualified("post", "id")))).from(Alias::new("post"));
/// assert_eq!(Dialect::MySql.build_query(&stmt).0, "SELECT `post`.`id` FROM `post`");
/// ```
pub fn qualified<'a>(table: &'a str, column: &'a str) -> [Piece<'a>; 3] {
    [Piece::Ident(table), Piece::Sql("."), Piece::Ident(column)]
}

/// A piece of a [`prequoted`] text: SQL written as it is, or an identifier
/// quoted as the dialect quotes identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// SQL text, written as it is.
    Sql(&'a str),
    /// A name, quoted.
    Ident(&'a str),
}

/// The text of an `Expr::cust` that [`Dialect::build_query`](super::Dialect::build_query)
/// writes as `pieces` one after the other, each [`Piece::Ident`] quoted as
/// the dialect quotes identifiers. Like a [`column_list`] (which is one),
/// the text holds the SQL once for each way the dialects quote, so it is
/// made once and kept: a join along a foreign key keeps its `ON` condition
/// so. Only `build_query` understands it.
///
/// ```
/// use alembix_schema::Dialect;
/// use alembix_schema::dialect::{Piece, prequoted};
/// use sea_query::{Alias, Expr, Query};
///
/// let on = prequoted(&[
///     Piece::Ident("post"), Piece::Sql("."), Piece::Ident("author_id"),
///     Piece::Sql(" = "),
///     Piece::Ident("author"), Piece::Sql("."), Piece::Ident("id"),
/// ]);
/// let mut stmt = Query::select();
/// stmt.expr(Expr::cust("1"))
///     .from(Alias::new("post"))
///     .inner_join(Alias::new("author"), Expr::cust(on));
/// let (sql, _) = Dialect::MySql.build_query(&stmt);
/// assert_eq!(sql, "SELECT 1 FROM `post` INNER JOIN `author` ON `post`.`author_id` = `author`.`id`");
/// ```
pub fn prequoted(pieces: &[Piece<'_>]) -> String {
    let mut text = String::new();
    let mut done: Vec<char> = Vec::new();
    for dialect in super::Dialect::ALL {
        if done.contains(&dialect.identifier_quote()) {
            continue;
        }
        done.push(dialect.identifier_quote());
        // Each rendering starts with the quote it is made for.
        text.push(PREQUOTED);
        text.push(dialect.identifier_quote());
        for piece in pieces {
            match *piece {
                Piece::Sql(sql) => text.push_str(sql),
                Piece::Ident(name) => text.push_str(&dialect.quote_ident(name)),
            }
        }
    }
    text
}

/// Collects the SQL text and the bound values of one statement.
pub(super) struct QueryWriter {
    sql: String,
    values: Vec<Value>,
    placeholder: &'static str,
    numbered: bool,
    /// The characters around a quoted identifier.
    quote: (char, char),
}

impl QueryWriter {
    pub(super) fn new(builder: &impl QueryBuilder) -> Self {
        let (placeholder, numbered) = builder.placeholder();
        let quote = builder.quote();
        QueryWriter {
            sql: String::with_capacity(256),
            values: Vec::new(),
            placeholder,
            numbered,
            quote: (quote.left(), quote.right()),
        }
    }

    pub(super) fn into_parts(self) -> (String, Values) {
        (self.sql, Values(self.values))
    }
}

/// The row count `value` holds, when it is a non-negative integer.
fn row_count(value: &Value) -> Option<u64> {
    match *value {
        Value::BigUnsigned(Some(n)) => Some(n),
        Value::Unsigned(Some(n)) => Some(n.into()),
        Value::BigInt(Some(n)) => u64::try_from(n).ok(),
        Value::Int(Some(n)) => u64::try_from(n).ok(),
        _ => None,
    }
}

impl Write for QueryWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        // sea-query writes an `Expr::cust` text in one piece.
        match s.strip_prefix(PREQUOTED) {
            Some(texts) => {
                // The rendering marked with this dialect's quote.
                let quote = self.quote.0;
                let text = texts
                    .split(PREQUOTED)
                    .find_map(|text| text.strip_prefix(quote))
                    .unwrap_or(texts);
                self.sql.push_str(text);
            }
            None => self.sql.push_str(s),
        }
        Ok(())
    }

    fn write_char(&mut self, c: char) -> std::fmt::Result {
        self.sql.push(c);
        Ok(())
    }
}

impl std::fmt::Display for QueryWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sql)
    }
}

impl SqlWriter for QueryWriter {
    fn push_param<T: QueryBuilder>(&mut self, value: Value, _: &T) {
        // sea-query writes " LIMIT " and then the limit's value, in SELECT,
        // and in UPDATE and DELETE where the backend takes a limit there.
        if self.sql.ends_with(" LIMIT ")
            && let Some(n) = row_count(&value)
        {
            write!(self.sql, "{n}").expect("writing to a String cannot fail");
            return;
        }
        self.sql.push_str(self.placeholder);
        self.values.push(value);
        if self.numbered {
            let n = self.values.len();
            write!(self.sql, "{n}").expect("writing to a String cannot fail");
        }
    }

    fn as_writer(&mut self) -> &mut dyn Write {
        self as _
    }
}

#[cfg(test)]
mod tests {
    use sea_query::{Alias, Expr, ExprTrait, Query};

    use crate::Dialect;

    fn select() -> sea_query::SelectStatement {
        let mut stmt = Query::select();
        stmt.column(Alias::new("id"))
            .from(Alias::new("post"))
            .and_where(Expr::col(Alias::new("author_id")).eq(7));
        stmt
    }

    #[test]
    fn limit_is_written_as_an_integer_on_every_dialect() {
        for dialect in Dialect::ALL {
            let mut stmt = select();
            stmt.limit(20);
            let (sql, values) = dialect.build_query(&stmt);
            assert!(sql.ends_with(" LIMIT 20"), "{dialect:?}: {sql}");
            assert_eq!(values.0.len(), 1, "{dialect:?}: only the filter is bound");
        }
    }

    #[test]
    fn offset_stays_bound_and_numbers_follow_on() {
        let mut stmt = select();
        stmt.limit(10).offset(30);
        let (sql, values) = Dialect::Postgres.build_query(&stmt);
        assert_eq!(
            sql,
            r#"SELECT "id" FROM "post" WHERE "author_id" = $1 LIMIT 10 OFFSET $2"#
        );
        assert_eq!(
            values.0,
            vec![
                sea_query::Value::Int(Some(7)),
                sea_query::Value::BigUnsigned(Some(30))
            ]
        );
        let (sql, _) = Dialect::Sqlite.build_query(&stmt);
        assert!(sql.ends_with(r#"= ? LIMIT 10 OFFSET ?"#), "{sql}");
    }

    #[test]
    fn a_value_after_the_limit_keeps_its_placeholder_number() {
        // A subquery's limit before a bound value of the outer query.
        let mut inner = select();
        inner.limit(5);
        let mut outer = Query::select();
        outer
            .column(Alias::new("id"))
            .from_subquery(inner, Alias::new("recent"))
            .and_where(Expr::col(Alias::new("id")).gt(100));
        let (sql, values) = Dialect::Postgres.build_query(&outer);
        assert!(sql.contains("LIMIT 5)"), "{sql}");
        assert!(sql.ends_with(r#""id" > $2"#), "{sql}");
        assert_eq!(values.0.len(), 2);
    }

    #[test]
    fn the_largest_row_count_fits() {
        let mut stmt = select();
        stmt.limit(i64::MAX as u64).offset(3);
        let (sql, _) = Dialect::MySql.build_query(&stmt);
        assert!(
            sql.contains(&format!(" LIMIT {} OFFSET ?", i64::MAX)),
            "{sql}"
        );
    }

    #[test]
    fn a_column_list_is_quoted_as_each_dialect_quotes_names() {
        let list = super::column_list("my\"post`", ["id", "we\"ird`name"]);
        let mut stmt = Query::select();
        stmt.expr(Expr::cust(list.clone()))
            .from(Alias::new("my\"post`"))
            .and_where(Expr::col(Alias::new("id")).eq(7));
        for dialect in Dialect::ALL {
            let (sql, values) = dialect.build_query(&stmt);
            // The names are quoted exactly as sea-query quotes a column of
            // the same names.
            let mut same = Query::select();
            same.column((Alias::new("my\"post`"), Alias::new("id")))
                .column((Alias::new("my\"post`"), Alias::new("we\"ird`name")))
                .from(Alias::new("my\"post`"))
                .and_where(Expr::col(Alias::new("id")).eq(7));
            assert_eq!(sql, dialect.build_query(&same).0, "{dialect:?}");
            assert_eq!(values.0, vec![sea_query::Value::Int(Some(7))]);
        }
        let (sql, _) = Dialect::Postgres.build_query(&stmt);
        assert!(
            sql.starts_with(r#"SELECT "my""post`"."id", "my""post`"."we""ird`name" FROM"#),
            "{sql}"
        );
        let (sql, _) = Dialect::MySql.build_query(&stmt);
        assert!(
            sql.starts_with(r#"SELECT `my"post```.`id`, `my"post```.`we"ird``name` FROM"#),
            "{sql}"
        );
    }

    #[test]
    fn a_prequoted_text_may_start_and_end_with_plain_sql() {
        use super::{Piece, prequoted};
        let text = prequoted(&[
            Piece::Sql("("),
            Piece::Ident("a`b\"c"),
            Piece::Sql(" > 1 OR 2 = 2)"),
        ]);
        let mut stmt = Query::select();
        stmt.expr(Expr::cust("1"))
            .from(Alias::new("t"))
            .and_where(Expr::cust(text));
        let (sql, _) = Dialect::Postgres.build_query(&stmt);
        assert_eq!(sql, r#"SELECT 1 FROM "t" WHERE ("a`b""c" > 1 OR 2 = 2)"#);
        let (sql, _) = Dialect::Sqlite.build_query(&stmt);
        assert_eq!(sql, r#"SELECT 1 FROM "t" WHERE ("a`b""c" > 1 OR 2 = 2)"#);
        let (sql, _) = Dialect::MySql.build_query(&stmt);
        assert_eq!(sql, r#"SELECT 1 FROM `t` WHERE (`a``b"c` > 1 OR 2 = 2)"#);
    }

    #[test]
    fn a_column_list_inside_a_subquery_and_beside_other_columns() {
        let mut inner = Query::select();
        inner
            .expr(Expr::cust(super::column_list("t", ["a"])))
            .from(Alias::new("t"));
        let mut stmt = Query::select();
        stmt.column(Alias::new("x"))
            .expr(Expr::cust(super::column_list("u", ["b", "c"])))
            .from(Alias::new("u"))
            .and_where(Expr::col(Alias::new("b")).in_subquery(inner));
        let (sql, _) = Dialect::Sqlite.build_query(&stmt);
        assert_eq!(
            sql,
            r#"SELECT "x", "u"."b", "u"."c" FROM "u" WHERE "b" IN (SELECT "t"."a" FROM "t")"#
        );
    }
}
