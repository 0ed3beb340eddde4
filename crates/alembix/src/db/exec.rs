//! [`Exec`]: where a query runs, a [`Db`] or a [`Tx`], and the few ways the
//! query code runs SQL there.

use std::sync::atomic::Ordering;

use alembix_driver::{Connection, RowDecoder};
use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use sea_query::Values;

use super::read;
use super::rows::Rows;
use super::trace::Traced;
use super::{Db, Settings, Tx};
use crate::Backend;
use crate::error::{Error, Result};

pub(crate) use alembix_driver::Done;

/// Which server a statement may go to, as the query code knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// A read a replica may serve (outside a transaction, on a `Db` with
    /// replicas).
    Replica,
    /// A read that must see the primary (a locking read, a read back of a
    /// row just written); not a write.
    Primary,
    /// A statement that may write: it moves the session's position.
    Write,
}

impl Route {
    /// The route of a `SELECT`: the primary when it locks rows.
    pub(crate) fn select(lock: bool) -> Route {
        if lock { Route::Primary } else { Route::Replica }
    }
}

/// Where a query runs: a [`Db`] (a pooled connection) or a [`Tx`].
/// Every query method takes `impl Into<Exec>`, so pass `&db` or `&tx`.
///
/// ```
/// use alembix::Backend::{Sqlite};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use alembix::{Backend, Exec};
/// let db = alembix::Db::connect("sqlite::memory:").await?;
/// let tx = db.begin().await?;
/// assert_eq!(Exec::from(&db).backend(), Sqlite);
/// assert_eq!(Exec::from(&tx).backend(), Sqlite);
/// # Ok::<_, alembix::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Exec<'a> {
    /// A pooled connection of a database.
    Db(&'a Db),
    /// A transaction.
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

impl<'a> Exec<'a> {
    /// The backend the query will run on.
    pub fn backend(&self) -> Backend {
        match self {
            Exec::Db(db) => db.backend(),
            Exec::Tx(tx) => tx.backend(),
        }
    }

    pub(crate) fn dialect(&self) -> alembix_schema::Dialect {
        self.backend()
    }

    /// Whether `INSERT/UPDATE/DELETE ... RETURNING` works on this server:
    /// decided once at connect by the dialect from the server's version.
    pub(crate) fn has_returning(&self) -> bool {
        self.settings().returning
    }

    fn settings(&self) -> &'a Settings {
        match self {
            Exec::Db(db) => &db.settings,
            Exec::Tx(tx) => &tx.settings,
        }
    }

    /// Counts one statement in the [`Db::queries_run`] counter and opens
    /// its trace span.
    pub(super) fn start(&self, sql: &str, values: impl FnOnce() -> Option<Values>) -> Traced {
        let counter = match self {
            Exec::Db(db) => &db.queries,
            Exec::Tx(tx) => &tx.queries,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        Traced::start(&self.settings().trace, self.dialect(), sql, values)
    }

    // The driver's futures are large (several KB): each statement's is
    // boxed where it is made, so that the layers around it (tracing,
    // routing, the caller's own future) move a pointer, not the future.

    /// Runs a statement that may write and returns its rows.
    pub(crate) async fn fetch_all(&self, sql: String, values: Values) -> Result<Rows> {
        self.read(sql, values, Route::Write).await
    }

    /// Runs a query and returns its rows, on a replica where `route` and
    /// the database allow.
    pub(crate) async fn read(&self, sql: String, values: Values, route: Route) -> Result<Rows> {
        let traced = self.start(&sql, || Some(values.clone()));
        let count = |r: &alembix_driver::Rows| r.len() as u64;
        if let (Exec::Db(db), Route::Replica) = (self, route)
            && let Some(routing) = &db.routing
        {
            let span = traced.span().clone();
            let run = Box::pin(read::fetch_all(routing, &db.pool, &span, sql, values));
            return Ok(Rows(traced.run(run, count).await?));
        }
        let mut writer = None;
        let run = Box::pin(async {
            Ok::<_, Error>(match self {
                Exec::Db(db) => match self.writer(route, &mut writer).await? {
                    Some(conn) => conn.fetch_all(sql, values).await?,
                    None => db.pool.fetch_all(sql, values).await?,
                },
                Exec::Tx(tx) => tx.open().await?.fetch_all(sql, values).await?,
            })
        });
        let rows = traced.run(run, count).await?;
        self.done(route, writer).await;
        Ok(Rows(rows))
    }

    /// For a write on a `Db` whose replicas compare positions: a connection
    /// of the primary, held in `slot` to run the statement and then read
    /// the position it reached there. `None` otherwise (the pool runs the
    /// statement).
    async fn writer<'w>(
        &self,
        route: Route,
        slot: &'w mut Option<Connection>,
    ) -> Result<Option<&'w mut Connection>> {
        match self {
            Exec::Db(db)
                if route == Route::Write
                    && db.routing.as_ref().is_some_and(|r| r.measures_writes()) =>
            {
                // Boxed: the pool's acquire future is large, and this path
                // is taken only with replicas that compare positions.
                Ok(Some(slot.insert(Box::pin(db.pool.acquire()).await?)))
            }
            _ => Ok(None),
        }
    }

    /// After a statement on the primary: a write moves the session past
    /// it, with the position read on the connection that wrote.
    async fn done(&self, route: Route, writer: Option<Connection>) {
        if route != Route::Write {
            return;
        }
        match self {
            Exec::Db(db) => {
                if let Some(routing) = &db.routing {
                    let read = match (routing.position_query(), writer) {
                        (Some(sql), Some(mut conn)) => {
                            Some(conn.fetch_all(sql, Values(Vec::new())).await)
                        }
                        _ => None,
                    };
                    routing.note_write(read);
                }
            }
            Exec::Tx(tx) => tx.note_write(),
        }
    }

    pub(crate) async fn execute(&self, sql: String, values: Values) -> Result<Done> {
        let traced = self.start(&sql, || Some(values.clone()));
        let mut writer = None;
        let run = Box::pin(async {
            Ok::<_, Error>(match self {
                Exec::Db(db) => match self.writer(Route::Write, &mut writer).await? {
                    Some(conn) => conn.execute(sql, values).await?,
                    None => db.pool.execute(sql, values).await?,
                },
                Exec::Tx(tx) => tx.open().await?.execute(sql, values).await?,
            })
        });
        let done = traced.run(run, |d: &Done| d.rows_affected).await?;
        self.done(Route::Write, writer).await;
        Ok(done)
    }

    /// Runs raw SQL with no parameters and no results.
    pub(crate) async fn execute_sql(&self, sql: &str) -> Result<u64> {
        let done = self.execute(sql.to_string(), Values(Vec::new())).await?;
        Ok(done.rows_affected)
    }

    /// Runs a PostgreSQL statement with arguments bound by the caller
    /// (typed arrays for `insert_many`); the number of rows it affected.
    /// `values` gives the same values as sea-query values, for a trace
    /// that records them.
    #[cfg(feature = "postgres")]
    pub(crate) async fn execute_pg(
        &self,
        sql: String,
        args: sqlx::postgres::PgArguments,
        values: impl FnOnce() -> Values,
    ) -> Result<u64> {
        let traced = self.start(&sql, || Some(values()));
        let mut writer = None;
        let run = Box::pin(async {
            let affected = match self {
                Exec::Db(db) => match self.writer(Route::Write, &mut writer).await? {
                    Some(conn) => conn.execute_postgres(sql, args).await?,
                    None => db.pool.execute_postgres(sql, args).await?,
                },
                Exec::Tx(tx) => tx.open().await?.execute_postgres(sql, args).await?,
            };
            affected.ok_or_else(|| {
                Error::Usage(format!(
                    "execute_pg on a non-PostgreSQL {}",
                    match self {
                        Exec::Db(_) => "database",
                        Exec::Tx(_) => "transaction",
                    }
                ))
            })
        });
        let affected = traced.run(run, |n| *n).await?;
        self.done(Route::Write, writer).await;
        Ok(affected)
    }

    /// The rows of a query read with `decoder`, one at a time as they
    /// arrive; on a replica where `route` and the database allow.
    pub(crate) fn stream<D>(
        self,
        sql: String,
        values: Values,
        decoder: D,
        route: Route,
    ) -> BoxStream<'a, Result<D::Output>>
    where
        D: RowDecoder<Error = Error> + Send + Sync + 'a,
        D::Output: Send + 'a,
    {
        if let (Exec::Db(db), Route::Replica) = (self, route)
            && let Some(routing) = &db.routing
        {
            return read::stream(self, routing, &db.pool, sql, values, decoder);
        }
        let traced = self.start(&sql, || Some(values.clone()));
        match self {
            // The pool's stream decoded row by row, with no task or channel
            // of its own between the driver and the caller.
            Exec::Db(db) => Box::pin(Decoding {
                rows: db.pool.fetch(sql, values),
                decoder,
                traced,
                ended: false,
            }),
            // The transaction stays locked while its rows are read.
            Exec::Tx(tx) => Box::pin(async_stream::try_stream! {
                let mut traced = traced;
                let mut conn = tx.open().await?;
                let mut rows = conn.fetch(sql, values);
                while let Some(row) = next_row(&mut traced, rows.try_next()).await? {
                    traced.add_row();
                    yield row.decode(&decoder)?;
                }
            }),
        }
    }
}

