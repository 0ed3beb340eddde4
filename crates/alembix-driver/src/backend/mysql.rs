//! MySQL and MariaDB.

use alembix_schema::Dialect;

use super::{BackendSql, ReplicaSql};
use crate::safety::{TimeoutScope, Timeouts, seconds};

pub(crate) const SQL: BackendSql = BackendSql {
    dialect: Dialect::MySql,
    feature: "mysql",
    enabled: cfg!(feature = "mysql"),
    now_utc: "UTC_TIMESTAMP(6)",
    begin_script: "START TRANSACTION",
    log_id_column: "id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY",
    log_applied_at_column: "applied_at datetime(6) NOT NULL",
    table_exists: "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
    column_exists: "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?",
    database_exists: "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?",
    lock_is_transaction: false,
    after_failed_script: &[],
    set_timeouts,
    reset_timeouts,
    invalid_index: None,
    end_session: |id| format!("KILL {id}"),
    now_millis: "CAST(UNIX_TIMESTAMP(NOW(6)) * 1000 AS SIGNED)",
    insert_unless_exists: |insert, _| insert.replacen("INSERT INTO", "INSERT IGNORE INTO", 1),
    counts_changed_rows: true,
    session_lock: true,
    lock_mechanism: "session lock (GET_LOCK)",
    unprepared_under_pooler: false,
    // MariaDB's GTIDs (MySQL's are not compared: see
    // `SqlDialect::replica_positions`). The binary log's position is read
    // rather than the session's `@@last_gtid`: it covers every replication
    // domain, and a statement that wrote nothing. The replica's lag is
    // not measured (`Seconds_Behind_Master` is only in `SHOW SLAVE STATUS`).
    replicas: Some(ReplicaSql {
        write_position: "SELECT CAST(@@gtid_binlog_pos AS CHAR)",
        replica_status: "SELECT CAST(@@gtid_slave_pos AS CHAR), CAST(NULL AS SIGNED)",
    }),
};

/// `lock_wait_timeout` (metadata locks, whole seconds) for the run; DDL
/// commits itself, so there is no transaction-local setting, and
/// `max_execution_time` covers `SELECT` only, so no statement limit.
fn set_timeouts(t: &Timeouts, scope: TimeoutScope) -> Vec<String> {
    match (scope, t.lock) {
        (TimeoutScope::Run, Some(lock)) => {
            vec![format!("SET SESSION lock_wait_timeout = {}", seconds(lock))]
        }
        _ => Vec::new(),
    }
}

/// The server's global value again, for the pool's next user.
fn reset_timeouts(scope: TimeoutScope) -> &'static [&'static str] {
    match scope {
        TimeoutScope::Run => &["SET SESSION lock_wait_timeout = DEFAULT"],
        _ => &[],
    }
}

/// Error 1205 `ER_LOCK_WAIT_TIMEOUT` (metadata and row locks); 1845 and
/// 1846 `ER_ALTER_OPERATION_NOT_SUPPORTED[_REASON]` (an `ALGORITHM=` or
/// `LOCK=` clause the change cannot have).
#[cfg(feature = "mysql")]
pub(crate) fn failure_kind(
    db: &dyn sqlx::error::DatabaseError,
) -> Option<crate::safety::FailureKind> {
    use crate::safety::FailureKind;
    match db
        .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()?
        .number()
    {
        1205 => Some(FailureKind::LockTimeout),
        1845 | 1846 => Some(FailureKind::OnlineAlterRefused),
        _ => None,
    }
}

/// The other connections with an open InnoDB transaction (any of them
/// may hold the metadata lock a statement waits for; the server does not
/// say which without the `metadata_lock_info` plugin): id, user@host,
/// database, seconds open, statement, command.
#[cfg(feature = "mysql")]
const BLOCKERS: &str = "SELECT CAST(p.ID AS SIGNED), CAST(CONCAT(p.USER, '@', p.HOST) AS CHAR), \
     CAST(COALESCE(p.DB, '') AS CHAR), CAST(TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS SIGNED), \
     CAST(COALESCE(p.INFO, t.trx_query, '') AS CHAR), CAST(p.COMMAND AS CHAR) \
     FROM information_schema.INNODB_TRX t \
     JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id \
     WHERE p.ID <> CONNECTION_ID() ORDER BY t.trx_started LIMIT 10";

/// One row of [`BLOCKERS`] as a [`Blocker`](crate::Blocker).
#[cfg(feature = "mysql")]
fn blocker(
    (id, who, db, open, query, command): (i64, String, String, i64, String, String),
) -> crate::Blocker {
    let state = match command.as_str() {
        "Sleep" => "idle in transaction".to_string(),
        "Query" => "active".to_string(),
        other => other.to_lowercase(),
    };
    let db = if db.is_empty() {
        String::new()
    } else {
        format!(", database {db}")
    };
    crate::Blocker {
        id,
        kind: "MySQL connection",
        detail: format!("{state}, transaction open for {open} s, {who}{db}"),
        query,
        end_with: (SQL.end_session)(id),
    }
}

/// The lock name: the current database and the key, hashed to fit
/// `GET_LOCK`'s 64 characters.
#[cfg(feature = "mysql")]
const LOCK_NAME: &str =
    "CONCAT('alembix:', LEFT(SHA1(CONCAT(COALESCE(DATABASE(), ''), ':', ?)), 40))";

#[cfg(feature = "mysql")]
pub(crate) use live::connect;

