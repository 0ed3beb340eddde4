//! Statements that survive a transaction pooler (PgBouncer's
//! `pool_mode = transaction`, before its 1.21 `max_prepared_statements`).
//!
//! sqlx sends a statement with bound values in two round trips: `Parse`
//! and `Describe`, then `Bind` and `Execute`, each ending with `Sync`.
//! Outside a transaction a pooler may hand the second round trip to
//! another server session: a named statement is missing there ("prepared
//! statement does not exist"), or exists already ("already exists"), and
//! an unnamed one may be another client's (the wrong statement runs with
//! these values). Inside a transaction the pooler keeps the client on one
//! server session. So with the statement cache off (a PostgreSQL URL with
//! `statement-cache-capacity=0`, or [`PoolOptions::statement_cache`](crate::PoolOptions::statement_cache)
//! `Some(0)`), PostgreSQL statements use unnamed statements only, a
//! statement with values outside a transaction runs in one of its own, and
//! one without values goes in the simple protocol.
//!
//! The switch is for the whole process (sqlx keeps no per-pool data the
//! driver could read): a process that also has a direct pool pays the same
//! extra round trips there, and nothing else changes.

use std::sync::atomic::{AtomicBool, Ordering};

use sea_query::Values;
use sea_query_sqlx::SqlxValues;

use crate::Connection;
use crate::backend::Backend;

/// Set once a PostgreSQL pool of this process was opened without a
/// statement cache (sqlx keeps no per-pool data the driver could read).
static UNPREPARED: AtomicBool = AtomicBool::new(false);

/// Marks PostgreSQL statements of this process as going through a pooler.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn set_unprepared() {
    UNPREPARED.store(true, Ordering::Relaxed);
}

/// Whether statements of `DB` must survive a transaction pooler.
pub(crate) fn unprepared<DB: Backend>() -> bool {
    crate::backend_sql(DB::DIALECT).unprepared_under_pooler && UNPREPARED.load(Ordering::Relaxed)
}

/// Whether PostgreSQL statements of this process run unprepared, in a
/// transaction of their own outside one (see the module docs); true once
/// a PostgreSQL pool was opened with the statement cache off.
///
/// ```
/// assert!(!alembix_driver::statements_unprepared() || cfg!(feature = "postgres"));
/// ```
pub fn statements_unprepared() -> bool {
    UNPREPARED.load(Ordering::Relaxed)
}

/// The `statement-cache-capacity` of a PostgreSQL URL's query, if given.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn url_statement_cache(url: &str) -> Option<usize> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "statement-cache-capacity")
        .and_then(|(_, v)| v.parse().ok())
}

/// Runs one statement on a pooled connection (in a transaction of its own
/// where statements must survive a pooler): its rows, or what it did.
pub(crate) async fn on_pool<DB>(
    p: &sqlx::Pool<DB>,
    sql: String,
    values: Values,
    fetch: bool,
) -> sqlx::Result<Outcome<DB>>
where
    DB: Backend,
    SqlxValues: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    if !unprepared::<DB>() {
        return run::<DB, _>(p, sql, values, fetch).await;
    }
    // Boxed: the transaction's futures are large, and holding them inline
    // would make every statement's future (and each move of it) as large.
    Box::pin(on_pool_unprepared(p, sql, values, fetch)).await
}

/// [`on_pool`] where statements must survive a pooler.
async fn on_pool_unprepared<DB>(
    p: &sqlx::Pool<DB>,
    sql: String,
    values: Values,
    fetch: bool,
) -> sqlx::Result<Outcome<DB>>
where
    DB: Backend,
    SqlxValues: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    if !fetch && values.0.is_empty() {
        // No values: the simple protocol, which a pooler passes whole
        // (and which `CREATE DATABASE` or `VACUUM` needs: no transaction).
        let raw = sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
        return Ok(Outcome::Done(raw.execute(p).await?));
    }
    let mut tx = p.begin().await?;
    let out = run::<DB, _>(&mut *tx, sql, values, fetch).await?;
    tx.commit().await?;
    Ok(out)
}

