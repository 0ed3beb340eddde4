//! [`Pool`]: a connection pool of one of the enabled backends.

use std::time::Duration;

use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use sea_query::Values;
use sea_query_sqlx::SqlxValues;
use sqlx::AssertSqlSafe;

use crate::backend::{self, Backend};
use crate::pooler::on_pool;
use crate::{Connection, Dialect, Done, Error, Row, Rows, Transaction, parse_url};

/// Pool settings for [`Pool::connect`].
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Most connections open at once (default 10; always 1 for an
    /// in-memory SQLite database, which lives as long as its connection).
    pub max_connections: u32,
    /// Connections kept open when idle (default 0).
    pub min_connections: u32,
    /// How long to wait for a free connection (default 30 s).
    pub acquire_timeout: Duration,
    /// How long an unused connection stays open (default 10 minutes;
    /// `None`: for ever).
    pub idle_timeout: Option<Duration>,
    /// How long a connection lives at most (default 30 minutes; `None`:
    /// for ever).
    pub max_lifetime: Option<Duration>,
    /// SQLite: keep the journal in a write-ahead log for a file (in memory
    /// for an in-memory database); `false` leaves the journal mode alone
    /// (default `true`).
    pub sqlite_wal: bool,
    /// SQLite: create the database file when it does not exist (default
    /// `true`); `false` makes a missing file an error, so a typo in the
    /// path is not a new empty database.
    pub sqlite_create: bool,
    /// PostgreSQL: how many prepared statements each connection keeps
    /// (`None`: the URL's `statement-cache-capacity`, else sqlx's 100).
    /// `Some(0)` also makes every PostgreSQL statement of the process
    /// survive a transaction pooler such as PgBouncer: unnamed statements
    /// only, each outside a transaction in one of its own.
    pub statement_cache: Option<usize>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_secs(600)),
            max_lifetime: Some(Duration::from_secs(1800)),
            sqlite_wal: true,
            sqlite_create: true,
            statement_cache: None,
        }
    }
}

impl PoolOptions {
    /// The sqlx pool options of these settings.
    pub(crate) fn sqlx<DB: sqlx::Database>(&self) -> sqlx::pool::PoolOptions<DB> {
        sqlx::pool::PoolOptions::new()
            .max_connections(self.max_connections)
            .min_connections(self.min_connections)
            .acquire_timeout(self.acquire_timeout)
            .idle_timeout(self.idle_timeout)
            .max_lifetime(self.max_lifetime)
    }
}

/// A connection pool to one database, of one of the backends this build
/// has. Cheap to clone: clones share the pool.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use alembix_driver::{Pool, PoolOptions};
/// let pool = Pool::connect("sqlite::memory:", &PoolOptions::default()).await?;
/// let mut tx = pool.begin().await?;
/// tx.raw("CREATE TABLE t (x integer)").await?;
/// tx.commit().await?;
/// assert!(pool.acquire().await?.table_exists("t").await?);
/// # Ok::<_, alembix_driver::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Pool {
    /// A PostgreSQL pool.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    /// A MySQL or MariaDB pool.
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
    /// A SQLite pool.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
}

/// A statement with its values bound, for whichever backend runs it.
/// Unnamed (not prepared) where statements must survive a pooler.
pub(crate) fn query<'q, DB>(sql: String, values: Values) -> sqlx::query::Query<'q, DB, SqlxValues>
where
    DB: Backend,
    SqlxValues: sqlx::IntoArguments<DB>,
{
    sqlx::query_with(AssertSqlSafe(sql), SqlxValues(values))
        .persistent(!crate::pooler::unprepared::<DB>())
}

/// Many statements without parameters, in one round trip.
pub(crate) fn raw_sql(sql: &str) -> sqlx::RawSql {
    sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
}

fn dialect_of<DB: Backend>(_: &sqlx::Pool<DB>) -> Dialect {
    DB::DIALECT
}

impl Pool {
    /// Connects to the database of `url`; see [`parse_url`] for the
    /// schemes. A SQLite file is created when missing; SQLite connections
    /// wait up to 30 s for a busy database and enforce foreign keys.
    pub async fn connect(url: &str, opts: &PoolOptions) -> Result<Pool, Error> {
        let dialect = parse_url(url)?;
        backend::connect(dialect, url, opts).await
    }

    /// The dialect of the backend.
    pub fn dialect(&self) -> Dialect {
        dispatch!(Pool, self, p => dialect_of(p))
    }

    /// The server's version, as the dialect's
    /// [`server_version_query`](alembix_schema::SqlDialect::server_version_query)
    /// reads it (`16.2`, `10.11.6-MariaDB`, SQLite's library version).
    pub async fn server_version(&self) -> sqlx::Result<String> {
        // In the simple protocol, which a transaction pooler passes whole
        // (the query has no parameters).
        let sql = sqlx::AssertSqlSafe(self.dialect().rules().server_version_query());
        dispatch!(Pool, self, p => {
            use sqlx::Row;
            sqlx::raw_sql(sql).fetch_one(p).await?.try_get::<String, _>(0)
        })
    }

    /// Whether `INSERT ... RETURNING` works here, as the dialect decides
    /// from [`Pool::server_version`] (PostgreSQL, SQLite 3.35 and later,
    /// MariaDB 10.5 and later; never MySQL).
    pub async fn has_returning(&self) -> sqlx::Result<bool> {
        let version = self.server_version().await?;
        Ok(self.dialect().rules().has_returning(&version))
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        dispatch!(Pool, self, p => p.close().await)
    }

    /// A connection of its own, held until dropped (back to the pool) or
    /// [`detach`](Connection::detach)ed.
    pub async fn acquire(&self) -> sqlx::Result<Connection> {
        Ok(dispatch!(Pool, self, p => Connection::from(p.acquire().await?)))
    }

    /// Starts a transaction on a connection of the pool.
    pub async fn begin(&self) -> sqlx::Result<Transaction> {
        Ok(dispatch!(Pool, self, p => Transaction::from(p.begin().await?)))
    }

    /// Runs one statement with bound values.
    pub async fn execute(&self, sql: String, values: Values) -> sqlx::Result<Done> {
        Ok(dispatch!(Pool, self, p => Done::from(on_pool(p, sql, values, false).await?.done())))
    }

    /// Runs one query with bound values and returns all its rows.
    pub async fn fetch_all(&self, sql: String, values: Values) -> sqlx::Result<Rows> {
        Ok(dispatch!(Pool, self, p => Rows::from(on_pool(p, sql, values, true).await?.rows())))
    }

    /// Runs one query with bound values; its rows as they arrive.
    /// (Where statements must survive a pooler, the rows are read whole in
    /// a transaction first.)
    pub fn fetch(&self, sql: String, values: Values) -> BoxStream<'_, sqlx::Result<Row>> {
        if crate::pooler::statements_unprepared()
            && crate::backend_sql(self.dialect()).unprepared_under_pooler
        {
            return futures_util::stream::once(async move { self.fetch_all(sql, values).await })
                .map_ok(|rows| futures_util::stream::iter(rows.into_rows().into_iter().map(Ok)))
                .try_flatten()
                .boxed();
        }
        dispatch!(Pool, self, p => query(sql, values).fetch(p).map_ok(Row::from).boxed())
    }

    /// Runs SQL text without parameters (any number of statements, simple
    /// protocol).
    pub async fn raw(&self, sql: &str) -> sqlx::Result<()> {
        dispatch!(Pool, self, p => raw_sql(sql).execute(p).await.map(drop))
    }
}
