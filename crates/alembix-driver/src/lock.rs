//! The migration lock as the engine sees it: who holds it ([`LockHolder`],
//! [`Holder`]), what one try gave ([`LockAttempt`]) and the held lock
//! ([`MigrationLock`]), released by [`Connection::unlock`](crate::Connection::unlock)
//! or, on any other path, when dropped.

use chrono::{DateTime, Local, TimeZone, Utc};

/// The process that holds (or asks for) the migration lock, as it records
/// itself where other processes can read it: the SQLite lock file, the
/// PostgreSQL session's `application_name`.
///
/// ```
/// use alembix_driver::LockHolder;
/// let h = LockHolder::decode("alembix:1234:build-7:1767323045:alembix upgrade head").unwrap();
/// assert_eq!((h.pid, h.host.as_str(), h.command.as_str()), (1234, "build-7", "alembix upgrade head"));
/// assert_eq!(LockHolder::decode(&h.encode()), Some(h.clone()));
/// assert!(h.to_string().starts_with("pid 1234 on build-7 since "));
/// assert_eq!(LockHolder::decode("psql"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockHolder {
    /// The operating system's process id.
    pub pid: u32,
    /// The host name.
    pub host: String,
    /// When the process took the lock (or started asking for it).
    pub since: DateTime<Utc>,
    /// What runs: `alembix upgrade head`, or the application's name.
    pub command: String,
}

impl LockHolder {
    /// This process, now, running `command`.
    pub fn this_process(command: impl Into<String>) -> LockHolder {
        LockHolder {
            pid: std::process::id(),
            host: host_name(),
            since: Utc::now(),
            command: command.into(),
        }
    }

    /// One line, `alembix:PID:HOST:UNIX-SECONDS:COMMAND`, that
    /// [`decode`](LockHolder::decode) reads back.
    pub fn encode(&self) -> String {
        format!(
            "alembix:{}:{}:{}:{}",
            self.pid,
            self.host.replace([':', '\n'], "-"),
            self.since.timestamp(),
            self.command.replace('\n', " ")
        )
    }

    /// The holder in an [`encode`](LockHolder::encode)d line (surrounding
    /// whitespace ignored); `None` for any other text.
    pub fn decode(text: &str) -> Option<LockHolder> {
        let rest = text.trim().strip_prefix("alembix:")?;
        let mut parts = rest.splitn(4, ':');
        let pid = parts.next()?.parse().ok()?;
        let host = parts.next()?.to_string();
        let since = Utc.timestamp_opt(parts.next()?.parse().ok()?, 0).single()?;
        let command = parts.next()?.to_string();
        Some(LockHolder {
            pid,
            host,
            since,
            command,
        })
    }
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pid {} on {} since {} ({})",
            self.pid,
            self.host,
            clock(self.since),
            self.command
        )
    }
}

/// `HH:MM:SS` in local time.
pub(crate) fn clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%H:%M:%S").to_string()
}

/// The host name, or `unknown-host`.
fn host_name() -> String {
    let from_file = |p: &str| std::fs::read_to_string(p).ok();
    from_file("/proc/sys/kernel/hostname")
        .or_else(|| from_file("/etc/hostname"))
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into())
}

/// Who holds the lock, as far as the database tells.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Holder {
    /// An Alembix process that recorded itself.
    Alembix(LockHolder),
    /// A session that recorded nothing, described by the database
    /// (PostgreSQL backend, MySQL connection: id, user, client).
    Session(String),
    /// The lease row of the table lock.
    Lease(Box<crate::LeaseRow>),
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Holder::Alembix(h) => h.fmt(f),
            Holder::Session(s) => f.write_str(s),
            Holder::Lease(row) => row.fmt(f),
        }
    }
}

/// What one try of the migration lock gave.
#[derive(Debug)]
#[must_use]
pub enum LockAttempt {
    /// The lock is held until [`Connection::unlock`](crate::Connection::unlock)
    /// or the value is dropped.
    Taken(MigrationLock),
    /// Another session holds it; who, when the database says.
    Busy(Option<Holder>),
}

/// The held migration lock. Dropped without
/// [`Connection::unlock`](crate::Connection::unlock) (an error, a panic),
/// it still frees what the process holds itself (SQLite's lock file);
/// locks of a server session end with the session.
#[derive(Debug)]
pub struct MigrationLock {
    pub(crate) key: String,
    /// SQLite: the open, locked `<db>.alembix-lock` file.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) file: Option<std::fs::File>,
    /// PostgreSQL: the `application_name` to put back on unlock.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) restore: Option<String>,
}

impl MigrationLock {
    pub(crate) fn new(key: &str) -> MigrationLock {
        MigrationLock {
            key: key.to_string(),
            file: None,
            restore: None,
        }
    }

    /// The lock's name.
    pub fn key(&self) -> &str {
        &self.key
    }
}
