//! Connections: [`Db`] (a pool per backend), transactions ([`Tx`]) and the
//! [`Exec`] handle every query method runs on.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use alembix_schema::{Dialect, Schema, Table};
use sea_query_sqlx::SqlxValues;
use sqlx::AssertSqlSafe;
use sqlx::mysql::{MySqlPool, MySqlPoolOptions, MySqlRow};
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use tokio::sync::Mutex;

use crate::error::{Error, Result};

/// The database backend behind a [`Db`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Postgres,
    /// MySQL or MariaDB.
    MySql,
    Sqlite,
}

impl Backend {
    /// The SQL dialect of this backend.
    pub fn dialect(self) -> Dialect {
        match self {
            Backend::Postgres => Dialect::Postgres,
            Backend::MySql => Dialect::MySql,
            Backend::Sqlite => Dialect::Sqlite,
        }
    }

    /// The backend a URL names, from its scheme.
    ///
    /// ```
    /// use alembix::Backend;
    /// assert_eq!(Backend::from_url("postgres://localhost/app").unwrap(), Backend::Postgres);
    /// assert_eq!(Backend::from_url("mariadb://root@localhost/app").unwrap(), Backend::MySql);
    /// assert_eq!(Backend::from_url("sqlite::memory:").unwrap(), Backend::Sqlite);
    /// assert!(Backend::from_url("oracle://x").is_err());
    /// ```
    pub fn from_url(url: &str) -> Result<Backend> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            "mysql" | "mariadb" => Ok(Backend::MySql),
            "sqlite" => Ok(Backend::Sqlite),
            _ => Err(Error::InvalidUrl {
                url: redact(url),
                reason: "the scheme must be postgres://, mysql://, mariadb://, sqlite://PATH or sqlite::memory:".into(),
            }),
        }
    }
}

// Hides the password of a URL in messages.
use alembix_migrate::db::redact;

/// Pool settings for [`Db::connect_with`].
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Most connections open at once (default 10; 1 for `sqlite::memory:`).
    pub max_connections: u32,
    /// Connections kept open when idle (default 0).
    pub min_connections: u32,
    /// How long to wait for a free connection (default 30 s).
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Pg(PgPool),
    My(MySqlPool),
    Lite(SqlitePool),
}

/// A connection pool to one database. Cheap to clone; share it between tasks.
///
/// ```no_run
/// # async fn run() -> alembix::Result<()> {
/// let db = alembix::Db::connect("sqlite://app.db").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) pool: Pool,
    pub(crate) caps: Arc<Caps>,
    /// Statements run so far, shared by clones and transactions of this `Db`.
    pub(crate) queries: Arc<AtomicU64>,
}

/// What the server can do, found once at connect time.
#[derive(Debug)]
pub(crate) struct Caps {
    /// `INSERT ... RETURNING` (PostgreSQL, SQLite, MariaDB >= 10.5).
    pub returning: bool,
}

impl Db {
    /// Connects with default pool options. The backend comes from the URL:
    /// `postgres://`, `mysql://` or `mariadb://`, `sqlite://PATH` (the file is
    /// created when missing) or `sqlite::memory:`.
    pub async fn connect(url: &str) -> Result<Db> {
        Db::connect_with(url, PoolOptions::default()).await
    }

