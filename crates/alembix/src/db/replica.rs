//! Read replicas: which server serves a read, the replicas' health, and
//! the position a handle's reads must have reached (read-your-writes).
//!
//! A [`Db`](super::Db) built with replicas carries a [`Routing`]; one built
//! without carries none, and its statements never come here.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alembix_driver::{Pool, ReplicaSql, Rows, Values};
use alembix_schema::dialect::ReplicaPositions;

use super::position::Position;
use crate::Backend;
use crate::error::Result;

/// How long a replica's replay position and lag, once read, are trusted
/// before a read that needs them asks again.
const STATUS_TTL: Duration = Duration::from_millis(10);

/// The replicas of a database and how to treat them.
pub(crate) struct Replicas {
    pub(crate) list: Vec<Replica>,
    next: AtomicUsize,
    /// The kind of the primary's positions, as its dialect and version say.
    pub(crate) kind: ReplicaPositions,
    /// The statements that read positions, where they are compared.
    sql: Option<ReplicaSql>,
    opts: alembix_driver::PoolOptions,
    max_lag: Option<Duration>,
    retry_after: Duration,
}

/// One replica: its URL and what is known of it.
pub(crate) struct Replica {
    url: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The pool, once connected.
    pool: Option<Pool>,
    /// Skipped until then (its connection failed).
    down_until: Option<Instant>,
    /// The furthest replay position seen (replay only moves forward).
    replay: Position,
    /// The replication lag last seen, in milliseconds.
    lag_ms: i64,
    /// When `replay` and `lag_ms` were read.
    checked: Option<Instant>,
}

impl std::fmt::Debug for Replicas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let urls: Vec<String> = self
            .list
            .iter()
            .map(|r| alembix_driver::redact(&r.url))
            .collect();
        f.debug_struct("Replicas")
            .field("urls", &urls)
            .field("max_lag", &self.max_lag)
            .finish()
    }
}

/// How a handle routes its reads: the replicas, the session position its
/// reads must have reached (shared by the handle's clones), and whether
/// it is pinned to the primary ([`Db::primary`](super::Db::primary)).
#[derive(Debug, Clone)]
pub(crate) struct Routing {
    pub(crate) set: Arc<Replicas>,
    pub(crate) session: Arc<Mutex<Position>>,
    pub(crate) pinned: bool,
}

/// Whether an error means the server could not be reached (rather than
/// that the statement failed there).
pub(crate) fn unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        // Connection exceptions (08) and operator intervention (57:
        // shutting down, starting up, in recovery).
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        _ => false,
    }
}

impl Replicas {
    /// Connects to each replica; one that does not answer is marked down
    /// (and tried again after `retry_after`), not an error. `kind` is how
    /// the primary's positions are compared (from its dialect and version).
    pub(crate) async fn connect(
        backend: Backend,
        kind: ReplicaPositions,
        urls: Vec<String>,
        opts: alembix_driver::PoolOptions,
        max_lag: Option<Duration>,
        retry_after: Duration,
    ) -> Result<Replicas> {
        let mut list = Vec::with_capacity(urls.len());
        for url in urls {
            let mut state = State::default();
            match Pool::connect(&url, &opts).await {
                Ok(pool) => state.pool = Some(pool),
                // A malformed URL is the caller's mistake, not a down server.
                Err(e @ alembix_driver::Error::InvalidUrl { .. }) => return Err(e.into()),
                Err(_) => state.down_until = Some(Instant::now() + retry_after),
            }
            list.push(Replica {
                url,
                state: Mutex::new(state),
            });
        }
        let measured = matches!(
            kind,
            ReplicaPositions::WalLsn | ReplicaPositions::DomainGtids
        );
        Ok(Replicas {
            list,
            next: AtomicUsize::new(0),
            kind,
            sql: alembix_driver::backend_sql(backend)
                .replicas
                .filter(|_| measured),
            opts,
            max_lag,
            retry_after,
        })
    }

    /// Closes every replica's connections.
    pub(crate) async fn close(&self) {
        for r in &self.list {
            let pool = r.state.lock().unwrap().pool.clone();
            if let Some(pool) = pool {
                pool.close().await;
            }
        }
    }

