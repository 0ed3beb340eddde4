//! What kind of statement a revision's SQL is, as far as transactions go.

/// The first word of a statement, upper-cased.
fn first_word(sql: &str) -> String {
    sql.trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_uppercase()
}

/// True for statements a transaction can roll back on MySQL (DDL commits
/// itself there, and commits the open transaction before it runs).
pub(crate) fn is_dml(sql: &str) -> bool {
    matches!(
        first_word(sql).as_str(),
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT" | "WITH" | "SET" | "DO"
    )
}

/// True for schema statements that return no rows and one result each
/// (`CALL` and the like may return several).
pub(crate) fn is_schema_change(sql: &str) -> bool {
    matches!(
        first_word(sql).as_str(),
        "CREATE" | "ALTER" | "DROP" | "RENAME" | "TRUNCATE"
    )
}

/// True for statements that may run in a transaction of their own with
/// their log row even in a no-transaction step (plain DML: the result is
/// the same as in autocommit, and the statement and its record commit
/// together).
pub(crate) fn wrappable(sql: &str) -> bool {
    matches!(
        first_word(sql).as_str(),
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT" | "WITH"
    )
}

/// `Some(true)` for a statement that opens a transaction, `Some(false)` for
/// one that ends it, `None` otherwise.
pub(crate) fn tx_control(sql: &str) -> Option<bool> {
    match first_word(sql).as_str() {
        "BEGIN" | "START" => Some(true),
        "COMMIT" | "END" | "ROLLBACK" => {
            // `ROLLBACK TO SAVEPOINT` keeps the transaction open.
            let upper = sql.to_ascii_uppercase();
            Some(upper.split_whitespace().nth(1) == Some("TO"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert!(is_dml("  insert into t values (1)"));
        assert!(!is_dml("CREATE TABLE t (x int)"));
        assert!(is_schema_change("alter table t add x int") && !is_schema_change("CALL p()"));
        assert!(wrappable("UPDATE t SET x = 1") && !wrappable("DO SLEEP(1)"));
        assert_eq!(tx_control("BEGIN"), Some(true));
        assert_eq!(tx_control("COMMIT"), Some(false));
        assert_eq!(tx_control("ROLLBACK TO sp"), Some(true));
        assert_eq!(tx_control("CREATE TABLE t (x int)"), None);
    }
}
