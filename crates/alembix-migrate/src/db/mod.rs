//! Database access for the engine: connections per backend, the migration
//! lock, the version and log tables, and running one step.
//!
//! Everything a run does happens on ONE connection (a session) that holds
//! the lock from start to end:
//! * PostgreSQL: `pg_try_advisory_lock(key)` polled with backoff; each
//!   revision and its version/log rows in one transaction.
//! * MySQL/MariaDB: `GET_LOCK(name, 0)` polled with backoff (the name holds
//!   the database and version table); each revision in a transaction, which
//!   keeps DML-only revisions atomic; DDL commits itself, so a failure
//!   reports the statements that stayed.
//! * SQLite: the database write lock, `BEGIN IMMEDIATE`, held for the whole
//!   run; each revision inside a `SAVEPOINT`, so a failing revision is
//!   rolled back and the ones before it are committed when the lock is
//!   released. A `transaction: false` revision commits what came before,
//!   runs outside a transaction and takes the lock again afterwards (another
//!   process may slip in between; it then finds the version table as this
//!   run left it).

mod tables;

use std::time::{Duration, Instant};

use alembix_schema::Dialect;
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, MySql, MySqlPool, PgPool, Postgres, Row, Sqlite, SqlitePool};

use crate::error::{Error, Result, StatementFailure};
use crate::revision::Revision;
use crate::split::split_statements;
use crate::step::{Direction, Step, VersionChange};

pub(crate) use tables::{TableNames, log_table_sql, version_table_sql};

#[derive(Debug, Clone)]
enum Pool {
    Pg(PgPool),
    My(MySqlPool),
    Lite(SqlitePool),
}

/// A database the engine migrates: a pool of one backend.
#[derive(Debug, Clone)]
pub struct Database {
    pool: Pool,
}

/// The URL with its password replaced by `***`, for messages.
///
/// ```
/// assert_eq!(
///     alembix_migrate::db::redact("postgres://app:secret@db/app"),
///     "postgres://app:***@db/app"
/// );
/// ```
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn connect_error(url: &str, e: sqlx::Error) -> Error {
    Error::Usage(format!(
        "cannot connect to {}: {e}; check that the server runs and the URL (database_url in alembix.toml, DATABASE_URL or --database-url) is right",
        redact(url)
    ))
}

impl Database {
    /// Connects from a URL: `postgres://`, `mysql://`/`mariadb://`,
    /// `sqlite://PATH` (created when missing) or `sqlite::memory:`.
    pub async fn connect(url: &str) -> Result<Database> {
        let scheme = url.split(':').next().unwrap_or_default();
        let bad =
            |e: sqlx::Error| Error::Usage(format!("invalid database URL `{}`: {e}", redact(url)));
        let pool = match scheme {
            "postgres" | "postgresql" => {
                let opts: sqlx::postgres::PgConnectOptions = url.parse().map_err(bad)?;
                Pool::Pg(
                    sqlx::postgres::PgPoolOptions::new()
                        .max_connections(2)
                        .connect_with(opts)
                        .await
                        .map_err(|e| connect_error(url, e))?,
                )
            }
            "mysql" | "mariadb" => {
                let url2 = format!("mysql{}", &url[scheme.len()..]);
                let opts: sqlx::mysql::MySqlConnectOptions = url2.parse().map_err(bad)?;
                Pool::My(
                    sqlx::mysql::MySqlPoolOptions::new()
                        .max_connections(2)
                        .connect_with(opts)
                        .await
                        .map_err(|e| connect_error(url, e))?,
                )
            }
            "sqlite" => {
                let opts: sqlx::sqlite::SqliteConnectOptions = url.parse().map_err(bad)?;
                let memory = url.contains(":memory:") || url.contains("mode=memory");
                let opts = opts
                    .create_if_missing(true)
                    .busy_timeout(Duration::from_secs(30));
                Pool::Lite(
                    sqlx::sqlite::SqlitePoolOptions::new()
                        .max_connections(if memory { 1 } else { 2 })
                        .idle_timeout(None)
                        .max_lifetime(None)
                        .connect_with(opts)
                        .await
                        .map_err(|e| connect_error(url, e))?,
                )
            }
            _ => {
                return Err(Error::Usage(format!(
                    "invalid database URL `{}`: it must start with postgres://, mysql://, mariadb://, sqlite://PATH or be sqlite::memory:",
                    redact(url)
                )));
            }
        };
        Ok(Database { pool })
    }

