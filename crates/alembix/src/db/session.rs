//! The read-replica side of [`Db`]: building one with replicas, pinning a
//! handle to the primary, and the session position that gives
//! read-your-writes.

use std::sync::Arc;

use super::replica::{self, Routing};
use super::{Db, DbBuilder};
use crate::error::Result;

impl Db {
    /// A builder for a [`Db`] with read replicas (see [`DbBuilder`]).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// // Without replicas, the same as `Db::connect_with`.
    /// let db = alembix::Db::builder("sqlite::memory:").connect().await?;
    /// assert_eq!(db.replica_count(), 0);
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn builder(primary: &str) -> DbBuilder {
        DbBuilder::new(primary)
    }

    /// Connects to a primary and its read replicas with default settings:
    /// `Db::builder(primary).replica(..)...connect()`.
    ///
    /// ```no_run
    /// # async fn run() -> alembix::Result<()> {
    /// let db = alembix::Db::connect_with_replicas(
    ///     "postgres://app@primary/app",
    ///     &["postgres://app@replica-1/app", "postgres://app@replica-2/app"],
    /// )
    /// .await?;
    /// assert_eq!(db.replica_count(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn connect_with_replicas(primary: &str, replicas: &[&str]) -> Result<Db> {
        let builder = replicas
            .iter()
            .fold(Db::builder(primary), |b, url| b.replica(url));
        builder.connect().await
    }

    /// How many read replicas this database has (up or down).
    pub fn replica_count(&self) -> usize {
        self.routing.as_ref().map_or(0, |r| r.set.list.len())
    }

    /// This handle, pinned to the primary: its reads too go to the primary
    /// (for a block of work that must see the latest data, whatever the
    /// replicas have replayed). Cheap: it shares the pools, counters and
    /// session of `self`.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix::Db::connect("sqlite::memory:").await?;
    /// let primary = db.primary();
    /// primary.execute_sql("SELECT 1").await?;
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn primary(&self) -> Db {
        let mut db = self.clone();
        if let Some(r) = &mut db.routing {
            r.pinned = true;
        }
        db
    }

    /// A handle with a session of its own, starting with no write: its
    /// reads may go to any replica that is up (within `max_lag`) until it
    /// writes. Clones of a `Db` share one session; take one of these per
    /// request (or per user) so that one request's writes do not hold back
    /// another's reads.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix::Db::connect("sqlite::memory:").await?;
    /// let request = db.new_session();
    /// assert_eq!(request.session_token(), "0/0");
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn new_session(&self) -> Db {
        self.at_position(0)
    }

    /// The session's position as opaque text, to hand to
    /// [`Db::with_session`] in a later request (a cookie, a header) so that
    /// its reads see this session's writes.
    ///
    /// **The guarantee.** Every handle (and its clones) carries a session
    /// position. A write through the handle outside a transaction, or a
    /// transaction started from it that wrote and committed, moves the
    /// position past the write (PostgreSQL: the primary's
    /// `pg_current_wal_insert_lsn()`, read after the statement or the
    /// commit; one extra round trip per write, only on a `Db` with
    /// replicas). A read through the handle then goes to a replica only
    /// when its `pg_last_wal_replay_lsn()` is at or past that position (read
    /// again when it is not, at most every 10 ms), else to the primary: it
    /// sees its own writes, and everything the primary had committed before
    /// them. Writes through other handles, or outside Alembix, are not
    /// waited for. On MySQL/MariaDB a handle that has written reads from the
    /// primary for the rest of its life (its token then says so too).
    /// Without replicas the token is always `0/0`.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix::Db::connect("sqlite::memory:").await?;
    /// let token = db.session_token();
    /// let later = db.with_session(&token)?;
    /// assert_eq!(later.session_token(), token);
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn session_token(&self) -> String {
        let position = self
            .routing
            .as_ref()
            .map_or(0, |r| r.session.load(std::sync::atomic::Ordering::Acquire));
        replica::token(position)
    }

    /// A handle with a session of its own that starts at `token`'s position
    /// (from [`Db::session_token`]): its reads see the writes of the session
    /// that made the token. A token that is not one is an
    /// [`Error::Usage`](crate::Error::Usage).
    pub fn with_session(&self, token: &str) -> Result<Db> {
        Ok(self.at_position(replica::parse_token(token)?))
    }

    fn at_position(&self, position: u64) -> Db {
        let mut db = self.clone();
        if let Some(r) = &mut db.routing {
            *r = Routing {
                set: r.set.clone(),
                session: Arc::new(position.into()),
                pinned: r.pinned,
            };
        }
        db
    }
}