/// The rows of a statement's stream decoded as they arrive, polled inside
/// the statement's span; the span ends (and the statement is timed) when
/// the stream ends or is dropped.
struct Decoding<'a, D> {
    rows: BoxStream<'a, sqlx::Result<alembix_driver::Row>>,
    decoder: D,
    traced: Traced,
    ended: bool,
}

// Nothing is pinned through a `Decoding`: the row stream is boxed and the
// decoder is only borrowed.
impl<D> Unpin for Decoding<'_, D> {}

impl<D> futures_util::Stream for Decoding<'_, D>
where
    D: RowDecoder<Error = Error>,
{
    type Item = Result<D::Output>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        let span = this.traced.span();
        let entered = (!span.is_disabled()).then(|| span.enter());
        let next = this.rows.as_mut().poll_next(cx);
        drop(entered);
        Poll::Ready(match futures_util::ready!(next) {
            Some(Ok(row)) => {
                this.traced.add_row();
                let out = row.decode(&this.decoder);
                // A row that cannot be read ends the stream, as an error does.
                this.ended = out.is_err();
                Some(out)
            }
            Some(Err(e)) => {
                // A failed statement yields its error once, then ends.
                this.ended = true;
                let e = Error::from(e);
                this.traced.failed(&e);
                Some(Err(e))
            }
            None => {
                this.ended = true;
                None
            }
        })
    }
}

/// The next row of a stream, fetched inside the statement's span; an
/// error is recorded there.
pub(super) async fn next_row<T>(
    traced: &mut Traced,
    next: impl std::future::Future<Output = sqlx::Result<Option<T>>>,
) -> Result<Option<T>> {
    let out = super::trace::in_span(traced.span(), next).await;
    out.map_err(|e| {
        let e = Error::from(e);
        traced.failed(&e);
        e
    })
}
