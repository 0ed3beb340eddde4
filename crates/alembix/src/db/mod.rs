//! Connections: [`Db`] (a pool of one backend), transactions ([`Tx`]) and
//! the [`Exec`] handle every query method runs on. The pool, transactions
//! and how each backend runs SQL come from `alembix-driver`.

mod builder;
mod config;
mod exec;
mod position;
mod read;
mod replica;
mod rows;
mod session;
mod trace;
mod tx;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use alembix_schema::{Schema, Table};

use crate::Backend;
use crate::error::{Error, Result};

pub use builder::DbBuilder;
pub use exec::Exec;
pub(crate) use exec::Route;
pub(crate) use rows::ModelAt;
pub use tx::Tx;

/// Pool settings for [`Db::connect_with`].
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Most connections open at once (default 10; 1 for `sqlite::memory:`).
    pub max_connections: u32,
    /// Connections kept open when idle (default 0).
    pub min_connections: u32,
    /// How long to wait for a free connection (default 30 s).
    pub acquire_timeout: Duration,
    /// A statement that takes at least this long emits a `tracing` WARN
    /// event (target `alembix::slow_query`) with its SQL text and duration
    /// (default `None`: no warning).
    pub slow_query: Option<Duration>,
    /// Whether statement spans carry the bound values (`db.values`);
    /// default `false`, as values may be personal data.
    pub log_values: bool,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
            slow_query: None,
            log_values: false,
        }
    }
}

/// A connection pool to one database. Cheap to clone; share it between tasks.
///
/// Every statement it sends runs inside a `tracing` span named
/// `alembix.statement` (target `alembix::statement`, level DEBUG) with the
/// fields `db.system`, `db.statement` (the SQL with placeholders), `rows`
/// and `duration_ms`; the bound values only with
/// [`PoolOptions::log_values`], and a WARN event for statements slower than
/// [`PoolOptions::slow_query`]. With no subscriber interested, this costs
/// next to nothing.
///
/// ```no_run
/// # async fn run() -> alembix::Result<()> {
/// let db = alembix::Db::connect("sqlite://app.db").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) pool: alembix_driver::Pool,
    pub(crate) settings: Arc<Settings>,
    /// Statements run so far, shared by clones and transactions of this `Db`.
    pub(crate) queries: Arc<AtomicU64>,
    /// The read replicas and this handle's session; `None` (and no cost)
    /// without replicas.
    pub(crate) routing: Option<replica::Routing>,
}

/// What the server can do, found once at connect time, and how its
/// statements are traced.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The server's version, as read at connect.
    pub server_version: String,
    /// `INSERT/UPDATE/DELETE ... RETURNING`, as the dialect decides from
    /// the server's version (PostgreSQL, SQLite >= 3.35, MariaDB >= 10.5).
    pub returning: bool,
    pub trace: trace::TraceOptions,
}

impl Db {
    /// Connects with default pool options. The backend comes from the URL:
    /// `postgres://`, `mysql://` or `mariadb://`, `sqlite://PATH` (the file is
    /// created when missing) or `sqlite::memory:`. A backend whose cargo
    /// feature (`postgres`, `mysql`, `sqlite`) is off is an
    /// [`Error::InvalidUrl`] that names the feature.
    ///
    /// ```
    /// use alembix::Backend::{Sqlite};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix::Db::connect("sqlite::memory:").await?;
    /// assert_eq!(db.backend(), Sqlite);
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub async fn connect(url: &str) -> Result<Db> {
        Db::connect_with(url, PoolOptions::default()).await
    }

    /// Connects with the given pool options.
    pub async fn connect_with(url: &str, opts: PoolOptions) -> Result<Db> {
        let pool = alembix_driver::Pool::connect(url, &driver_options(&opts)).await?;
        let server_version = pool.server_version().await?;
        let returning = pool.dialect().rules().has_returning(&server_version);
        let trace = trace::TraceOptions {
            slow_query: opts.slow_query,
            log_values: opts.log_values,
        };
        Ok(Db {
            pool,
            settings: Arc::new(Settings {
                server_version,
                returning,
                trace,
            }),
            queries: Arc::default(),
            routing: None,
        })
    }

