//! Read replicas: which server serves a read, the replicas' health, and
//! the position a handle's reads must have reached (read-your-writes).
//!
//! A [`Db`](super::Db) built with replicas carries a [`Routing`]; one built
//! without carries none, and its statements never come here.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alembix_driver::{Pool, ReplicaPositions, Values, backend_sql};

use crate::Backend;
use crate::error::{Error, Result};

/// The position of a session that must read from the primary for ever
/// (a write on a backend whose replicas cannot tell how far they are).
pub(crate) const PINNED: u64 = u64::MAX;

/// How long a replica's replay position and lag, once read, are trusted
/// before a read that needs them asks again.
const STATUS_TTL: Duration = Duration::from_millis(10);

/// The replicas of a database and how to treat them.
pub(crate) struct Replicas {
    pub(crate) list: Vec<Replica>,
    next: AtomicUsize,
    /// How the backend's servers tell their positions, if they do.
    positions: Option<ReplicaPositions>,
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
    /// The highest replay position seen (replay only moves forward).
    replay: u64,
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
    pub(crate) session: Arc<AtomicU64>,
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
    /// (and tried again after `retry_after`), not an error.
    pub(crate) async fn connect(
        backend: Backend,
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
        Ok(Replicas {
            list,
            next: AtomicUsize::new(0),
            positions: backend_sql(backend).replica_positions,
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
    pub(crate) async fn usable(&self, r: &Replica, required: u64) -> Option<Pool> {
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
            let wanted = required > st.replay || self.max_lag.is_some();
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
                    st.replay = st.replay.max(replay);
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
        (st.replay >= required && lag_ok).then_some(pool)
    }

    /// A replica's replay position and lag (where replicas tell them;
    /// reads on other backends need no position and no `max_lag`, so
    /// never ask).
    async fn status(&self, pool: &Pool) -> sqlx::Result<(u64, i64)> {
        let Some(positions) = self.positions else {
            return Ok((0, 0));
        };
        let rows = pool
            .fetch_all(
                positions.replayed_and_lag_ms.to_string(),
                Values(Vec::new()),
            )
            .await?;
        Ok((rows.get_i64(0, 0)?.max(0) as u64, rows.get_i64(0, 1)?))
    }
}

impl Routing {
    /// The position a read must find on a replica; [`PINNED`] when it
    /// must go to the primary.
    pub(crate) fn required(&self) -> u64 {
        if self.pinned {
            PINNED
        } else {
            self.session.load(Ordering::Acquire)
        }
    }

    /// Records a write just done on the primary: where replicas tell
    /// their positions (PostgreSQL's WAL), reads the primary's (a read then
    /// needs a replica at or past it); elsewhere, or when the position
    /// cannot be read, the session reads from the primary from now on.
    pub(crate) async fn note_write(&self, primary: &Pool) {
        let position = match self.set.positions {
            Some(positions) => primary
                .fetch_all(positions.written.to_string(), Values(Vec::new()))
                .await
                .and_then(|rows| rows.get_i64(0, 0))
                .map(|lsn| lsn.max(0) as u64)
                .unwrap_or(PINNED),
            None => PINNED,
        };
        self.session.fetch_max(position, Ordering::AcqRel);
    }
}

/// A session position as a token: PostgreSQL's LSN text (`16/B374D848`).
pub(crate) fn token(position: u64) -> String {
    format!("{:X}/{:X}", position >> 32, position & 0xFFFF_FFFF)
}

/// The position of a token made by [`token`].
pub(crate) fn parse_token(token: &str) -> Result<u64> {
    let bad = || {
        Error::Usage(format!(
            "`{token}` is not a session token of Db::session_token"
        ))
    };
    let (hi, lo) = token.trim().split_once('/').ok_or_else(bad)?;
    let hi = u32::from_str_radix(hi, 16).map_err(|_| bad())?;
    let lo = u32::from_str_radix(lo, 16).map_err(|_| bad())?;
    Ok(((hi as u64) << 32) | lo as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for p in [0, 1, 0x16_B374_D848, PINNED] {
            assert_eq!(parse_token(&token(p)).unwrap(), p);
        }
        assert_eq!(token(0x16_B374_D848), "16/B374D848");
        for bad in ["", "16", "x/1", "1/2/3", "100000000/0"] {
            assert!(parse_token(bad).is_err(), "{bad}");
        }
    }
}
