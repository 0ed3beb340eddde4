//! [`DbBuilder`]: a [`Db`] with read replicas.

use std::sync::Arc;
use std::time::Duration;

use super::replica::{Replicas, Routing};
use super::{Db, PoolOptions};
use alembix_schema::dialect::ReplicaPositions;

use crate::Backend;
use crate::error::{Error, Result};

/// Builds a [`Db`] of a primary and its read replicas; start one with
/// [`Db::builder`]. Without any [`replica`](DbBuilder::replica), the
/// result is the same as [`Db::connect_with`].
///
/// Reads the query builders make outside a transaction go to a replica
/// (round-robin), and only to one that has replayed the handle's own
/// writes; everything else goes to the primary. See
/// [`Db::session_token`] for the guarantee, and `docs/replicas.md`.
///
/// ```no_run
/// # async fn run() -> alembix::Result<()> {
/// use std::time::Duration;
/// let db = alembix::Db::builder("postgres://app@primary/app")
///     .replica("postgres://app@replica-1/app")
///     .replica("postgres://app@replica-2/app")
///     .max_lag(Duration::from_secs(2))
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `connect` is awaited"]
pub struct DbBuilder {
    primary: String,
    replicas: Vec<String>,
    opts: PoolOptions,
    max_lag: Option<Duration>,
    retry_after: Duration,
}

impl DbBuilder {
    pub(super) fn new(primary: &str) -> Self {
        DbBuilder {
            primary: primary.to_string(),
            replicas: Vec::new(),
            opts: PoolOptions::default(),
            max_lag: None,
            retry_after: Duration::from_secs(5),
        }
    }

    /// The primary's URL.
    #[cfg(test)]
    pub(super) fn primary_url(&self) -> &str {
        &self.primary
    }

    /// The replicas' URLs, in the order they were added.
    #[cfg(test)]
    pub(super) fn replica_urls(&self) -> &[String] {
        &self.replicas
    }

    /// Adds a read replica (a server of the same backend as the primary;
    /// PostgreSQL or MySQL/MariaDB; MariaDB replicas replicate by GTID,
    /// `MASTER_USE_GTID=slave_pos`, for read-your-writes).
    pub fn replica(mut self, url: &str) -> Self {
        self.replicas.push(url.to_string());
        self
    }

    /// Pool settings, for the primary and each replica (each has a pool of
    /// its own).
    pub fn options(mut self, opts: PoolOptions) -> Self {
        self.opts = opts;
        self
    }

    /// PostgreSQL: skips a replica that is more than `lag` behind the
    /// primary (`now() - pg_last_xact_replay_timestamp()`, zero when it has
    /// replayed everything it received), whatever the handle wrote. The
    /// default is no limit: a handle that has not written reads from any
    /// replica that is up.
    pub fn max_lag(mut self, lag: Duration) -> Self {
        self.max_lag = Some(lag);
        self
    }

    /// How long a replica whose connection failed is skipped before it is
    /// tried again (default 5 s).
    pub fn retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = wait;
        self
    }

    /// Connects to the primary (an error when it cannot be reached) and to
    /// the replicas (one that cannot be reached is not an error: it is
    /// skipped and tried again later). Replicas on SQLite, of another
    /// backend than the primary, or a `max_lag` on MySQL/MariaDB are an
    /// [`Error::Usage`].
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let err = alembix::Db::builder("sqlite::memory:")
    ///     .replica("sqlite://copy.db")
    ///     .connect()
    ///     .await
    ///     .unwrap_err();
    /// assert!(matches!(err, alembix::Error::Usage(_)));
    /// # }) ;
    /// ```
    pub async fn connect(self) -> Result<Db> {
        let backend = self.check()?;
        let mut db = Db::connect_with(&self.primary, self.opts.clone()).await?;
        if self.replicas.is_empty() {
            return Ok(db);
        }
        // MariaDB's GTIDs are compared, MySQL's are not: the primary's
        // version decides.
        let kind = backend.rules().replica_positions(db.server_version());
        let set = Replicas::connect(
            backend,
            kind,
            self.replicas,
            super::driver_options(&self.opts),
            self.max_lag,
            self.retry_after,
        )
        .await?;
        db.routing = Some(Routing {
            set: Arc::new(set),
            session: Arc::default(),
            pinned: false,
        });
        Ok(db)
    }

    /// The primary's backend, once the replicas are known to fit it.
    fn check(&self) -> Result<Backend> {
        let backend_of = |url: &str| {
            Backend::from_url(url)
                .map_err(|e| Error::Usage(format!("`{}`: {e}", alembix_driver::redact(url))))
        };
        let backend = backend_of(&self.primary)?;
        if self.replicas.is_empty() {
            return Ok(backend);
        }
        let caps = backend.caps();
        if caps.replica_positions == ReplicaPositions::NoReplicas {
            return Err(Error::Usage(format!("{} has no read replicas", caps.title)));
        }
        if self.max_lag.is_some() && !caps.replica_lag {
            return Err(Error::Usage(format!(
                "max_lag is not measured on {} replicas (PostgreSQL only)",
                caps.title
            )));
        }
        for url in &self.replicas {
            if backend_of(url)? != backend {
                return Err(Error::Usage(format!(
                    "the replica `{}` is not of the primary's backend ({})",
                    alembix_driver::redact(url),
                    backend.caps().db_system
                )));
            }
        }
        Ok(backend)
    }
}
