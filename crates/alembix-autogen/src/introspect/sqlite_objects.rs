//! SQLite's declared objects: views and triggers from `sqlite_master`,
//! which keeps their `CREATE` statements as written.

use alembix_schema::{ObjectKind, SqlObject};
use sqlx::{Row, SqliteConnection};

use super::count_query;
use crate::error::Result;

/// The views (their query) and triggers (their statement) of the main database.
pub(crate) async fn read_objects(conn: &mut SqliteConnection) -> Result<Vec<SqlObject>> {
    count_query();
    let rows = sqlx::query(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') AND sql IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let kind: String = r.try_get(0)?;
        let name: String = r.try_get(1)?;
        let sql: String = r.try_get(3)?;
        out.push(if kind == "view" {
            SqlObject::new(ObjectKind::View, name, view_query(&sql))
        } else {
            SqlObject::new(ObjectKind::Trigger, name, sql.trim()).on(r.try_get::<String, _>(2)?)
        });
    }
    Ok(out)
}

/// The query of a `CREATE VIEW ... AS query` statement: the text after the
/// first `AS` outside quotes and parentheses (a column list may precede it).
///
/// ```text
/// assert_eq!(view_query(r#"CREATE VIEW "v" ("a") AS SELECT 1"#), "SELECT 1");
/// ```
pub(crate) fn view_query(sql: &str) -> String {
    let bytes = sql.as_bytes();
    let mut quote: Option<u8> = None;
    let mut depth = 0usize;
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    for i in 0..bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' | b'`' => quote = Some(b),
                b'[' => quote = Some(b']'),
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b'a' | b'A'
                    if depth == 0
                        && bytes
                            .get(i + 1)
                            .is_some_and(|c| c.eq_ignore_ascii_case(&b's'))
                        && (i == 0 || !word(bytes[i - 1]))
                        && !bytes.get(i + 2).is_some_and(|&c| word(c)) =>
                {
                    return sql[i + 2..]
                        .trim()
                        .trim_end_matches(';')
                        .trim_end()
                        .to_string();
                }
                _ => {}
            },
        }
    }
    sql.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::view_query;

    #[test]
    fn query_after_as() {
        assert_eq!(view_query(r#"CREATE VIEW "v" AS SELECT 1"#), "SELECT 1");
        assert_eq!(
            view_query(r#"CREATE VIEW "as" ("a", "as") as select a as b from t"#),
            "select a as b from t"
        );
        assert_eq!(view_query("create view v\nAS\n  SELECT x;"), "SELECT x");
    }
}
