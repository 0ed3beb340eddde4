//! The log row of a revision run: inserted when the first part of the
//! revision commits, moved on as steps and statements finish, marked done
//! with the version change in the revision's last step. A row still
//! `running` is the database's half-way mark.

use alembix_driver::Values;
use sea_query::Value;

use super::session::Session;
use super::tables::{PROGRESS_COLUMNS, TableNames};
use crate::error::Result;
use crate::step::{Direction, VersionChange};

/// `state` of a row whose revision run is half-way.
pub(super) const RUNNING: &str = "running";

fn text(s: &str) -> Value {
    Value::String(Some(s.to_string()))
}

fn int(n: usize) -> Value {
    Value::BigInt(Some(n as i64))
}

/// A half-way run as the log table records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProgressRow {
    pub revision: String,
    pub direction: Direction,
    pub steps_done: usize,
    pub statements_done: usize,
    pub skipped: Vec<usize>,
    pub checksum: String,
}

/// The log row of one revision run while it runs.
#[derive(Debug)]
pub(crate) struct RunLog {
    pub revision: String,
    pub direction: Direction,
    pub checksum: String,
    /// The row exists (written by an earlier part of this run or by an
    /// earlier run that stopped half-way).
    pub row_exists: bool,
    pub skipped: Vec<usize>,
}

impl RunLog {
    /// The log of a run starting fresh or resuming `resume`.
    pub(crate) fn new(
        revision: &str,
        direction: Direction,
        checksum: String,
        resume: Option<&ProgressRow>,
    ) -> RunLog {
        RunLog {
            revision: revision.to_string(),
            direction,
            checksum,
            row_exists: resume.is_some(),
            skipped: resume.map(|r| r.skipped.clone()).unwrap_or_default(),
        }
    }

    fn skipped_text(&self) -> Option<String> {
        (!self.skipped.is_empty()).then(|| {
            let n: Vec<String> = self.skipped.iter().map(|n| n.to_string()).collect();
            n.join(",")
        })
    }
}

impl Session {
    /// Adds the progress columns to a log table made before them.
    pub(crate) async fn upgrade_log_table(&mut self, names: &TableNames) -> Result<()> {
        let t = self.dialect().quote_ident(&names.log);
        for (column, def) in PROGRESS_COLUMNS {
            if !self.conn.column_exists(&names.log, column).await? {
                self.conn
                    .raw(&format!("ALTER TABLE {t} ADD COLUMN {def}"))
                    .await?;
            }
        }
        Ok(())
    }

    /// Whether the log table exists with its progress columns.
    pub(crate) async fn has_progress(&mut self, names: &TableNames) -> Result<bool> {
        Ok(self.conn.table_exists(&names.log).await?
            && self.conn.column_exists(&names.log, "state").await?)
    }

    /// The half-way run, if the log records one.
    pub(crate) async fn running_row(&mut self, names: &TableNames) -> Result<Option<ProgressRow>> {
        if !self.has_progress(names).await? {
            return Ok(None);
        }
        let t = self.dialect().quote_ident(&names.log);
        let p = self.sql().placeholder(1);
        let sql = format!(
            "SELECT revision, direction, steps_done, statements_done, skipped, checksum FROM {t} WHERE state = {p} ORDER BY id DESC"
        );
        let rows = self
            .conn
            .fetch_all(sql, Values(vec![text(RUNNING)]))
            .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let skipped = rows.get_opt_string(0, 4)?.unwrap_or_default();
        Ok(Some(ProgressRow {
            revision: rows.get_string(0, 0)?,
            direction: super::direction_of(&rows.get_string(0, 1)?).unwrap_or(Direction::Up),
            steps_done: rows.get_opt_i64(0, 2)?.unwrap_or(0) as usize,
            statements_done: rows.get_opt_i64(0, 3)?.unwrap_or(0) as usize,
            skipped: skipped
                .split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect(),
            checksum: rows.get_string(0, 5)?,
        }))
    }

    /// Records that `steps_done` steps and `statements_done` statements of
    /// the run finished (inserting the running row the first time).
    pub(crate) async fn record_progress(
        &mut self,
        names: &TableNames,
        run: &mut RunLog,
        steps_done: usize,
        statements_done: usize,
    ) -> std::result::Result<(), sqlx::Error> {
        self.write_row(names, run, steps_done, statements_done, RUNNING, 0)
            .await?;
        run.row_exists = true;
        Ok(())
    }

