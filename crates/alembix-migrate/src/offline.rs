//! Offline mode (`--sql`): the complete script of a plan, version and log
//! tables included, for the database's own client to run
//! (`psql -v ON_ERROR_STOP=1 -f`, `sqlite3 db < file`, `mariadb db < file`).
//!
//! ```
//! use alembix_schema::Dialect::{Sqlite};
//! use alembix_migrate::{RevisionGraph, Settings, Direction, offline};
//! use alembix_schema::Dialect;
//! let a = "-- revision: aaaaaaaaaaaa\n-- down_revision:\n-- message: one\n-- migrate:upgrade\nCREATE TABLE t (x int);\n-- migrate:downgrade\nDROP TABLE t;\n";
//! let graph = RevisionGraph::from_sources(&[("a.sql", a)]).unwrap();
//! let steps = offline::plan_range(&graph, Direction::Up, "base:head").unwrap();
//! let sql = offline::script(&graph, &Settings::default(), Sqlite, &steps).unwrap();
//! assert!(sql.contains("CREATE TABLE t (x int);"));
//! assert!(sql.contains("INSERT INTO \"alembix_version\" (version_num) VALUES ('aaaaaaaaaaaa');"));
//! ```

use alembix_driver::{TimeoutScope, Timeouts, backend_sql};
use alembix_schema::Dialect;

use crate::db::{Limits, log_table_sql, version_table_sql};
use crate::error::{Error, Result};
use crate::graph::RevisionGraph;
use crate::migrator::Settings;
use crate::step::{Direction, Step, VersionChange};

/// The steps of an offline range `FROM:TO` (or just `TO`, from base for
/// upgrades; a downgrade needs an explicit `FROM`).
pub fn plan_range(graph: &RevisionGraph, direction: Direction, range: &str) -> Result<Vec<Step>> {
    let (from, to) = match range.split_once(':') {
        Some((f, t)) => (Some(f.trim()), t.trim()),
        None => (None, range.trim()),
    };
    let from = match (from, direction) {
        (Some(f), _) if !f.is_empty() => f,
        (_, Direction::Up) => "base",
        (_, Direction::Down) => {
            return Err(Error::Usage(format!(
                "offline downgrade needs a starting point: `downgrade FROM:{to} --sql` (there is no database to read it from)"
            )));
        }
    };
    let current = graph.resolve(from, &[])?;
    let current = graph.minimal(&current);
    match direction {
        Direction::Up => graph.plan_upgrade(&current, to),
        Direction::Down => graph.plan_downgrade(&current, to),
    }
}

fn version_sql(d: Dialect, settings: &Settings, change: &VersionChange) -> Vec<String> {
    let vt = d.quote_ident(&settings.version_table);
    let mut out = Vec::new();
    for v in &change.delete {
        out.push(format!(
            "DELETE FROM {vt} WHERE version_num = {};",
            d.quote_literal(v)
        ));
    }
    for v in &change.insert {
        out.push(format!(
            "INSERT INTO {vt} (version_num) VALUES ({});",
            d.quote_literal(v)
        ));
    }
    out
}

fn log_sql(d: Dialect, settings: &Settings, revision: &str, direction: &str, sum: &str) -> String {
    let now = backend_sql(d).now_utc;
    format!(
        "INSERT INTO {} (revision, direction, applied_at, duration_ms, checksum) VALUES ({}, {}, {now}, 0, {});",
        d.quote_ident(&settings.log_table),
        d.quote_literal(revision),
        d.quote_literal(direction),
        d.quote_literal(sum)
    )
}

/// The line that opens a transaction in a script.
fn begin(d: Dialect) -> String {
    format!("{};\n", backend_sql(d).begin_script)
}

fn header(d: Dialect, settings: &Settings) -> String {
    format!(
        "{};\n\n{};\n\n",
        version_table_sql(d, &settings.version_table),
        log_table_sql(d, &settings.log_table)
    )
}

/// The statements' limits in a script, set where the online run sets them
/// (PostgreSQL: `SET LOCAL` after each transactional step's `BEGIN`,
/// `SET`/`RESET` around a no-transaction step, no lock limit for
/// `CONCURRENTLY`; MySQL/MariaDB: `lock_wait_timeout` for the script).
struct ScriptLimits {
    d: Dialect,
    limits: Limits,
    /// The limits set for the session in a no-transaction step.
    session: Option<Timeouts>,
}

impl ScriptLimits {
    fn lines(statements: &[impl AsRef<str>]) -> String {
        statements
            .iter()
            .map(|s| format!("{};\n", s.as_ref()))
            .collect()
    }