    /// Uses an existing PostgreSQL pool (the runtime's `Db`).
    pub fn from_postgres(pool: PgPool) -> Database {
        Database {
            pool: Pool::Pg(pool),
        }
    }

    /// Uses an existing MySQL/MariaDB pool.
    pub fn from_mysql(pool: MySqlPool) -> Database {
        Database {
            pool: Pool::My(pool),
        }
    }

    /// Uses an existing SQLite pool.
    pub fn from_sqlite(pool: SqlitePool) -> Database {
        Database {
            pool: Pool::Lite(pool),
        }
    }

    /// The SQL dialect of the backend.
    pub fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Pg(_) => Dialect::Postgres,
            Pool::My(_) => Dialect::MySql,
            Pool::Lite(_) => Dialect::Sqlite,
        }
    }

    /// The PostgreSQL pool, when this is PostgreSQL.
    pub fn as_postgres(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Pg(p) => Some(p),
            _ => None,
        }
    }

    /// The MySQL/MariaDB pool, when this is MySQL/MariaDB.
    pub fn as_mysql(&self) -> Option<&MySqlPool> {
        match &self.pool {
            Pool::My(p) => Some(p),
            _ => None,
        }
    }

    /// The SQLite pool, when this is SQLite.
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match &self.pool {
            Pool::Lite(p) => Some(p),
            _ => None,
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Pg(p) => p.close().await,
            Pool::My(p) => p.close().await,
            Pool::Lite(p) => p.close().await,
        }
    }

    pub(crate) async fn session(&self) -> Result<Session> {
        let conn = match &self.pool {
            Pool::Pg(p) => Conn::Pg(p.acquire().await?),
            Pool::My(p) => Conn::My(p.acquire().await?),
            Pool::Lite(p) => Conn::Lite(p.acquire().await?),
        };
        Ok(Session {
            conn,
            locked: false,
            lock_key: String::new(),
        })
    }
}

enum Conn {
    Pg(PoolConnection<Postgres>),
    My(PoolConnection<MySql>),
    Lite(PoolConnection<Sqlite>),
}

/// One connection for a whole run.
pub(crate) struct Session {
    conn: Conn,
    locked: bool,
    lock_key: String,
}

/// Runs one SQL text without parameters (simple protocol: any statement).
macro_rules! raw {
    ($conn:expr, $sql:expr) => {{
        let sql: String = $sql.to_string();
        match &mut $conn {
            Conn::Pg(c) => sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut **c)
                .await
                .map(|_| ()),
            Conn::My(c) => sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut **c)
                .await
                .map(|_| ()),
            Conn::Lite(c) => sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut **c)
                .await
                .map(|_| ()),
        }
    }};
}

fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            let m = d.message().to_ascii_lowercase();
            m.contains("locked") || m.contains("busy")
        }
        _ => false,
    }
}

/// A stable 63-bit key for `pg_advisory_lock` from the version table name.
fn pg_lock_key(name: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in "alembix:".bytes().chain(name.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 1) as i64
}

/// True for statements a transaction can roll back on MySQL.
fn is_dml(sql: &str) -> bool {
    let first = sql
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(
        first.as_str(),
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT" | "WITH" | "SET" | "DO"
    )
}

/// One row of the log table as read back.
pub(crate) struct LogRow {
    pub revision: String,
    pub direction: String,
    pub applied_at: chrono::DateTime<chrono::Utc>,
    pub duration_ms: i64,
    pub checksum: String,
}

impl Session {
    fn dialect(&self) -> Dialect {
        match self.conn {
            Conn::Pg(_) => Dialect::Postgres,
            Conn::My(_) => Dialect::MySql,
            Conn::Lite(_) => Dialect::Sqlite,
        }
    }