    /// The end of a run: the version change, and the row marked done.
    pub(crate) async fn finish_run(
        &mut self,
        names: &TableNames,
        run: &RunLog,
        totals: (usize, usize),
        change: &VersionChange,
        duration_ms: i64,
    ) -> std::result::Result<(), sqlx::Error> {
        self.write_version_change(names, change).await?;
        self.write_row(names, run, totals.0, totals.1, "done", duration_ms)
            .await
    }

    /// Inserts or moves on the run's row.
    async fn write_row(
        &mut self,
        names: &TableNames,
        run: &RunLog,
        steps_done: usize,
        statements_done: usize,
        state: &str,
        duration_ms: i64,
    ) -> std::result::Result<(), sqlx::Error> {
        let t = self.dialect().quote_ident(&names.log);
        let sql = self.sql();
        let p: Vec<String> = (1..=9).map(|n| sql.placeholder(n)).collect();
        let skipped = Value::String(run.skipped_text());
        let (query, values) = if run.row_exists {
            (
                format!(
                    "UPDATE {t} SET steps_done = {}, statements_done = {}, state = {}, duration_ms = {}, skipped = {}, checksum = {}, applied_at = {} WHERE state = {} AND revision = {} AND direction = {}",
                    p[0], p[1], p[2], p[3], p[4], p[5], sql.now_utc, p[6], p[7], p[8]
                ),
                vec![
                    int(steps_done),
                    int(statements_done),
                    text(state),
                    Value::BigInt(Some(duration_ms)),
                    skipped,
                    text(&run.checksum),
                    text(RUNNING),
                    text(&run.revision),
                    text(run.direction.as_str()),
                ],
            )
        } else {
            (
                format!(
                    "INSERT INTO {t} (revision, direction, applied_at, duration_ms, checksum, steps_done, statements_done, state, skipped) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
                    p[0], p[1], sql.now_utc, p[2], p[3], p[4], p[5], p[6], p[7]
                ),
                vec![
                    text(&run.revision),
                    text(run.direction.as_str()),
                    Value::BigInt(Some(duration_ms)),
                    text(&run.checksum),
                    int(steps_done),
                    int(statements_done),
                    text(state),
                    skipped,
                ],
            )
        };
        self.conn.execute(query, Values(values)).await.map(drop)
    }

    /// `--skip-statement`: records the next unfinished statement of the
    /// half-way run as finished (and skipped), in a transaction of its own.
    pub(crate) async fn skip_statement(
        &mut self,
        names: &TableNames,
        row: ProgressRow,
        rev: &crate::Revision,
    ) -> Result<ProgressRow> {
        let parts = rev.steps(row.direction, self.dialect())?;
        let n = row.statements_done + 1;
        let steps_done = parts.iter().take_while(|p| p.last() <= n).count();
        let mut run = RunLog::new(
            &row.revision,
            row.direction,
            row.checksum.clone(),
            Some(&row),
        );
        run.skipped.push(n);
        self.begin_tx().await?;
        if let Err(e) = self.record_progress(names, &mut run, steps_done, n).await {
            self.rollback_tx().await?;
            return Err(e.into());
        }
        self.commit_tx().await?;
        Ok(ProgressRow {
            steps_done,
            statements_done: n,
            skipped: run.skipped,
            ..row
        })
    }

    /// Marks every half-way row `cleared` (a stamp says where the database is).
    pub(crate) async fn clear_running(&mut self, names: &TableNames) -> Result<()> {
        if !self.has_progress(names).await? {
            return Ok(());
        }
        let t = self.dialect().quote_ident(&names.log);
        let p = self.sql().placeholder(1);
        let sql = format!("UPDATE {t} SET state = 'cleared' WHERE state = {p}");
        self.conn.execute(sql, Values(vec![text(RUNNING)])).await?;
        Ok(())
    }

    /// Deletes and inserts version rows.
    pub(crate) async fn write_version_change(
        &mut self,
        names: &TableNames,
        change: &VersionChange,
    ) -> std::result::Result<(), sqlx::Error> {
        let vt = self.dialect().quote_ident(&names.version);
        let p = self.sql().placeholder(1);
        for v in &change.delete {
            let sql = format!("DELETE FROM {vt} WHERE version_num = {p}");
            self.conn.execute(sql, Values(vec![text(v)])).await?;
        }
        for v in &change.insert {
            let sql = format!("INSERT INTO {vt} (version_num) VALUES ({p})");
            self.conn.execute(sql, Values(vec![text(v)])).await?;
        }
        Ok(())
    }
}