    /// After a transactional step's `BEGIN`.
    fn transaction(&self) -> String {
        let set = backend_sql(self.d).set_timeouts;
        Self::lines(&set(&self.limits.timeouts, TimeoutScope::Transaction))
    }

    /// Before a statement of a no-transaction step, when its limits differ
    /// from those set.
    fn statement(&mut self, sql: &str) -> String {
        let want = self.limits.of_statement(self.d, sql);
        if self.session == Some(want) {
            return String::new();
        }
        self.session = Some(want);
        Self::lines(&(backend_sql(self.d).set_timeouts)(
            &want,
            TimeoutScope::Session,
        ))
    }

    /// After a no-transaction step.
    fn end_session(&mut self) -> String {
        match self.session.take() {
            Some(_) => Self::lines((backend_sql(self.d).reset_timeouts)(TimeoutScope::Session)),
            None => String::new(),
        }
    }

    /// Before the first step (`end`: after the last).
    fn run(&self, end: bool) -> String {
        let sql = backend_sql(self.d);
        let set = (sql.set_timeouts)(&self.limits.timeouts, TimeoutScope::Run);
        match (end, set.is_empty()) {
            (_, true) => String::new(),
            (false, false) => Self::lines(&set),
            (true, false) => Self::lines((sql.reset_timeouts)(TimeoutScope::Run)),
        }
    }
}

/// The script that runs `steps`: creates the version and log tables when
/// missing, then each step's SQL and version/log changes (in a transaction
/// where the backend and the revision allow), under the statements'
/// limits of `settings`.
pub fn script(
    graph: &RevisionGraph,
    settings: &Settings,
    dialect: Dialect,
    steps: &[Step],
) -> Result<String> {
    let d = dialect;
    let mut out = String::from("-- Generated by alembix (offline mode)\n\n");
    out.push_str(&header(d, settings));
    let mut limits = ScriptLimits {
        d,
        limits: Limits::of(settings),
        session: None,
    };
    if !steps.is_empty() {
        out.push_str(&limits.run(false));
    }
    for step in steps {
        let rev = graph
            .get(&step.revision)
            .ok_or_else(|| Error::Target(format!("{} is not in the graph", step.revision)))?;
        let from = match step.direction {
            Direction::Up => rev.down_revisions.join(", "),
            Direction::Down => rev.id.clone(),
        };
        let to = match step.direction {
            Direction::Up => rev.id.clone(),
            Direction::Down => rev.down_revisions.join(", "),
        };
        out.push_str(&format!(
            "-- Running {} {} -> {}, {}\n",
            step.direction.as_str(),
            if from.is_empty() { "<base>" } else { &from },
            if to.is_empty() { "<base>" } else { &to },
            rev.message.lines().next().unwrap_or("")
        ));
        out.push_str(&revision_script(d, settings, &mut limits, rev, step)?);
        out.push('\n');
    }
    if !steps.is_empty() {
        out.push_str(&limits.run(true));
    }
    Ok(out)
}

/// The log statements of one revision run in a script, as the online run
/// writes them: the running row at the first record, moved on after that,
/// marked done at the end (a plain row when nothing was recorded before).
struct ScriptLog<'a> {
    d: Dialect,
    table: String,
    revision: &'a str,
    direction: &'static str,
    checksum: String,
    row_exists: bool,
}

impl ScriptLog<'_> {
    fn record(&mut self, steps_done: usize, statements_done: usize, done: bool) -> String {
        let q = |s: &str| self.d.quote_literal(s);
        let now = backend_sql(self.d).now_utc;
        let state = if done { "done" } else { "running" };
        let t = &self.table;
        let line = if self.row_exists {
            format!(
                "UPDATE {t} SET steps_done = {steps_done}, statements_done = {statements_done}, state = {}, applied_at = {now} WHERE state = 'running' AND revision = {} AND direction = {};",
                q(state),
                q(self.revision),
                q(self.direction)
            )
        } else if done {
            format!(
                "INSERT INTO {t} (revision, direction, applied_at, duration_ms, checksum) VALUES ({}, {}, {now}, 0, {});",
                q(self.revision),
                q(self.direction),
                q(&self.checksum)
            )
        } else {
            format!(
                "INSERT INTO {t} (revision, direction, applied_at, duration_ms, checksum, steps_done, statements_done, state) VALUES ({}, {}, {now}, 0, {}, {steps_done}, {statements_done}, 'running');",
                q(self.revision),
                q(self.direction),
                q(&self.checksum)
            )
        };
        self.row_exists = true;
        line + "\n"
    }
}