/// Runs one statement on a dedicated connection, in a transaction of its
/// own where statements must survive a pooler and none is open.
pub(crate) async fn on_connection<DB>(
    c: &mut sqlx::pool::PoolConnection<DB>,
    sql: String,
    values: Values,
    fetch: bool,
) -> sqlx::Result<Outcome<DB>>
where
    DB: Backend,
    SqlxValues: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    if !unprepared::<DB>() {
        return run::<DB, _>(&mut **c, sql, values, fetch).await;
    }
    // Boxed, as in `on_pool`.
    Box::pin(on_connection_unprepared(c, sql, values, fetch)).await
}

/// [`on_connection`] where statements must survive a pooler.
async fn on_connection_unprepared<DB>(
    c: &mut sqlx::pool::PoolConnection<DB>,
    sql: String,
    values: Values,
    fetch: bool,
) -> sqlx::Result<Outcome<DB>>
where
    DB: Backend,
    SqlxValues: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    use sqlx::Connection as _;
    if DB::in_transaction(c).await? {
        return run::<DB, _>(&mut **c, sql, values, fetch).await;
    }
    if !fetch && values.0.is_empty() {
        let raw = sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
        return Ok(Outcome::Done(raw.execute(&mut **c).await?));
    }
    let mut tx = (**c).begin().await?;
    let out = run::<DB, _>(&mut *tx, sql, values, fetch).await?;
    tx.commit().await?;
    Ok(out)
}

/// A statement's rows, or what it did.
pub(crate) enum Outcome<DB: sqlx::Database> {
    /// The rows of a query.
    Rows(Vec<DB::Row>),
    /// What a statement did.
    Done(DB::QueryResult),
}

impl<DB: sqlx::Database> Outcome<DB> {
    pub(crate) fn rows(self) -> Vec<DB::Row> {
        match self {
            Outcome::Rows(r) => r,
            Outcome::Done(_) => Vec::new(),
        }
    }

    pub(crate) fn done(self) -> DB::QueryResult {
        match self {
            Outcome::Done(d) => d,
            Outcome::Rows(_) => DB::QueryResult::default(),
        }
    }
}

/// Runs one statement on `e`.
async fn run<'e, DB, E>(e: E, sql: String, values: Values, fetch: bool) -> sqlx::Result<Outcome<DB>>
where
    DB: Backend,
    E: sqlx::Executor<'e, Database = DB>,
    SqlxValues: sqlx::IntoArguments<DB>,
{
    let q = crate::pool::query::<DB>(sql, values);
    Ok(if fetch {
        Outcome::Rows(q.fetch_all(e).await?)
    } else {
        Outcome::Done(q.execute(e).await?)
    })
}

/// How many times [`Pool::behind_pooler`](crate::Pool::behind_pooler)
/// compares the server sessions of two connections.
const POOLER_ROUNDS: usize = 3;

impl crate::Pool {
    /// Whether a transaction pooler (PgBouncer's `pool_mode = transaction`
    /// or `statement`) seems to stand between this pool and the server:
    /// two connections held at once, each asking for its server session
    /// one after the other, are given the same one (the pooler hands the
    /// session the first statement freed to the next). Without a pooler
    /// two connections are two sessions and this is never true; under a
    /// busy pooler it may miss. Always false on backends without such
    /// poolers (`BackendSql::unprepared_under_pooler`: PostgreSQL only).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = alembix_driver::Pool::connect("sqlite::memory:", &Default::default()).await?;
    /// assert!(!pool.behind_pooler().await?);
    /// # Ok::<_, alembix_driver::Error>(()) }).unwrap();
    /// ```
    pub async fn behind_pooler(&self) -> sqlx::Result<bool> {
        if !crate::backend_sql(self.dialect()).unprepared_under_pooler {
            return Ok(false);
        }
        let (mut a, mut b) = (self.acquire().await?, self.acquire().await?);
        for _ in 0..POOLER_ROUNDS {
            let first = a.session_id().await?;
            let second = b.session_id().await?;
            if first.is_some() && first == second {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl Connection {
    /// The server session's id where one is told (PostgreSQL's backend
    /// pid), asked in the simple protocol.
    pub(crate) async fn session_id(&mut self) -> sqlx::Result<Option<i64>> {
        dispatch!(Connection, self, c => session_id(c).await)
    }
}

async fn session_id<DB: Backend>(
    c: &mut sqlx::pool::PoolConnection<DB>,
) -> sqlx::Result<Option<i64>> {
    DB::session_id(&mut **c).await
}