    /// The server's version, read once at connect (`16.2`,
    /// `10.11.6-MariaDB`, the SQLite library's version).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix::Db::connect("sqlite::memory:").await?;
    /// assert!(db.server_version().starts_with("3."));
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn server_version(&self) -> &str {
        &self.settings.server_version
    }

    /// Whether this server has `INSERT/UPDATE/DELETE ... RETURNING`
    /// (PostgreSQL, SQLite 3.35 and later, MariaDB 10.5 and later; never
    /// MySQL). Where it does, `insert` and `upsert` are one statement each;
    /// elsewhere they read the stored row back with a second one.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix::Db::connect("sqlite::memory:").await?;
    /// assert!(db.has_returning());
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn has_returning(&self) -> bool {
        self.settings.returning
    }

    /// How many SQL statements this `Db` has run so far: every query,
    /// insert, update, delete, DDL and savepoint statement, on the pool or in
    /// a transaction started from it (a stream counts once; the `BEGIN`,
    /// `COMMIT` and `ROLLBACK` the driver issues are not counted, though
    /// they are traced). Clones of a `Db` share the counter.
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
        self.pool.dialect()
    }

    /// The connection pool, as `alembix-driver` (and the migration engine)
    /// knows it.
    pub fn pool(&self) -> &alembix_driver::Pool {
        &self.pool
    }

    /// The underlying sqlx PostgreSQL pool, if this is PostgreSQL.
    #[cfg(feature = "postgres")]
    pub fn as_postgres(&self) -> Option<&sqlx::PgPool> {
        self.pool.as_postgres()
    }

    /// The underlying sqlx MySQL pool, if this is MySQL/MariaDB.
    #[cfg(feature = "mysql")]
    pub fn as_mysql(&self) -> Option<&sqlx::MySqlPool> {
        self.pool.as_mysql()
    }

    /// The underlying sqlx SQLite pool, if this is SQLite.
    #[cfg(feature = "sqlite")]
    pub fn as_sqlite(&self) -> Option<&sqlx::SqlitePool> {
        self.pool.as_sqlite()
    }

    /// Closes every connection of the pool (and of the replicas' pools).
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(routing) = &self.routing {
            routing.set.close().await;
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
        let statements = alembix_schema::create_schema(&schema, self.backend())?;
        self.run_ddl(statements).await
    }

    /// Drops the tables (and PostgreSQL enum types) of these models, children first.
    pub async fn drop_all(&self, tables: &[&Table]) -> Result<()> {
        let schema = schema_of(tables);
        let statements = alembix_schema::drop_schema(&schema, self.backend())?;
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
        // Boxed: the driver's future is large, and is moved through the tracing.
        let begin = Box::pin(async { self.pool.begin().await.map_err(Error::from) });
        let tx = trace::control(&self.settings.trace, self.backend(), "BEGIN", begin).await?;
        Ok(Tx::new(tx, self))
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
        tx.finish_with(f).await
    }

    /// Runs raw SQL with no parameters and no results (DDL, session settings).
    pub async fn execute_sql(&self, sql: &str) -> Result<u64> {
        Exec::from(self).execute_sql(sql).await
    }
}

/// The driver's pool settings of these.
fn driver_options(opts: &PoolOptions) -> alembix_driver::PoolOptions {
    alembix_driver::PoolOptions {
        max_connections: opts.max_connections,
        min_connections: opts.min_connections,
        acquire_timeout: opts.acquire_timeout,
        ..alembix_driver::PoolOptions::default()
    }
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

#[cfg(test)]
mod tests {
    /// A URL of a backend this build leaves out names the missing feature.
    #[cfg(not(all(feature = "postgres", feature = "mysql", feature = "sqlite")))]
    #[tokio::test]
    async fn left_out_backend_names_its_feature() {
        for (url, feature) in [
            ("postgres://app:secret@localhost/app", "postgres"),
            ("mysql://app:secret@localhost/app", "mysql"),
            ("sqlite::memory:", "sqlite"),
        ] {
            let backend = crate::Backend::from_url(url).unwrap();
            if alembix_driver::backend_sql(backend).enabled {
                continue;
            }
            let err = super::Db::connect(url).await.unwrap_err().to_string();
            assert!(err.contains(&format!("`{feature}` cargo feature")), "{err}");
            assert!(!err.contains("secret"), "{err}");
        }
    }
}