#[cfg(feature = "mysql")]
mod live {
    use alembix_schema::Dialect;
    use sqlx::mysql::MySqlRow;
    use sqlx::mysql::{MySql, MySqlConnectOptions, MySqlConnection, MySqlPool, MySqlQueryResult};
    use sqlx::pool::PoolConnection;
    use sqlx::{AssertSqlSafe, Row as _};

    use super::{BLOCKERS, LOCK_NAME, blocker};
    use crate::backend::{Backend, BackendConn, BackendRow};
    use crate::lock::{Holder, LockAttempt, LockHolder, MigrationLock};
    use crate::url::{connect_error, invalid};
    use crate::{Connection, Done, Error, Pool, PoolOptions, Row, RowDecoder, Rows, Transaction};

    pub(crate) async fn connect(url: &str, opts: &PoolOptions) -> Result<Pool, Error> {
        // sqlx knows the scheme as mysql:// only.
        let scheme = url.split(':').next().unwrap_or_default();
        let mysql_url = format!("mysql{}", &url[scheme.len()..]);
        let options: MySqlConnectOptions = mysql_url.parse().map_err(|e| invalid(url, e))?;
        crate::backend::probe::<MySqlConnection>(url, &options, opts.acquire_timeout).await?;
        let pool = opts
            .sqlx::<MySql>()
            .connect_with(options)
            .await
            .map_err(|e| connect_error(url, e))?;
        Ok(Pool::MySql(pool))
    }

    impl Backend for MySql {
        const DIALECT: Dialect = Dialect::MySql;

        /// A `COMMIT` with no transaction open does nothing, silently.
        async fn commit_in_place(c: &mut MySqlConnection) -> sqlx::Result<bool> {
            sqlx::raw_sql(AssertSqlSafe("COMMIT")).execute(c).await?;
            Ok(true)
        }
    }

    impl BackendConn for MySqlConnection {
        async fn raw_batch(&mut self, sql: &str) -> Result<usize, (usize, sqlx::Error)> {
            crate::backend::count_finished(crate::pool::raw_sql(sql).execute_many(self)).await
        }

        async fn try_lock(&mut self, key: &str, _me: &LockHolder) -> sqlx::Result<LockAttempt> {
            let sql = format!("SELECT GET_LOCK({LOCK_NAME}, 0)");
            let got: Option<i64> = sqlx::query_scalar(AssertSqlSafe(sql))
                .bind(key)
                .fetch_one(&mut *self)
                .await?;
            if got == Some(1) {
                return Ok(LockAttempt::Taken(MigrationLock::new(key)));
            }
            Ok(LockAttempt::Busy(holder(self, key).await?))
        }

        async fn unlock(&mut self, lock: MigrationLock) -> sqlx::Result<()> {
            let sql = format!("SELECT RELEASE_LOCK({LOCK_NAME})");
            sqlx::query(AssertSqlSafe(sql))
                .bind(&lock.key)
                .execute(self)
                .await
                .map(drop)
        }

        async fn blockers(&mut self, _relations: &[String]) -> sqlx::Result<Vec<crate::Blocker>> {
            let rows: Vec<(i64, String, String, i64, String, String)> =
                sqlx::query_as(BLOCKERS).fetch_all(self).await?;
            Ok(rows.into_iter().map(blocker).collect())
        }
    }

    /// The connection holding the lock (`IS_USED_LOCK`), as the process
    /// list describes it (a session cannot publish more for others to read).
    async fn holder(c: &mut MySqlConnection, key: &str) -> sqlx::Result<Option<Holder>> {
        let sql = format!(
            "SELECT CAST(p.ID AS SIGNED), CAST(CONCAT(p.USER, '@', p.HOST) AS CHAR) \
             FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK({LOCK_NAME})"
        );
        let row: Option<(i64, String)> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(key)
            .fetch_optional(c)
            .await?;
        Ok(row.map(|(id, who)| Holder::Session(format!("MySQL connection {id} ({who})"))))
    }
    impl BackendRow for MySqlRow {
        fn timestamp_utc(&self, col: usize) -> sqlx::Result<chrono::DateTime<chrono::Utc>> {
            let at: chrono::NaiveDateTime = self.try_get(col)?;
            Ok(at.and_utc())
        }

        fn decode_with<D: RowDecoder>(&self, decoder: &D) -> Result<D::Output, D::Error> {
            decoder.mysql(self)
        }
    }

    impl From<MySqlQueryResult> for Done {
        fn from(r: MySqlQueryResult) -> Done {
            Done {
                rows_affected: r.rows_affected(),
                last_insert_id: Some(r.last_insert_id() as i64),
            }
        }
    }

    impl From<Vec<MySqlRow>> for Rows {
        fn from(rows: Vec<MySqlRow>) -> Rows {
            Rows::MySql(rows)
        }
    }

    impl From<MySqlRow> for Row {
        fn from(row: MySqlRow) -> Row {
            Row::MySql(row)
        }
    }

    impl From<PoolConnection<MySql>> for Connection {
        fn from(c: PoolConnection<MySql>) -> Connection {
            Connection::MySql(c)
        }
    }

    impl From<sqlx::Transaction<'static, MySql>> for Transaction {
        fn from(t: sqlx::Transaction<'static, MySql>) -> Transaction {
            Transaction::MySql(t)
        }
    }

    impl Pool {
        /// The sqlx MySQL pool, if this is MySQL/MariaDB.
        pub fn as_mysql(&self) -> Option<&MySqlPool> {
            match self {
                Pool::MySql(p) => Some(p),
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    }
}
