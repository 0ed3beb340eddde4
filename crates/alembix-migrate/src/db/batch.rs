//! Statements of a transactional step sent in one round trip: the
//! revision's own text joined, no value put in by the engine. The server
//! reports each statement it finishes, so a failure still names the
//! statement. Where DDL is transactional (PostgreSQL, SQLite) the step's
//! transaction makes the whole batch commit or roll back as one; where DDL
//! commits itself (MySQL/MariaDB) a run of DDL statements goes with the log
//! write after each (`record`), which reads the run's identity from session
//! variables bound beforehand, so each statement and its record still
//! commit one after the other and a failure stops the batch there.

use alembix_schema::Dialect;

use alembix_driver::Values;
use sea_query::Value;

use super::kinds::tx_control;
use super::progress::{RUNNING, RunLog};
use super::session::Session;
use super::tables::TableNames;
use crate::split::{Statement, split_for};

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

/// The statements joined into texts of at most `max_bytes` (or one
/// statement; the backend's `batch_bytes`), each followed by `record` when
/// given, each text with how many statements of the revision it holds. The
/// separator starts on a line of its own, so a statement ending in a `--`
/// comment keeps it.
fn chunks(
    statements: &[Statement],
    record: Option<&str>,
    max_bytes: usize,
) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for st in statements {
        match out.last_mut() {
            Some((n, text)) if text.len() + st.sql.len() < max_bytes => {
                text.push_str("\n;\n");
                text.push_str(&st.sql);
                *n += 1;
            }
            _ => out.push((1, st.sql.clone())),
        }
        if let Some((_, text)) = out.last_mut().filter(|_| record.is_some()) {
            text.push_str("\n;\n");
            text.push_str(record.unwrap_or_default());
        }
    }
    out
}

/// A batch stopped: statement `n` failed, or its record did after it ran.
#[derive(Debug)]
pub(super) struct BatchError {
    pub n: usize,
    pub error: sqlx::Error,
    /// The statement ran and its record failed.
    pub record_failed: bool,
}

impl Session {
    /// Runs `statements` (numbered from `first` in the section) in
    /// batches, each statement followed by `record` when given; stops at
    /// the first failure.
    pub(super) async fn run_batched(
        &mut self,
        statements: &[Statement],
        first: usize,
        record: Option<&str>,
    ) -> Result<(), BatchError> {
        let per = if record.is_some() { 2 } else { 1 };
        let mut before = first;
        let max_bytes = self.dialect().caps().batch_bytes;
        for (count, text) in chunks(statements, record, max_bytes) {
            if let Err((finished, error)) = self.conn.raw_batch(&text).await {
                return Err(BatchError {
                    n: before + finished / per,
                    error,
                    record_failed: finished % per == 1,
                });
            }
            before += count;
        }
        Ok(())
    }

    /// The log write that follows each statement of a batch where DDL
    /// commits itself: one more statement finished, for the run whose
    /// identity it binds now to session variables.
    pub(super) async fn batch_record(
        &mut self,
        names: &TableNames,
        log: &RunLog,
    ) -> Result<String, sqlx::Error> {
        let sql = self.sql();
        let p: Vec<String> = (1..=3).map(|n| sql.placeholder(n)).collect();
        let set = format!(
            "SET @alembix_state = {}, @alembix_revision = {}, @alembix_direction = {}",
            p[0], p[1], p[2]
        );
        let text = |s: &str| Value::String(Some(s.to_string()));
        let values = vec![
            text(RUNNING),
            text(&log.revision),
            text(log.direction.as_str()),
        ];
        self.conn.execute(set, Values(values)).await?;
        let t = self.dialect().quote_ident(&names.log);
        Ok(format!(
            "UPDATE {t} SET statements_done = statements_done + 1, applied_at = {} WHERE state = @alembix_state AND revision = @alembix_revision AND direction = @alembix_direction",
            sql.now_utc
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1 << 20;

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
        let c = chunks(&all, None, MIB);
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
    fn records_follow_each_statement() {
        let all = [st("CREATE TABLE a (x int)"), st("DROP TABLE b")];
        let c = chunks(&all, Some("UPDATE log"), MIB);
        assert_eq!(
            c,
            [(
                2,
                "CREATE TABLE a (x int)\n;\nUPDATE log\n;\nDROP TABLE b\n;\nUPDATE log".into()
            )]
        );
    }

    #[test]
    fn cuts_long_runs() {
        let big = "x".repeat(MIB / 2 + 1);
        let all = [st(&big), st(&big), st("SELECT 1")];
        let c = chunks(&all, None, MIB);
        assert_eq!(c.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 2]);
    }
}
