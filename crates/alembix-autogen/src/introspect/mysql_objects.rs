//! MySQL/MariaDB's declared objects of one database: views
//! (`information_schema.VIEWS`, the database's own name taken out of the
//! query), and functions, procedures and triggers as `SHOW CREATE` prints
//! them, without their `DEFINER` clause. Three queries: the views (not
//! asked for when TABLES listed none: MariaDB reads every table's
//! definition file to answer it), the names of the routines and triggers,
//! then every `SHOW CREATE` in one round trip.

use alembix_schema::{ObjectKind, SqlObject};
use sqlx::{AssertSqlSafe, MySqlConnection, Row};

use super::count_query;
use crate::dialect::DiffDriver;
use crate::error::Result;

/// `name` quoted as the MySQL driver's dialect quotes identifiers.
fn quoted(name: &str) -> String {
    crate::dialect::MySql.dialect().quote_ident(name)
}

/// Views of database `?`.
const VIEWS: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(VIEW_DEFINITION AS CHAR)
 FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?";

/// Functions, procedures and triggers of database `?`: (kind, name, table).
/// A trigger is in its table's database; MariaDB reads only that one
/// database's directory when EVENT_OBJECT_SCHEMA is compared (every
/// database's for TRIGGER_SCHEMA).
const ROUTINES_AND_TRIGGERS: &str =
    "SELECT CAST(ROUTINE_TYPE AS CHAR), CAST(ROUTINE_NAME AS CHAR), CAST(NULL AS CHAR)
 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
 UNION ALL
 SELECT 'TRIGGER', CAST(TRIGGER_NAME AS CHAR), CAST(EVENT_OBJECT_TABLE AS CHAR)
 FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ?";

/// The views, functions, procedures and triggers of database `db`;
/// `views`: whether it may have views (else they are not asked for).
pub(crate) async fn read_objects(
    conn: &mut MySqlConnection,
    db: &str,
    views: bool,
) -> Result<Vec<SqlObject>> {
    let rows = if views {
        count_query();
        sqlx::query(VIEWS).bind(db).fetch_all(&mut *conn).await?
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    for r in rows {
        let name: String = r.try_get(0)?;
        let def: Option<String> = r.try_get(1)?;
        let def = unqualified(def.as_deref().unwrap_or_default(), db);
        out.push(SqlObject::new(ObjectKind::View, name, def));
    }
    count_query();
    let rows = sqlx::query(ROUTINES_AND_TRIGGERS)
        .bind(db)
        .bind(db)
        .fetch_all(&mut *conn)
        .await?;
    let mut statements = Vec::new();
    for r in rows {
        let kind = match r.try_get::<String, _>(0)?.to_ascii_uppercase().as_str() {
            "PROCEDURE" => ObjectKind::Procedure,
            "FUNCTION" => ObjectKind::Function,
            "TRIGGER" => ObjectKind::Trigger,
            _ => continue, // MariaDB's packages (Oracle mode)
        };
        let name: String = r.try_get(1)?;
        let mut o = SqlObject::new(kind, name, "");
        o.table = r.try_get(2)?;
        statements.push(o);
    }
    if statements.is_empty() {
        return Ok(out);
    }
    // One round trip: a `SHOW CREATE` per object, each of one row whose
    // first column is the name and third the statement.
    let show: Vec<String> = statements
        .iter()
        .map(|o| {
            format!(
                "SHOW CREATE {} {}.{}",
                o.kind.sql_keyword(),
                quoted(db),
                quoted(&o.name)
            )
        })
        .collect();
    count_query();
    let rows = sqlx::raw_sql(AssertSqlSafe(show.join(";\n")))
        .fetch_all(&mut *conn)
        .await?;
    // The rows come in the order of the statements.
    for (mut o, r) in statements.into_iter().zip(rows) {
        let stmt = text(&r, 2)?.unwrap_or_default();
        o.definition = without_definer(stmt.trim());
        out.push(o);
    }
    Ok(out)
}

/// A column of a `SHOW` row as text (the server may send it as bytes).
fn text(r: &sqlx::mysql::MySqlRow, i: usize) -> Result<Option<String>> {
    if let Ok(s) = r.try_get::<Option<String>, _>(i) {
        return Ok(s);
    }
    let b: Option<Vec<u8>> = r.try_get(i)?;
    Ok(b.map(|b| String::from_utf8_lossy(&b).into_owned()))
}

/// The query of `information_schema.VIEWS` without the `` `db`. `` the
/// server puts before the names of the view's own database, so that it
/// reads the same in any database.
///
/// ```text
/// unqualified("select `shop`.`t`.`a` AS `a` from `shop`.`t`", "shop")
///     == "select `t`.`a` AS `a` from `t`"
/// ```
fn unqualified(def: &str, db: &str) -> String {
    let prefix = format!("{}.", quoted(db));
    def.trim().replace(&prefix, "")
}

/// `CREATE DEFINER=`u`@`h` FUNCTION ...` → `CREATE FUNCTION ...`: the
/// definer is the account that ran the statement, not part of the object.
fn without_definer(stmt: &str) -> String {
    let Some(rest) = stmt
        .get(..6)
        .filter(|c| c.eq_ignore_ascii_case("CREATE"))
        .and_then(|_| stmt[6..].trim_start().strip_prefix_ci("DEFINER="))
    else {
        return stmt.to_string();
    };
    // `user@host`, each part quoted with backticks or quotes, or bare.
    let mut chars = rest.char_indices().peekable();
    let mut quote: Option<char> = None;
    let mut end = rest.len();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) if c == q => {
                if chars.peek().is_some_and(|&(_, n)| n == q) {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None if c == '`' || c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() => {
                end = i;
                break;
            }
            None => {}
        }
    }
    format!("CREATE {}", rest[end..].trim_start())
}

/// `strip_prefix` ignoring ASCII case.
trait StripPrefixCi {
    fn strip_prefix_ci(&self, prefix: &str) -> Option<&str>;
}

impl StripPrefixCi for str {
    fn strip_prefix_ci(&self, prefix: &str) -> Option<&str> {
        self.get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .map(|_| &self[prefix.len()..])
    }
}

#[cfg(test)]
mod tests {
    use super::{unqualified, without_definer};

    #[test]
    fn definer_is_left_out() {
        assert_eq!(
            without_definer(
                "CREATE DEFINER=`root`@`127.0.0.1` FUNCTION `f`() RETURNS int\nRETURN 1"
            ),
            "CREATE FUNCTION `f`() RETURNS int\nRETURN 1"
        );
        assert_eq!(
            without_definer(
                "CREATE DEFINER=`a b``c`@`%` trigger t BEFORE INSERT ON x FOR EACH ROW SET @a = 1"
            ),
            "CREATE trigger t BEFORE INSERT ON x FOR EACH ROW SET @a = 1"
        );
        assert_eq!(
            without_definer("CREATE PROCEDURE p() SELECT 1"),
            "CREATE PROCEDURE p() SELECT 1"
        );
    }

    #[test]
    fn own_database_is_left_out() {
        assert_eq!(
            unqualified(
                "select `shop`.`t`.`a` AS `a` from (`shop`.`t` join `other`.`u`)",
                "shop"
            ),
            "select `t`.`a` AS `a` from (`t` join `other`.`u`)"
        );
    }
}