    /// Connects with the given pool options.
    pub async fn connect_with(url: &str, opts: PoolOptions) -> Result<Db> {
        let backend = Backend::from_url(url)?;
        let bad_url = |e: sqlx::Error| Error::InvalidUrl {
            url: redact(url),
            reason: e.to_string(),
        };
        let db = match backend {
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(opts.max_connections)
                    .min_connections(opts.min_connections)
                    .acquire_timeout(opts.acquire_timeout)
                    .connect(&url.replacen("postgresql://", "postgres://", 1))
                    .await?;
                Db {
                    pool: Pool::Pg(pool),
                    caps: Arc::new(Caps { returning: true }),
                    queries: Arc::default(),
                }
            }
            Backend::MySql => {
                let url = url.replacen("mariadb://", "mysql://", 1);
                let pool = MySqlPoolOptions::new()
                    .max_connections(opts.max_connections)
                    .min_connections(opts.min_connections)
                    .acquire_timeout(opts.acquire_timeout)
                    .connect(&url)
                    .await?;
                let version: String = sqlx::query_scalar("SELECT VERSION()")
                    .fetch_one(&pool)
                    .await?;
                Db {
                    pool: Pool::My(pool),
                    caps: Arc::new(Caps {
                        returning: mariadb_has_returning(&version),
                    }),
                    queries: Arc::default(),
                }
            }
            Backend::Sqlite => {
                let memory = url.contains(":memory:") || url.contains("mode=memory");
                let connect: SqliteConnectOptions = url.parse().map_err(bad_url)?;
                let connect = connect
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .journal_mode(if memory {
                        sqlx::sqlite::SqliteJournalMode::Memory
                    } else {
                        sqlx::sqlite::SqliteJournalMode::Wal
                    })
                    .busy_timeout(Duration::from_secs(30));
                let pool = SqlitePoolOptions::new()
                    .max_connections(if memory { 1 } else { opts.max_connections })
                    .min_connections(opts.min_connections)
                    .acquire_timeout(opts.acquire_timeout)
                    // An in-memory database lives as long as its one connection.
                    .idle_timeout(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(600))
                    })
                    .max_lifetime(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(1800))
                    })
                    .connect_with(connect)
                    .await?;
                Db {
                    pool: Pool::Lite(pool),
                    caps: Arc::new(Caps { returning: true }),
                    queries: Arc::default(),
                }
            }
        };
        Ok(db)
    }

    /// How many SQL statements this `Db` has run so far: every query,
    /// insert, update, delete, DDL and savepoint statement, on the pool or in
    /// a transaction started from it (a stream counts once; the `BEGIN`,
    /// `COMMIT` and `ROLLBACK` the driver issues are not counted). Clones of
    /// a `Db` share the counter.
    ///
    /// Useful in tests, e.g. to check that an eager load is one query:
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix::Db::connect("sqlite::memory:").await?;
    /// let before = db.queries_run();
    /// db.execute_sql("SELECT 1").await?;
    /// assert_eq!(db.queries_run(), before + 1);
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn queries_run(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// The backend of this database.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Pg(_) => Backend::Postgres,
            Pool::My(_) => Backend::MySql,
            Pool::Lite(_) => Backend::Sqlite,
        }
    }

    /// The underlying sqlx PostgreSQL pool, if this is PostgreSQL.
    pub fn as_postgres(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Pg(p) => Some(p),
            _ => None,
        }
    }

    /// The underlying sqlx MySQL pool, if this is MySQL/MariaDB.
    pub fn as_mysql(&self) -> Option<&MySqlPool> {
        match &self.pool {
            Pool::My(p) => Some(p),
            _ => None,
        }
    }

    /// The underlying sqlx SQLite pool, if this is SQLite.
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match &self.pool {
            Pool::Lite(p) => Some(p),
            _ => None,
        }
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Pg(p) => p.close().await,
            Pool::My(p) => p.close().await,
            Pool::Lite(p) => p.close().await,
        }
    }

    /// Creates the tables (and PostgreSQL enum types and indexes) of these
    /// models, in dependency order, in one transaction where the backend
    /// allows DDL in one. For tests and prototypes; use migrations otherwise.
    ///
    /// ```no_run
    /// # use alembix::Model;
    /// # #[derive(Model, Clone, Debug)] struct User { id: i64 }
    /// # async fn run(db: alembix::Db) -> alembix::Result<()> {
    /// db.create_all(&[User::table()]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_all(&self, tables: &[&Table]) -> Result<()> {
        let schema = schema_of(tables);
        let statements = alembix_schema::create_schema(&schema, self.backend().dialect())?;
        self.run_ddl(statements).await
    }

    /// Drops the tables (and PostgreSQL enum types) of these models, children first.
    pub async fn drop_all(&self, tables: &[&Table]) -> Result<()> {
        let schema = schema_of(tables);
        let statements = alembix_schema::drop_schema(&schema, self.backend().dialect())?;
        self.run_ddl(statements).await
    }

    async fn run_ddl(&self, statements: Vec<String>) -> Result<()> {
        let tx = self.begin().await?;
        for sql in statements {
            tx.execute_sql(&sql).await?;
        }
        tx.commit().await
    }

    /// Starts a transaction; commit it with [`Tx::commit`]. Dropped without a
    /// commit, it rolls back.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.pool {
            Pool::Pg(p) => TxConn::Pg(p.begin().await?),
            Pool::My(p) => TxConn::My(p.begin().await?),
            Pool::Lite(p) => TxConn::Lite(p.begin().await?),
        };
        Ok(Tx {
            conn: Arc::new(Mutex::new(Some(inner))),
            depth: 0,
            backend: self.backend(),
            caps: self.caps.clone(),
            queries: self.queries.clone(),
        })
    }

    /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back
    /// when it returns `Err` (or panics).
    ///
    /// ```no_run
    /// # use alembix::Model;
    /// # #[derive(Model, Clone, Debug)] struct Account { id: i64, balance: i64 }
    /// # async fn run(db: alembix::Db) -> alembix::Result<()> {
    /// db.transaction(|tx| async move {
    ///     Account::update_many().set(Account::balance, Account::balance - 10).filter(Account::id.eq(1)).exec(&tx).await?;
    ///     Account::update_many().set(Account::balance, Account::balance + 10).filter(Account::id.eq(2)).exec(&tx).await?;
    ///     Ok::<_, alembix::Error>(())
    /// }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn transaction<F, Fut, T, E>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        let tx = self.begin().await?;
        match f(tx.clone()).await {
            Ok(v) => {
                tx.commit().await?;
                Ok(v)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    /// Runs raw SQL with no parameters and no results (DDL, session settings).
    pub async fn execute_sql(&self, sql: &str) -> Result<u64> {
        Exec::from(self)
            .execute(sql.to_string(), sea_query::Values(Vec::new()))
            .await
            .map(|r| r.rows_affected)
    }
}

fn mariadb_has_returning(version: &str) -> bool {
    if !version.to_ascii_lowercase().contains("mariadb") {
        return false;
    }
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty());
    let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor) >= (10, 5)
}