    /// The replicas in the order the next read tries them (round-robin).
    pub(crate) fn order(&self) -> impl Iterator<Item = (usize, &Replica)> {
        let n = self.list.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..n).map(move |k| {
            let i = (start + k) % n;
            (i, &self.list[i])
        })
    }

    /// Marks a replica down: skipped until `retry_after` has passed.
    pub(crate) fn mark_down(&self, r: &Replica) {
        let mut st = r.state.lock().unwrap();
        st.down_until = Some(Instant::now() + self.retry_after);
    }

    /// The pool of a replica that may serve a read needing position
    /// `required`: up, at or past `required`, within `max_lag`. `None`
    /// when it may not (a replica that cannot be reached is marked down).
    pub(crate) async fn usable(&self, r: &Replica, required: &Position) -> Option<Pool> {
        let (pool, need_status) = {
            let mut st = r.state.lock().unwrap();
            let now = Instant::now();
            if st.down_until.is_some_and(|t| now < t) {
                return None;
            }
            if st.pool.is_none() {
                // Others skip it while this read connects.
                st.down_until = Some(now + self.retry_after);
            }
            let stale = st.checked.is_none_or(|t| now - t >= STATUS_TTL);
            let wanted = !required.reached_by(&st.replay) || self.max_lag.is_some();
            (st.pool.clone(), wanted && stale)
        };
        let pool = match pool {
            Some(pool) => pool,
            None => {
                let pool = Pool::connect(&r.url, &self.opts).await.ok()?;
                let mut st = r.state.lock().unwrap();
                st.down_until = None;
                st.pool = Some(pool.clone());
                pool
            }
        };
        if need_status {
            match self.status(&pool).await {
                Ok((replay, lag_ms)) => {
                    let mut st = r.state.lock().unwrap();
                    st.replay.advance(replay);
                    st.lag_ms = lag_ms;
                    st.checked = Some(Instant::now());
                }
                Err(_) => {
                    self.mark_down(r);
                    return None;
                }
            }
        }
        let st = r.state.lock().unwrap();
        let lag_ok = self
            .max_lag
            .is_none_or(|max| st.lag_ms <= max.as_millis() as i64);
        (required.reached_by(&st.replay) && lag_ok).then_some(pool)
    }

    /// A replica's replay position (nothing when it says none this
    /// primary's positions compare with) and lag in milliseconds (0 where
    /// not measured). Asked only where positions are compared or `max_lag`
    /// is set.
    async fn status(&self, pool: &Pool) -> sqlx::Result<(Position, i64)> {
        let Some(sql) = &self.sql else {
            return Ok((Position::Start, 0));
        };
        let sql = sql.replica_status.to_string();
        let rows = pool.fetch_all(sql, Values(Vec::new())).await?;
        let replay = rows
            .get_opt_string(0, 0)?
            .and_then(|text| Position::from_server(self.kind, &text))
            .unwrap_or_default();
        Ok((replay, rows.get_opt_i64(0, 1)?.unwrap_or(0)))
    }
}

impl Routing {
    /// The position a read must find on a replica;
    /// [`Position::Primary`] when it must go to the primary.
    pub(crate) fn required(&self) -> Position {
        if self.pinned {
            Position::Primary
        } else {
            self.session.lock().unwrap().clone()
        }
    }

    /// Whether a write's position is read (and a replica's compared with
    /// it), rather than the session reading from the primary after it.
    pub(crate) fn measures_writes(&self) -> bool {
        self.set.sql.is_some()
    }

    /// The statement that reads a write's position on the primary, on the
    /// connection that wrote; `None` where positions are not compared (a
    /// session that writes then reads from the primary).
    pub(crate) fn position_query(&self) -> Option<String> {
        self.set.sql.map(|sql| sql.write_position.to_string())
    }

    /// Records a write just done on the primary, with what
    /// [`position_query`](Routing::position_query) read after it: reads
    /// then need a replica at or past that position. Without a position
    /// (not compared here, the query failed, or the server has no log to
    /// say one) the session reads from the primary from now on.
    pub(crate) fn note_write(&self, read: Option<sqlx::Result<Rows>>) {
        let position = read
            .and_then(|rows| rows.ok()?.get_opt_string(0, 0).ok()?)
            .and_then(|text| Position::from_server(self.set.kind, &text))
            .filter(|p| !p.is_empty())
            .unwrap_or(Position::Primary);
        self.session.lock().unwrap().advance(position);
    }
}
