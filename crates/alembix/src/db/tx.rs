//! [`Tx`]: a transaction, shared by its clones; nested transactions are
//! savepoints.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use alembix_driver::Values;
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

use super::replica::Routing;
use super::{Db, Exec, Settings, trace};
use crate::Backend;
use crate::error::{Error, Result};

/// A transaction. Clone it freely (clones share the one connection); query
/// methods take `&tx` where they take `&db`. Nested [`Tx::transaction`]s
/// become savepoints.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let db = alembix::Db::connect("sqlite::memory:").await?;
/// let tx = db.begin().await?;
/// tx.execute_sql("CREATE TABLE t (x integer)").await?;
/// tx.transaction(|inner| async move {
///     inner.execute_sql("INSERT INTO t VALUES (1)").await?;
///     Err::<(), _>(alembix::Error::Usage("changed my mind".into()))
/// })
/// .await
/// .unwrap_err();
/// tx.commit().await?;
/// # Ok::<_, alembix::Error>(()) }).unwrap();
/// ```
#[derive(Clone)]
pub struct Tx {
    pub(crate) conn: Arc<Mutex<Option<alembix_driver::Transaction>>>,
    depth: u32,
    backend: Backend,
    pub(crate) settings: Arc<Settings>,
    pub(crate) queries: Arc<AtomicU64>,
    /// With replicas: the session a commit that wrote moves on.
    track: Option<Track>,
}

/// What a transaction of a `Db` with replicas needs to move the session
/// past its commit.
#[derive(Clone)]
struct Track {
    routing: Routing,
    primary: alembix_driver::Pool,
    wrote: Arc<AtomicBool>,
}

impl Track {
    /// Moves the session past a transaction that wrote and committed: its
    /// position is read on `kept`, the connection that committed (then
    /// handed back to the pool), or where the backend could not keep it, on
    /// the primary's pool (PostgreSQL's LSN is the server's, whatever the
    /// session).
    async fn committed(&self, kept: Option<alembix_driver::Transaction>) {
        let read = match (self.routing.position_query(), kept) {
            (Some(sql), Some(mut conn)) => {
                let read = conn.fetch_all(sql, Values(Vec::new())).await;
                // Nothing left to commit: the server ignores this one.
                let _ = conn.commit().await;
                Some(read)
            }
            (Some(sql), None) => Some(self.primary.fetch_all(sql, Values(Vec::new())).await),
            (None, _) => None,
        };
        self.routing.note_write(read);
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("backend", &self.backend)
            .field("depth", &self.depth)
            .finish()
    }
}

/// The error of using a transaction after its end.
pub(crate) fn finished() -> Error {
    Error::Usage("the transaction has already been committed or rolled back".into())
}

impl Tx {
    pub(super) fn new(tx: alembix_driver::Transaction, db: &Db) -> Tx {
        Tx {
            backend: tx.dialect(),
            conn: Arc::new(Mutex::new(Some(tx))),
            depth: 0,
            settings: db.settings.clone(),
            queries: db.queries.clone(),
            track: db.routing.as_ref().map(|routing| Track {
                routing: routing.clone(),
                primary: db.pool.clone(),
                wrote: Arc::default(),
            }),
        }
    }

    /// Notes that a statement that may write ran in the transaction.
    pub(crate) fn note_write(&self) {
        if let Some(track) = &self.track {
            track.wrote.store(true, Ordering::Relaxed);
        }
    }

    /// The backend of this transaction.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The open transaction, locked for one statement; an error after the
    /// end of the transaction.
    pub(crate) async fn open(&self) -> Result<MappedMutexGuard<'_, alembix_driver::Transaction>> {
        MutexGuard::try_map(self.conn.lock().await, Option::as_mut).map_err(|_| finished())
    }

    /// The transaction itself, taken out to end it.
    async fn take(&self) -> Result<alembix_driver::Transaction> {
        self.conn.lock().await.take().ok_or_else(finished)
    }

    /// Commits (at depth 0) or releases the savepoint.
    pub async fn commit(self) -> Result<()> {
        if self.depth > 0 {
            let sql = format!("RELEASE SAVEPOINT alembix_sp_{}", self.depth);
            return self.execute_sql(&sql).await.map(drop);
        }
        let mut tx = self.take().await?;
        let wrote = self
            .track
            .as_ref()
            .filter(|t| t.wrote.load(Ordering::Relaxed));
        // Where the write's position is read: on the connection that
        // committed, when the backend can keep it past the commit.
        let keep = wrote.is_some_and(|t| t.routing.measures_writes());
        let commit = async {
            if keep && tx.commit_in_place().await? {
                return Ok(Some(tx));
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(None)
        };
        let commit = Box::pin(async { commit.await.map_err(Error::from) });
        let kept = trace::control(&self.settings.trace, self.backend, "COMMIT", commit).await?;
        if let Some(track) = wrote {
            track.committed(kept).await;
        }
        Ok(())
    }

    /// Rolls back (at depth 0) or rolls back to the savepoint.
    pub async fn rollback(self) -> Result<()> {
        if self.depth > 0 {
            let sql = format!("ROLLBACK TO SAVEPOINT alembix_sp_{}", self.depth);
            return self.execute_sql(&sql).await.map(drop);
        }
        let tx = self.take().await?;
        let rollback = Box::pin(async { tx.rollback().await.map_err(Error::from) });
        trace::control(&self.settings.trace, self.backend, "ROLLBACK", rollback).await
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
            settings: self.settings.clone(),
            queries: self.queries.clone(),
            track: self.track.clone(),
        };
        nested
            .execute_sql(&format!("SAVEPOINT alembix_sp_{}", nested.depth))
            .await?;
        nested.finish_with(f).await
    }

    /// Runs `f` on this transaction (or savepoint), then commits it when `f`
    /// returns `Ok` and rolls it back when it returns `Err`.
    pub(crate) async fn finish_with<F, Fut, T, E>(self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(Tx) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        match f(self.clone()).await {
            Ok(v) => {
                self.commit().await?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.rollback().await;
                Err(e)
            }
        }
    }

    /// Runs raw SQL with no parameters and no results.
    pub async fn execute_sql(&self, sql: &str) -> Result<u64> {
        Exec::from(self).execute_sql(sql).await
    }
}