fn schema_of(tables: &[&Table]) -> Schema {
    let mut schema = Schema::default();
    for t in tables {
        for c in &t.columns {
            if let alembix_schema::ColumnType::Enum { name, values } = &c.ty
                && schema.enum_type(name).is_none()
            {
                schema.enums.push(alembix_schema::EnumType {
                    name: name.clone(),
                    values: values.clone(),
                });
            }
        }
        schema.tables.push((*t).clone());
    }
    schema
}

pub(crate) enum TxConn {
    Pg(sqlx::Transaction<'static, sqlx::Postgres>),
    My(sqlx::Transaction<'static, sqlx::MySql>),
    Lite(sqlx::Transaction<'static, sqlx::Sqlite>),
}

/// A transaction. Clone it freely (clones share the one connection); query
/// methods take `&tx` where they take `&db`. Nested [`Tx::transaction`]s
/// become savepoints.
#[derive(Clone)]
pub struct Tx {
    pub(crate) conn: Arc<Mutex<Option<TxConn>>>,
    depth: u32,
    backend: Backend,
    pub(crate) caps: Arc<Caps>,
    pub(crate) queries: Arc<AtomicU64>,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("backend", &self.backend)
            .field("depth", &self.depth)
            .finish()
    }
}

impl Tx {
    /// The backend of this transaction.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Commits (at depth 0) or releases the savepoint.
    pub async fn commit(self) -> Result<()> {
        if self.depth > 0 {
            return self
                .execute_sql(&format!("RELEASE SAVEPOINT alembix_sp_{}", self.depth))
                .await
                .map(|_| ());
        }
        let conn = self.conn.lock().await.take().ok_or_else(finished)?;
        match conn {
            TxConn::Pg(t) => t.commit().await?,
            TxConn::My(t) => t.commit().await?,
            TxConn::Lite(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Rolls back (at depth 0) or rolls back to the savepoint.
    pub async fn rollback(self) -> Result<()> {
        if self.depth > 0 {
            return self
                .execute_sql(&format!("ROLLBACK TO SAVEPOINT alembix_sp_{}", self.depth))
                .await
                .map(|_| ());
        }
        let conn = self.conn.lock().await.take().ok_or_else(finished)?;
        match conn {
            TxConn::Pg(t) => t.rollback().await?,
            TxConn::My(t) => t.rollback().await?,
            TxConn::Lite(t) => t.rollback().await?,
        }
        Ok(())
    }

    /// Runs `f` inside a savepoint of this transaction: released on `Ok`,
    /// rolled back to on `Err`.
    pub async fn transaction<F, Fut, T, E>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        let nested = Tx {
            conn: self.conn.clone(),
            depth: self.depth + 1,
            backend: self.backend,
            caps: self.caps.clone(),
            queries: self.queries.clone(),
        };
        nested
            .execute_sql(&format!("SAVEPOINT alembix_sp_{}", nested.depth))
            .await?;
        match f(nested.clone()).await {
            Ok(v) => {
                nested.commit().await?;
                Ok(v)
            }
            Err(e) => {
                let _ = nested.rollback().await;
                Err(e)
            }
        }
    }

    /// Runs raw SQL with no parameters and no results.
    pub async fn execute_sql(&self, sql: &str) -> Result<u64> {
        Exec::from(self)
            .execute(sql.to_string(), sea_query::Values(Vec::new()))
            .await
            .map(|r| r.rows_affected)
    }
}

fn finished() -> Error {
    Error::Usage("the transaction has already been committed or rolled back".into())
}

/// Where a query runs: a [`Db`] (a pooled connection) or a [`Tx`].
/// Every query method takes `impl Into<Exec>`, so pass `&db` or `&tx`.
#[derive(Debug, Clone, Copy)]
pub enum Exec<'a> {
    Db(&'a Db),
    Tx(&'a Tx),
}

impl<'a> From<&'a Db> for Exec<'a> {
    fn from(db: &'a Db) -> Self {
        Exec::Db(db)
    }
}

impl<'a> From<&'a Tx> for Exec<'a> {
    fn from(tx: &'a Tx) -> Self {
        Exec::Tx(tx)
    }
}

/// Rows fetched from one backend.
pub(crate) enum Rows {
    Pg(Vec<PgRow>),
    My(Vec<MySqlRow>),
    Lite(Vec<SqliteRow>),
}

/// What a statement did.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Done {
    pub rows_affected: u64,
    pub last_insert_id: Option<i64>,
}

macro_rules! dispatch {
    ($exec:expr, $sql:expr, $values:expr, |$q:ident, $c:ident| $body:expr, $wrap_pg:expr, $wrap_my:expr, $wrap_lite:expr) => {{
        let sql = AssertSqlSafe($sql);
        let values = SqlxValues($values);
        match $exec {
            Exec::Db(db) => match &db.pool {
                Pool::Pg(p) => {
                    let $q = sqlx::query_with(sql, values);
                    let $c = p;
                    $wrap_pg($body)
                }
                Pool::My(p) => {
                    let $q = sqlx::query_with(sql, values);
                    let $c = p;
                    $wrap_my($body)
                }
                Pool::Lite(p) => {
                    let $q = sqlx::query_with(sql, values);
                    let $c = p;
                    $wrap_lite($body)
                }
            },
            Exec::Tx(tx) => {
                let mut guard = tx.conn.lock().await;
                match guard.as_mut().ok_or_else(finished)? {
                    TxConn::Pg(t) => {
                        let $q = sqlx::query_with(sql, values);
                        let $c = &mut **t;
                        $wrap_pg($body)
                    }
                    TxConn::My(t) => {
                        let $q = sqlx::query_with(sql, values);
                        let $c = &mut **t;
                        $wrap_my($body)
                    }
                    TxConn::Lite(t) => {
                        let $q = sqlx::query_with(sql, values);
                        let $c = &mut **t;
                        $wrap_lite($body)
                    }
                }
            }
        }
    }};
}

impl<'a> Exec<'a> {
    /// The backend the query will run on.
    pub fn backend(&self) -> Backend {
        match self {
            Exec::Db(db) => db.backend(),
            Exec::Tx(tx) => tx.backend,
        }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.backend().dialect()
    }

    pub(crate) fn has_returning(&self) -> bool {
        match self {
            Exec::Db(db) => db.caps.returning,
            Exec::Tx(tx) => tx.caps.returning,
        }
    }

    /// Counts one statement in the [`Db::queries_run`] counter.
    pub(crate) fn count_query(&self) {
        let counter = match self {
            Exec::Db(db) => &db.queries,
            Exec::Tx(tx) => &tx.queries,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) async fn fetch_all(&self, sql: String, values: sea_query::Values) -> Result<Rows> {
        self.count_query();
        Ok(dispatch!(
            self,
            sql,
            values,
            |q, c| q.fetch_all(c).await?,
            Rows::Pg,
            Rows::My,
            Rows::Lite
        ))
    }

    /// Runs a PostgreSQL statement with arguments bound by the caller
    /// (typed arrays for `insert_many`); the number of rows it affected.
    pub(crate) async fn execute_pg(
        &self,
        sql: String,
        args: sqlx::postgres::PgArguments,
    ) -> Result<u64> {
        self.count_query();
        let q = sqlx::query_with(AssertSqlSafe(sql), args);
        let done = match self {
            Exec::Db(db) => match &db.pool {
                Pool::Pg(p) => q.execute(p).await?,
                _ => {
                    return Err(Error::Usage(
                        "execute_pg on a non-PostgreSQL database".into(),
                    ));
                }
            },
            Exec::Tx(tx) => {
                let mut guard = tx.conn.lock().await;
                match guard.as_mut().ok_or_else(finished)? {
                    TxConn::Pg(t) => q.execute(&mut **t).await?,
                    _ => {
                        return Err(Error::Usage(
                            "execute_pg on a non-PostgreSQL transaction".into(),
                        ));
                    }
                }
            }
        };
        Ok(done.rows_affected())
    }

    pub(crate) async fn execute(&self, sql: String, values: sea_query::Values) -> Result<Done> {
        self.count_query();
        let pg = |r: sqlx::postgres::PgQueryResult| Done {
            rows_affected: r.rows_affected(),
            last_insert_id: None,
        };
        let my = |r: sqlx::mysql::MySqlQueryResult| Done {
            rows_affected: r.rows_affected(),
            last_insert_id: Some(r.last_insert_id() as i64),
        };
        let lite = |r: sqlx::sqlite::SqliteQueryResult| Done {
            rows_affected: r.rows_affected(),
            last_insert_id: Some(r.last_insert_rowid()),
        };
        Ok(dispatch!(
            self,
            sql,
            values,
            |q, c| q.execute(c).await?,
            pg,
            my,
            lite
        ))
    }
}

impl Rows {
    pub(crate) fn len(&self) -> usize {
        match self {
            Rows::Pg(r) => r.len(),
            Rows::My(r) => r.len(),
            Rows::Lite(r) => r.len(),
        }
    }
}
