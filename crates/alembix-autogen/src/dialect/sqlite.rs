//! SQLite: index SQL is kept as written, so it is compared as SQLite reads it.

use alembix_schema::Dialect;

use super::DiffDriver;

/// The SQLite comparison rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqlite;

impl DiffDriver for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    /// What SQLite cannot do in place rebuilds the table, which drops its
    /// triggers and cannot rename it back under a view that reads it.
    fn keeps_dependents(&self, op: &alembix_schema::Op) -> bool {
        let default = !matches!(
            op,
            alembix_schema::Op::DropTable { .. }
                | alembix_schema::Op::RenameTable { .. }
                | alembix_schema::Op::DropColumn { .. }
                | alembix_schema::Op::RenameColumn { .. }
        );
        default && alembix_schema::render_op(op, Dialect::Sqlite).is_ok()
    }

    /// SQLite keeps the text as written: compare it as SQLite reads it.
    fn same_index_sql(&self, a: Option<&str>, b: Option<&str>) -> bool {
        a.map(sqlite_canon) == b.map(sqlite_canon)
    }
}

/// An SQLite expression as SQLite reads it, for comparing two spellings:
/// outside quotes, case does not matter (keywords, function names and bare
/// identifiers are case-insensitive) and white space only separates words.
///
/// `lower( Email ) WHERE a>0` and `LOWER(email) where a > 0` are the same.
pub(crate) fn sqlite_canon(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    let word = |c: char| c.is_alphanumeric() || c == '_';
    for c in sql.chars() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && out.chars().last().is_some_and(word) && word(c) {
            out.push(' ');
        }
        pending_space = false;
        match c {
            '\'' | '"' | '`' | '[' => {
                quote = Some(if c == '[' { ']' } else { c });
                out.push(c);
            }
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sqlite_canon;

    #[test]
    fn sqlite_spellings_compare_equal() {
        assert_eq!(
            sqlite_canon("lower( Email ) IS  NOT NULL AND a>0"),
            sqlite_canon("LOWER(email) is not null and a > 0")
        );
        assert_ne!(sqlite_canon("a = 'X'"), sqlite_canon("a = 'x'"));
        assert_ne!(sqlite_canon("\"A\" > 0"), sqlite_canon("\"a\" > 0"));
        assert_ne!(sqlite_canon("a > 0"), sqlite_canon("a > 1"));
    }
}