    /// Takes the migration lock, polling with backoff up to `timeout`.
    pub(crate) async fn lock(&mut self, names: &TableNames, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        let mut wait = Duration::from_millis(50);
        self.lock_key = names.version.clone();
        loop {
            let got = match &mut self.conn {
                Conn::Pg(c) => {
                    sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1)")
                        .bind(pg_lock_key(&names.version))
                        .fetch_one(&mut **c)
                        .await?
                }
                Conn::My(c) => {
                    let v: Option<i64> = sqlx::query_scalar(
                        "SELECT GET_LOCK(CONCAT('alembix:', LEFT(SHA1(CONCAT(COALESCE(DATABASE(), ''), ':', ?)), 40)), 0)",
                    )
                    .bind(&names.version)
                    .fetch_one(&mut **c)
                    .await?;
                    v == Some(1)
                }
                Conn::Lite(c) => match sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut **c).await {
                    Ok(_) => true,
                    Err(e) if is_busy(&e) => false,
                    Err(e) => return Err(e.into()),
                },
            };
            if got {
                self.locked = true;
                return Ok(());
            }
            if started.elapsed() >= timeout {
                return Err(Error::LockTimeout {
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(1));
        }
    }

    /// Releases the lock (SQLite: commits the run's transaction).
    pub(crate) async fn unlock(&mut self) -> Result<()> {
        if !self.locked {
            return Ok(());
        }
        self.locked = false;
        match &mut self.conn {
            Conn::Pg(c) => {
                sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(pg_lock_key(&self.lock_key))
                    .execute(&mut **c)
                    .await?;
            }
            Conn::My(c) => {
                sqlx::query(
                    "SELECT RELEASE_LOCK(CONCAT('alembix:', LEFT(SHA1(CONCAT(COALESCE(DATABASE(), ''), ':', ?)), 40)))",
                )
                .bind(&self.lock_key)
                .execute(&mut **c)
                .await?;
            }
            Conn::Lite(c) => {
                sqlx::raw_sql("COMMIT").execute(&mut **c).await?;
            }
        }
        Ok(())
    }

    /// Drops the connection instead of returning it to the pool (after an
    /// error left it in an unknown state); the server then ends the session
    /// and with it any lock.
    pub(crate) fn discard(self) {
        match self.conn {
            Conn::Pg(c) => drop(c.detach()),
            Conn::My(c) => drop(c.detach()),
            Conn::Lite(c) => drop(c.detach()),
        }
    }

