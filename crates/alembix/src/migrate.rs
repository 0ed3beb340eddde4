//! Embedded migrations: an application applies its own revisions at
//! start-up, under the same database lock as the `alembix` command, so many
//! instances may start together and each revision still runs once.
//!
//! [`migrate!`](crate::migrate!) embeds a directory of revision files at
//! compile time; [`EmbeddedMigrations`] applies them.

use std::time::Duration;

use alembix_migrate::{
    DEFAULT_LOCK_LEASE, DEFAULT_LOCK_RETRIES, DEFAULT_LOCK_TIMEOUT, DEFAULT_LOCK_WAIT,
    DEFAULT_LOG_TABLE, DEFAULT_VERSION_TABLE, Database, Migrator, RevisionGraph, Settings,
};

pub use alembix_migrate::{Direction, LockKind, Step};

use crate::db::Db;
use crate::error::Result;

/// Revision files embedded in the binary, usually made by
/// [`migrate!`](crate::migrate!).
///
/// ```
/// use alembix::migrate::EmbeddedMigrations;
///
/// static MIGRATIONS: EmbeddedMigrations = EmbeddedMigrations::new(&[(
///     "20261122_0900_0a1b2c3d4e5f_create_notes.sql",
///     "-- revision: 0a1b2c3d4e5f\n-- down_revision:\n-- message: create notes\n\n\
///      -- migrate:upgrade\nCREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL);\n\n\
///      -- migrate:downgrade\nDROP TABLE notes;\n",
/// )]);
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let db = alembix::Db::connect("sqlite::memory:").await?;
/// let ran = MIGRATIONS.upgrade(&db, "head").await?;
/// assert_eq!(ran.len(), 1);
/// assert_eq!(MIGRATIONS.current(&db).await?, vec!["0a1b2c3d4e5f".to_string()]);
/// // A second run (another instance starting) finds nothing to do.
/// assert!(MIGRATIONS.upgrade(&db, "head").await?.is_empty());
/// # Ok::<_, alembix::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigrations {
    files: &'static [(&'static str, &'static str)],
    version_table: &'static str,
    log_table: &'static str,
    lock_wait: Duration,
    lock_timeout: Duration,
    statement_timeout: Option<Duration>,
    lock_retries: u32,
    lock_kind: LockKind,
    lock_lease: Duration,
}

impl EmbeddedMigrations {
    /// Revisions from `(file name, file text)` pairs, with the default
    /// version table [`DEFAULT_VERSION_TABLE`], log table
    /// [`DEFAULT_LOG_TABLE`], a wait of 10 minutes for another process's
    /// migration lock, and the statements' limits of `alembix.toml`'s
    /// defaults (`lock_timeout` 5 s, no `statement_timeout`,
    /// `lock_retries` 5), and the advisory migration lock.
    pub const fn new(files: &'static [(&'static str, &'static str)]) -> Self {
        EmbeddedMigrations {
            files,
            version_table: DEFAULT_VERSION_TABLE,
            log_table: DEFAULT_LOG_TABLE,
            lock_wait: DEFAULT_LOCK_WAIT,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            statement_timeout: None,
            lock_retries: DEFAULT_LOCK_RETRIES,
            lock_kind: LockKind::Advisory,
            lock_lease: DEFAULT_LOCK_LEASE,
        }
    }

    /// Uses another version table (the `version_table` of `alembix.toml`).
    pub const fn version_table(mut self, name: &'static str) -> Self {
        self.version_table = name;
        self
    }

    /// Uses another log table (the `log_table` of `alembix.toml`).
    pub const fn log_table(mut self, name: &'static str) -> Self {
        self.log_table = name;
        self
    }

    /// How long to wait for another process's migration lock (default 10
    /// minutes; `lock_wait` in `alembix.toml`): the lock is tried with
    /// backoff until then, after which
    /// [`upgrade`](EmbeddedMigrations::upgrade) fails naming the holder
    /// when the database knows it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use alembix::migrate::EmbeddedMigrations;
    /// static M: EmbeddedMigrations = EmbeddedMigrations::new(&[]).lock_wait(Duration::from_secs(30));
    /// assert_eq!(M.migrator().unwrap().settings.lock_wait, Duration::from_secs(30));
    /// ```
    pub const fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// How long one statement of a revision may wait for a lock on a table
    /// that another session holds (default 5 s; zero: no limit;
    /// `lock_timeout` in `alembix.toml`) before its step is rolled back and
    /// tried again; see [`Settings::lock_timeout`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use alembix::migrate::EmbeddedMigrations;
    /// static M: EmbeddedMigrations = EmbeddedMigrations::new(&[]).lock_timeout(Duration::from_secs(2));
    /// assert_eq!(M.migrator().unwrap().settings.lock_timeout, Duration::from_secs(2));
    /// ```
    pub const fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How long one statement of a revision may run (default: no limit;
    /// PostgreSQL only; `statement_timeout` in `alembix.toml`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use alembix::migrate::EmbeddedMigrations;
    /// static M: EmbeddedMigrations = EmbeddedMigrations::new(&[]).statement_timeout(Some(Duration::from_secs(600)));
    /// assert_eq!(M.migrator().unwrap().settings.statement_timeout, Some(Duration::from_secs(600)));
    /// ```
    pub const fn statement_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.statement_timeout = timeout;
        self
    }

