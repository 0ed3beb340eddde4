//! Statements of a transactional step sent in one round trip where DDL is
//! transactional (PostgreSQL, SQLite): the revision's own text joined, no
//! value bound or put in by the engine. The server reports each statement
//! it finishes, so a failure still names the statement; the step's
//! transaction makes the whole batch commit or roll back as one.

use alembix_schema::Dialect;

use super::kinds::tx_control;
use super::session::Session;
use crate::split::{Statement, split_for};

/// Most bytes of revision SQL sent in one round trip.
const BATCH_BYTES: usize = 1 << 20;

/// Whether `statements` can go to the server joined: the server must see
/// each as exactly one statement (the splitter finds one in its text, so
/// the server's count of finished statements names ours: a `-- statement:
/// begin/end` block holding several does not qualify), and none may open
/// or end a transaction.
pub(super) fn batchable(d: Dialect, statements: &[Statement]) -> bool {
    statements.len() > 1
        && statements
            .iter()
            .all(|st| tx_control(&st.sql).is_none() && split_for(&st.sql, d).len() == 1)
}

/// The statements joined into texts of at most [`BATCH_BYTES`] (or one
/// statement), each with how many statements it holds. The separator
/// starts on a line of its own, so a statement ending in a `--` comment
/// keeps it.
fn chunks(statements: &[Statement]) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for st in statements {
        match out.last_mut() {
            Some((n, text)) if text.len() + st.sql.len() < BATCH_BYTES => {
                text.push_str("\n;\n");
                text.push_str(&st.sql);
                *n += 1;
            }
            _ => out.push((1, st.sql.clone())),
        }
    }
    out
}

impl Session {
    /// Runs `statements` (numbered from `first` in the section) in
    /// batches inside the open transaction; on a failure, the number of
    /// the failing statement and the database's error.
    pub(super) async fn run_batched(
        &mut self,
        statements: &[Statement],
        first: usize,
    ) -> Result<(), (usize, sqlx::Error)> {
        let mut before = first;
        for (count, text) in chunks(statements) {
            self.conn
                .raw_batch(&text)
                .await
                .map_err(|(finished, e)| (before + finished, e))?;
            before += count;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(sql: &str) -> Statement {
        Statement {
            sql: sql.into(),
            line: 1,
        }
    }

    #[test]
    fn joins_on_lines_of_their_own() {
        let all = [st("CREATE TABLE a (x int) -- note"), st("DROP TABLE b")];
        assert!(batchable(Dialect::Postgres, &all));
        let c = chunks(&all);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0],
            (2, "CREATE TABLE a (x int) -- note\n;\nDROP TABLE b".into())
        );
        assert_eq!(split_for(&c[0].1, Dialect::Postgres).len(), 2);
    }

    #[test]
    fn refuses_what_the_server_would_count_otherwise() {
        let block = st("CREATE TABLE a (x int); CREATE TABLE b (y int)");
        assert!(!batchable(Dialect::Postgres, &[block, st("SELECT 1")]));
        assert!(!batchable(Dialect::Sqlite, &[st("COMMIT"), st("SELECT 1")]));
        assert!(!batchable(Dialect::Postgres, &[st("SELECT 1")]));
    }

    #[test]
    fn cuts_long_runs() {
        let big = "x".repeat(BATCH_BYTES / 2 + 1);
        let all = [st(&big), st(&big), st("SELECT 1")];
        let c = chunks(&all);
        assert_eq!(c.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 2]);
    }
}