/// A section's `-- WARNING:` lines, written as comments before the
/// statement they precede in the file.
struct Warnings {
    lines: std::vec::IntoIter<(usize, String)>,
    next: Option<(usize, String)>,
}

impl Warnings {
    fn new(lines: Vec<(usize, String)>) -> Warnings {
        let mut lines = lines.into_iter();
        let next = lines.next();
        Warnings { lines, next }
    }

    /// Writes the warnings on lines before `line` not written yet.
    fn before(&mut self, line: usize, out: &mut String) {
        while let Some((_, text)) = self.next.take_if(|(at, _)| *at < line) {
            out.push_str(&format!("{} {text}\n", crate::revision::WARNING_PREFIX));
            self.next = self.lines.next();
        }
    }
}

/// One revision's steps: a transaction per transactional step, statements
/// one by one in a no-transaction step, the log and version statements
/// where the online run writes them.
fn revision_script(
    d: Dialect,
    settings: &Settings,
    limits: &mut ScriptLimits,
    rev: &crate::Revision,
    step: &Step,
) -> Result<String> {
    let parts = rev.steps(step.direction, d)?;
    let each = !d.caps().transactional_ddl;
    let mut log = ScriptLog {
        d,
        table: d.quote_ident(&settings.log_table),
        revision: &rev.id,
        direction: step.direction.as_str(),
        checksum: rev.checksum(step.direction),
        row_exists: false,
    };
    let total = parts.len();
    let mut out = String::new();
    let mut warnings = Warnings::new(rev.warnings(step.direction));
    for (k, part) in parts.iter().enumerate() {
        if total > 1 || !part.transactional {
            let kind = if part.transactional {
                "transaction"
            } else {
                "no-transaction"
            };
            out.push_str(&format!("-- step {} of {total} ({kind})\n", k + 1));
        }
        if part.transactional {
            out.push_str(&begin(d));
            out.push_str(&limits.transaction());
        }
        for (i, st) in part.statements.iter().enumerate() {
            warnings.before(st.line, &mut out);
            if !part.transactional {
                out.push_str(&limits.statement(&st.sql));
            }
            out.push_str(&st.sql);
            out.push_str(";\n");
            if each || !part.transactional {
                out.push_str(&log.record(k, part.first + i, false));
            }
        }
        if !part.transactional {
            out.push_str(&limits.end_session());
            out.push_str(&begin(d));
        }
        if k + 1 == total {
            for line in version_sql(d, settings, &step.versions) {
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str(&log.record(total, part.last(), true));
        } else {
            out.push_str(&log.record(k + 1, part.last(), false));
        }
        out.push_str("COMMIT;\n");
    }
    warnings.before(usize::MAX, &mut out);
    if parts.is_empty() {
        out.push_str(&begin(d));
        for line in version_sql(d, settings, &step.versions) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&log.record(0, 0, true));
        out.push_str("COMMIT;\n");
    }
    Ok(out)
}