    /// How many times a step whose statement hit the lock timeout is
    /// tried again, with a growing pause (default 5; `lock_retries` in
    /// `alembix.toml`); see [`Settings::lock_retries`].
    ///
    /// ```
    /// use alembix::migrate::EmbeddedMigrations;
    /// static M: EmbeddedMigrations = EmbeddedMigrations::new(&[]).lock_retries(0);
    /// assert_eq!(M.migrator().unwrap().settings.lock_retries, 0);
    /// ```
    pub const fn lock_retries(mut self, retries: u32) -> Self {
        self.lock_retries = retries;
        self
    }

    /// Which migration lock the runs take (default
    /// [`LockKind::Advisory`], the database session's lock; `lock` in
    /// `alembix.toml`): [`LockKind::Table`] takes a lease row in
    /// `alembix_lock` instead, for a transaction pooler (PgBouncer) or a
    /// cluster of several nodes; see [`Settings::lock_kind`].
    ///
    /// ```
    /// use alembix::migrate::{EmbeddedMigrations, LockKind};
    /// static M: EmbeddedMigrations = EmbeddedMigrations::new(&[]).lock_kind(LockKind::Table);
    /// assert_eq!(M.migrator().unwrap().settings.lock_kind, LockKind::Table);
    /// ```
    pub const fn lock_kind(mut self, kind: LockKind) -> Self {
        self.lock_kind = kind;
        self
    }

    /// How long the table lock's lease lasts unless renewed (default 30 s;
    /// `lock_lease` in `alembix.toml`; used with [`LockKind::Table`]
    /// only). A run renews it every third of this length; an instance
    /// killed while it migrates keeps the others waiting until the lease
    /// has run out. From 1 s to 24 h: [`upgrade`](EmbeddedMigrations::upgrade)
    /// fails with a usage error otherwise; see [`Settings::lock_lease`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use alembix::migrate::{EmbeddedMigrations, LockKind};
    /// static M: EmbeddedMigrations = EmbeddedMigrations::new(&[])
    ///     .lock_kind(LockKind::Table)
    ///     .lock_lease(Duration::from_secs(10));
    /// assert_eq!(M.migrator().unwrap().settings.lock_lease, Duration::from_secs(10));
    ///
    /// // Too short to be renewed reliably: refused before the lock is taken.
    /// static SHORT: EmbeddedMigrations = M.lock_lease(Duration::from_millis(100));
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = alembix::Db::connect("sqlite::memory:").await?;
    /// let e = SHORT.upgrade(&db, "head").await.unwrap_err();
    /// assert!(e.to_string().contains("lock_lease 100ms must be at least 1 s"), "{e}");
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub const fn lock_lease(mut self, lease: Duration) -> Self {
        self.lock_lease = lease;
        self
    }

    /// The embedded `(file name, file text)` pairs.
    pub fn files(&self) -> &'static [(&'static str, &'static str)] {
        self.files
    }

    /// The revision graph of the embedded files (errors name the file and line).
    pub fn graph(&self) -> Result<RevisionGraph> {
        Ok(RevisionGraph::from_sources(self.files)?)
    }

    /// The engine for these revisions.
    pub fn migrator(&self) -> Result<Migrator> {
        let settings = Settings {
            version_table: self.version_table.to_string(),
            log_table: self.log_table.to_string(),
            lock_wait: self.lock_wait,
            lock_timeout: self.lock_timeout,
            statement_timeout: self.statement_timeout,
            lock_retries: self.lock_retries,
            lock_kind: self.lock_kind,
            lock_lease: self.lock_lease,
            ..Settings::default()
        };
        Ok(Migrator::new(self.graph()?, settings))
    }

    /// The ids of the head revisions.
    pub fn heads(&self) -> Result<Vec<String>> {
        Ok(self.graph()?.heads().iter().map(|r| r.id.clone()).collect())
    }

    /// Upgrades to `target` (`"head"`, `"heads"`, a revision, `"+1"`, ...
    /// as on the command line); returns the steps that ran, none when the
    /// database was already there.
    pub async fn upgrade(&self, db: &Db, target: &str) -> Result<Vec<Step>> {
        let migrator = self.migrator()?;
        Ok(migrator.upgrade(&database(db), target, &mut |_| {}).await?)
    }

    /// Downgrades to `target` (`"-1"`, `"base"`, a revision, ...).
    pub async fn downgrade(&self, db: &Db, target: &str) -> Result<Vec<Step>> {
        let migrator = self.migrator()?;
        Ok(migrator
            .downgrade(&database(db), target, &mut |_| {})
            .await?)
    }

    /// The revisions in the version table (empty for a new database).
    pub async fn current(&self, db: &Db) -> Result<Vec<String>> {
        Ok(self.migrator()?.current(&database(db)).await?)
    }

    /// Sets the version table to `targets` without running any SQL.
    pub async fn stamp(&self, db: &Db, targets: &[&str], purge: bool) -> Result<()> {
        let targets: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
        self.migrator()?
            .stamp(&database(db), &targets, purge)
            .await?;
        Ok(())
    }
}

/// The engine's view of a `Db`: the same pool.
fn database(db: &Db) -> Database {
    Database::from_pool(db.pool().clone())
}