    pub(crate) async fn table_exists(&mut self, name: &str) -> Result<bool> {
        Ok(match &mut self.conn {
            Conn::Pg(c) => sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1)",
            )
            .bind(name)
            .fetch_one(&mut **c)
            .await?,
            Conn::My(c) => {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
                )
                .bind(name)
                .fetch_one(&mut **c)
                .await?;
                n > 0
            }
            Conn::Lite(c) => {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                )
                .bind(name)
                .fetch_one(&mut **c)
                .await?;
                n > 0
            }
        })
    }

    /// Creates the version and log tables when missing.
    pub(crate) async fn ensure_tables(&mut self, names: &TableNames) -> Result<()> {
        let d = self.dialect();
        raw!(self.conn, version_table_sql(d, &names.version))?;
        raw!(self.conn, log_table_sql(d, &names.log))?;
        Ok(())
    }

    /// The version table's rows (empty when it does not exist).
    pub(crate) async fn versions(&mut self, names: &TableNames) -> Result<Vec<String>> {
        if !self.table_exists(&names.version).await? {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT version_num FROM {} ORDER BY version_num",
            self.dialect().quote_ident(&names.version)
        );
        let rows: Vec<String> = match &mut self.conn {
            Conn::Pg(c) => {
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_all(&mut **c)
                    .await?
            }
            Conn::My(c) => {
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_all(&mut **c)
                    .await?
            }
            Conn::Lite(c) => {
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_all(&mut **c)
                    .await?
            }
        };
        Ok(rows)
    }

    /// The log table's rows, oldest first (empty when it does not exist).
    pub(crate) async fn log_rows(&mut self, names: &TableNames) -> Result<Vec<LogRow>> {
        if !self.table_exists(&names.log).await? {
            return Ok(Vec::new());
        }
        let d = self.dialect();
        let t = d.quote_ident(&names.log);
        let mut out = Vec::new();
        match &mut self.conn {
            Conn::Pg(c) => {
                let sql = format!(
                    "SELECT revision, direction, applied_at, duration_ms, checksum FROM {t} ORDER BY id"
                );
                for r in sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut **c).await? {
                    out.push(LogRow {
                        revision: r.try_get(0)?,
                        direction: r.try_get(1)?,
                        applied_at: r.try_get(2)?,
                        duration_ms: r.try_get(3)?,
                        checksum: r.try_get(4)?,
                    });
                }
            }
            Conn::My(c) => {
                let sql = format!(
                    "SELECT revision, direction, applied_at, duration_ms, checksum FROM {t} ORDER BY id"
                );
                for r in sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut **c).await? {
                    let at: chrono::NaiveDateTime = r.try_get(2)?;
                    out.push(LogRow {
                        revision: r.try_get(0)?,
                        direction: r.try_get(1)?,
                        applied_at: at.and_utc(),
                        duration_ms: r.try_get(3)?,
                        checksum: r.try_get(4)?,
                    });
                }
            }
            Conn::Lite(c) => {
                let sql = format!(
                    "SELECT revision, direction, applied_at, duration_ms, checksum FROM {t} ORDER BY id"
                );
                for r in sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut **c).await? {
                    let at: String = r.try_get(2)?;
                    let parsed = chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%d %H:%M:%S%.f")
                        .map(|n| n.and_utc())
                        .or_else(|_| chrono::DateTime::parse_from_rfc3339(&at).map(|d| d.to_utc()))
                        .unwrap_or_default();
                    out.push(LogRow {
                        revision: r.try_get(0)?,
                        direction: r.try_get(1)?,
                        applied_at: parsed,
                        duration_ms: r.try_get(3)?,
                        checksum: r.try_get(4)?,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Deletes and inserts version rows, and writes log rows, with bound values.
    async fn write_versions(
        &mut self,
        names: &TableNames,
        change: &VersionChange,
        log: &[(String, &str, i64, String)],
    ) -> std::result::Result<(), sqlx::Error> {
        let d = self.dialect();
        let vt = d.quote_ident(&names.version);
        let lt = d.quote_ident(&names.log);
        let (p1, p2, p3, p4) = match d {
            Dialect::Postgres => ("$1", "$2", "$3", "$4"),
            _ => ("?", "?", "?", "?"),
        };
        let del = format!("DELETE FROM {vt} WHERE version_num = {p1}");
        let ins = format!("INSERT INTO {vt} (version_num) VALUES ({p1})");
        let now = match d {
            Dialect::Postgres => "now()",
            Dialect::MySql => "UTC_TIMESTAMP(6)",
            Dialect::Sqlite => "strftime('%Y-%m-%d %H:%M:%f', 'now')",
        };
        let log_sql = format!(
            "INSERT INTO {lt} (revision, direction, applied_at, duration_ms, checksum) VALUES ({p1}, {p2}, {now}, {p3}, {p4})"
        );
        macro_rules! each {
            ($c:expr) => {{
                for v in &change.delete {
                    sqlx::query(AssertSqlSafe(del.clone()))
                        .bind(v)
                        .execute(&mut **$c)
                        .await?;
                }
                for v in &change.insert {
                    sqlx::query(AssertSqlSafe(ins.clone()))
                        .bind(v)
                        .execute(&mut **$c)
                        .await?;
                }
                for (rev, dir, ms, sum) in log {
                    sqlx::query(AssertSqlSafe(log_sql.clone()))
                        .bind(rev)
                        .bind(*dir)
                        .bind(*ms)
                        .bind(sum)
                        .execute(&mut **$c)
                        .await?;
                }
            }};
        }
        match &mut self.conn {
            Conn::Pg(c) => each!(c),
            Conn::My(c) => each!(c),
            Conn::Lite(c) => each!(c),
        }
        Ok(())
    }

    /// Writes a stamp: the version change and one log row per inserted revision.
    pub(crate) async fn stamp(
        &mut self,
        names: &TableNames,
        change: &VersionChange,
        checksums: Vec<(String, String)>,
    ) -> Result<()> {
        let log: Vec<(String, &str, i64, String)> = checksums
            .into_iter()
            .map(|(rev, sum)| (rev, "stamp", 0, sum))
            .collect();
        let d = self.dialect();
        if d != Dialect::Sqlite {
            raw!(self.conn, "BEGIN")?;
        }
        match self.write_versions(names, change, &log).await {
            Ok(()) => {
                if d != Dialect::Sqlite {
                    raw!(self.conn, "COMMIT")?;
                }
                Ok(())
            }
            Err(e) => {
                if d != Dialect::Sqlite {
                    let _ = raw!(self.conn, "ROLLBACK");
                }
                Err(e.into())
            }
        }
    }

    /// Runs one step: the section's statements, then the version change and
    /// the log row, in one transaction where the backend and the revision allow.
    pub(crate) async fn run_step(
        &mut self,
        names: &TableNames,
        step: &Step,
        rev: &Revision,
        names_lock: Duration,
    ) -> Result<Duration> {
        let started = Instant::now();
        let d = self.dialect();
        let statements = split_statements(rev.section(step.direction));
        let transactional = rev.transactional;
        // Open the revision's transaction.
        match (d, transactional) {
            (Dialect::Sqlite, true) => raw!(self.conn, "SAVEPOINT alembix_step")?,
            (Dialect::Sqlite, false) => raw!(self.conn, "COMMIT")?,
            (_, true) => raw!(self.conn, "BEGIN")?,
            (_, false) => {}
        }
        let mut ran: Vec<String> = Vec::new();
        for (n, st) in statements.iter().enumerate() {
            if let Err(e) = raw!(self.conn, st.sql) {
                let message = match &e {
                    sqlx::Error::Database(db) => db.message().to_string(),
                    other => other.to_string(),
                };
                let rolled_back =
                    transactional && (d != Dialect::MySql || ran.iter().all(|s| is_dml(s)));
                self.abort(d, transactional, names_lock).await?;
                let already_ran = if rolled_back { Vec::new() } else { ran };
                return Err(Error::Statement(Box::new(StatementFailure {
                    path: rev.path.clone(),
                    revision: rev.id.clone(),
                    direction: step.direction,
                    index: n + 1,
                    line: rev.section_line(step.direction) + st.line - 1,
                    statement: st.sql.clone(),
                    message,
                    rolled_back,
                    already_ran,
                })));
            }
            ran.push(st.sql.clone());
        }
        let elapsed = started.elapsed();
        let direction = step.direction.as_str();
        let log = vec![(
            rev.id.clone(),
            direction,
            elapsed.as_millis() as i64,
            rev.checksum(step.direction),
        )];
        if !transactional {
            match d {
                Dialect::Sqlite => self.relock_sqlite(names_lock).await?,
                _ => raw!(self.conn, "BEGIN")?,
            }
            if d == Dialect::Sqlite {
                raw!(self.conn, "SAVEPOINT alembix_step")?;
            }
        }
        if let Err(e) = self.write_versions(names, &step.versions, &log).await {
            self.abort(d, true, names_lock).await?;
            return Err(e.into());
        }
        match d {
            Dialect::Sqlite => raw!(self.conn, "RELEASE alembix_step")?,
            _ => raw!(self.conn, "COMMIT")?,
        }
        Ok(elapsed)
    }

    /// Rolls back the revision's transaction after a failure.
    async fn abort(
        &mut self,
        d: Dialect,
        transactional: bool,
        lock_timeout: Duration,
    ) -> Result<()> {
        match (d, transactional) {
            (Dialect::Sqlite, true) => {
                raw!(self.conn, "ROLLBACK TO alembix_step")?;
                raw!(self.conn, "RELEASE alembix_step")?;
            }
            (Dialect::Sqlite, false) => {
                // The revision may hold its own transaction (table rebuilds):
                // roll it back and turn foreign keys on again, then take the
                // lock again so unlock commits nothing.
                let _ = raw!(self.conn, "ROLLBACK");
                let _ = raw!(self.conn, "PRAGMA foreign_keys = ON");
                self.relock_sqlite(lock_timeout).await?;
            }
            (_, true) => raw!(self.conn, "ROLLBACK")?,
            (_, false) => {}
        }
        Ok(())
    }

    async fn relock_sqlite(&mut self, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        let mut wait = Duration::from_millis(50);
        loop {
            match raw!(self.conn, "BEGIN IMMEDIATE") {
                Ok(()) => return Ok(()),
                Err(e) if is_busy(&e) && started.elapsed() < timeout => {
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(1));
                }
                Err(e) if is_busy(&e) => {
                    return Err(Error::LockTimeout {
                        waited: started.elapsed(),
                    });
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Direction names as the log table stores them.
pub(crate) fn direction_of(s: &str) -> Option<Direction> {
    match s {
        "upgrade" => Some(Direction::Up),
        "downgrade" => Some(Direction::Down),
        _ => None,
    }
}