/// The script that stamps: version table creation and the change.
pub fn stamp_script(
    graph: &RevisionGraph,
    settings: &Settings,
    dialect: Dialect,
    change: &VersionChange,
) -> String {
    let d = dialect;
    let mut out = String::from("-- Generated by alembix (offline mode): stamp\n\n");
    out.push_str(&header(d, settings));
    out.push_str(&begin(d));
    for line in version_sql(d, settings, change) {
        out.push_str(&line);
        out.push('\n');
    }
    for id in &change.insert {
        if let Some(r) = graph.get(id) {
            out.push_str(&log_sql(
                d,
                settings,
                id,
                "stamp",
                &r.checksum(Direction::Up),
            ));
            out.push('\n');
        }
    }
    out.push_str("COMMIT;\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alembix_schema::Dialect::{MySql, Postgres};

    const STEPS: &str = "-- revision: aaaaaaaaaaaa\n-- down_revision:\n-- message: steps\n-- migrate:upgrade\nCREATE TABLE t (x int);\n-- step: no-transaction\nCREATE INDEX CONCURRENTLY ix ON t (x);\n-- step: transaction\nINSERT INTO t VALUES (1);\n-- migrate:downgrade\nDROP TABLE t;\n";

    fn script_of(d: Dialect) -> String {
        let graph = RevisionGraph::from_sources(&[("a.sql", STEPS)]).unwrap();
        let steps = plan_range(&graph, Direction::Up, "base:head").unwrap();
        script(&graph, &Settings::default(), d, &steps).unwrap()
    }

    #[test]
    fn steps_have_their_boundaries() {
        let s = script_of(Postgres);
        let body = &s[s.find("-- Running").unwrap()..];
        let expected = "-- step 1 of 3 (transaction)\nBEGIN;\nSET LOCAL lock_timeout = '5000ms';\nCREATE TABLE t (x int);\nINSERT INTO \"alembix_log\" (revision, direction, applied_at, duration_ms, checksum, steps_done, statements_done, state) VALUES ('aaaaaaaaaaaa', 'upgrade', now(), 0, ";
        assert!(body.contains(expected), "{body}");
        let expected = "-- step 2 of 3 (no-transaction)\nSET lock_timeout = 0;\nCREATE INDEX CONCURRENTLY ix ON t (x);\nUPDATE \"alembix_log\" SET steps_done = 1, statements_done = 2, state = 'running'";
        assert!(body.contains(expected), "{body}");
        assert!(body.contains("RESET lock_timeout;\nRESET statement_timeout;\nBEGIN;\nUPDATE \"alembix_log\" SET steps_done = 2"), "{body}");
        let last = "-- step 3 of 3 (transaction)\nBEGIN;\nSET LOCAL lock_timeout = '5000ms';\nINSERT INTO t VALUES (1);\nINSERT INTO \"alembix_version\" (version_num) VALUES ('aaaaaaaaaaaa');\nUPDATE \"alembix_log\" SET steps_done = 3, statements_done = 3, state = 'done'";
        assert!(body.contains(last), "{body}");
        assert_eq!(body.matches("COMMIT;").count(), 3, "{body}");
    }

    #[test]
    fn warnings_precede_their_statements() {
        let text = "-- revision: aaaaaaaaaaaa\n-- down_revision:\n-- message: w\n-- migrate:upgrade\nCREATE TABLE t (x int);\n-- migrate:downgrade\nSELECT 1;\n-- WARNING: drop_table drops what this revision added\nDROP TABLE t;\n";
        let graph = RevisionGraph::from_sources(&[("a.sql", text)]).unwrap();
        let steps = plan_range(&graph, Direction::Down, "head:base").unwrap();
        let s = script(&graph, &Settings::default(), Postgres, &steps).unwrap();
        let expected =
            "SELECT 1;\n-- WARNING: drop_table drops what this revision added\nDROP TABLE t;\n";
        assert!(s.contains(expected), "{s}");
        assert_eq!(s.matches("-- WARNING:").count(), 1, "{s}");
    }

    #[test]
    fn limits_follow_the_settings() {
        let graph = RevisionGraph::from_sources(&[("a.sql", STEPS)]).unwrap();
        let steps = plan_range(&graph, Direction::Up, "base:head").unwrap();
        let settings = Settings {
            lock_timeout: std::time::Duration::from_millis(1500),
            statement_timeout: Some(std::time::Duration::from_secs(60)),
            ..Settings::default()
        };
        let s = script(&graph, &settings, Postgres, &steps).unwrap();
        let set_local = "BEGIN;\nSET LOCAL lock_timeout = '1500ms';\nSET LOCAL statement_timeout = '60000ms';\n";
        assert_eq!(s.matches(set_local).count(), 2, "{s}");
        let session =
            "SET lock_timeout = 0;\nSET statement_timeout = '60000ms';\nCREATE INDEX CONCURRENTLY";
        assert!(s.contains(session), "{s}");
        let s = script(&graph, &settings, MySql, &steps).unwrap();
        assert!(!s.contains("SET LOCAL"), "{s}");
        let run = s.find("SET SESSION lock_wait_timeout = 2;\n").unwrap();
        let reset = s
            .find("SET SESSION lock_wait_timeout = DEFAULT;\n")
            .unwrap();
        assert!(
            run < s.find("CREATE TABLE t").unwrap() && reset > s.rfind("COMMIT").unwrap(),
            "{s}"
        );
        let s = script(&graph, &settings, alembix_schema::Dialect::Sqlite, &steps).unwrap();
        assert!(
            !s.contains("lock_timeout") && !s.contains("lock_wait_timeout"),
            "{s}"
        );
    }

    #[test]
    fn mysql_records_each_statement() {
        let s = script_of(MySql);
        assert!(
            s.contains("CREATE TABLE t (x int);\nINSERT INTO `alembix_log`"),
            "{s}"
        );
        assert!(s.contains("INSERT INTO t VALUES (1);\nUPDATE `alembix_log` SET steps_done = 2, statements_done = 3, state = 'running'"), "{s}");
    }
}
