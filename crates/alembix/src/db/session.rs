//! The read-replica side of [`Db`]: building one with replicas, pinning a
//! handle to the primary, and the session position that gives
//! read-your-writes.

use std::sync::{Arc, Mutex};

use super::position::Position;
use super::replica::Routing;
use super::{Db, DbBuilder};
use crate::error::{Error, Result};

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
        self.at_position(Position::Start)
    }

    /// The session's position as opaque text, to hand to
    /// [`Db::with_session`] in a later request (a cookie, a header) so that
    /// its reads see this session's writes.
    ///
    /// **The guarantee.** Every handle (and its clones) carries a session
    /// position. A write through the handle outside a transaction, or a
    /// transaction started from it that wrote and committed, moves the
    /// position past the write (PostgreSQL: the primary's
    /// `pg_current_wal_insert_lsn()`; MariaDB: its `@@gtid_binlog_pos`, on
    /// the connection that wrote; read after the statement or the commit;
    /// one extra round trip per write, only on a `Db` with replicas). A
    /// read through the handle then goes to a replica only when it has
    /// replayed that position (PostgreSQL: its `pg_last_wal_replay_lsn()`
    /// is at or past it; MariaDB: its `@@gtid_slave_pos` is, in every
    /// replication domain of it), read again when it has not, at most every
    /// 10 ms; else to the primary: it sees its own writes, and everything
    /// the primary had committed before them. Writes through other handles,
    /// or outside Alembix, are not waited for. On MySQL a handle that has
    /// written reads from the primary for the rest of its life (its token,
    /// `FFFFFFFF/FFFFFFFF`, then says so too).
    ///
    /// The token is the LSN (`16/B374D848`) on PostgreSQL and the GTID
    /// list (`0-1-42,7-1-3`: `domain-server-sequence` per domain) on
    /// MariaDB; `0/0` until the session writes, and always without
    /// replicas.
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
        self.routing
            .as_ref()
            .map_or(Position::Start, |r| r.session.lock().unwrap().clone())
            .token()
    }

    /// A handle with a session of its own that starts at `token`'s position
    /// (from [`Db::session_token`]): its reads see the writes of the session
    /// that made the token. A token that is not one, or (with replicas)
    /// one of another kind of primary (a MariaDB GTID list for a
    /// PostgreSQL primary, say), is an [`Error::Usage`](crate::Error::Usage).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix::Db::connect("sqlite::memory:").await?;
    /// assert!(db.with_session("16/B374D848").is_ok());
    /// assert!(db.with_session("0-1-42,1-2-7").is_ok());
    /// assert!(db.with_session("yesterday").is_err());
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn with_session(&self, token: &str) -> Result<Db> {
        let position = Position::from_token(token)?;
        if let Some(r) = &self.routing
            && !position.fits(r.set.kind)
        {
            return Err(Error::Usage(format!(
                "`{token}` is not a session token of this database, whose tokens are {}",
                Position::token_form(r.set.kind)
            )));
        }
        Ok(self.at_position(position))
    }

    fn at_position(&self, position: Position) -> Db {
        let mut db = self.clone();
        if let Some(r) = &mut db.routing {
            *r = Routing {
                set: r.set.clone(),
                session: Arc::new(Mutex::new(position)),
                pinned: r.pinned,
            };
        }
        db
    }
}
