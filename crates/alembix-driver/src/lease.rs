//! The table migration lock: a lease row in [`LEASE_TABLE`], one per lock
//! name, taken only when no row exists or the row's lease has run out by
//! the database's clock, renewed while the run lasts, deleted at its end.
//!
//! Every statement is one autocommit statement that carries no session
//! state, so the lock works through a transaction pooler (PgBouncer's
//! `pool_mode = transaction`) and across the nodes of a cluster, where a
//! session lock (`pg_advisory_lock`, `GET_LOCK`) does not. Times are
//! stored as milliseconds since 1970 (UTC) as the database's clock tells
//! them: the clocks of the machines that run Alembix never matter.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use sea_query::{Value, Values};

use crate::{Connection, LockHolder, backend_sql};

/// The table that holds the leases.
pub const LEASE_TABLE: &str = "alembix_lock";

/// Which migration lock a run takes.
///
/// ```
/// use alembix_driver::LockKind;
/// assert_eq!("table".parse::<LockKind>(), Ok(LockKind::Table));
/// assert_eq!(LockKind::default(), LockKind::Advisory);
/// assert!("row".parse::<LockKind>().unwrap_err().contains("advisory, table"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LockKind {
    /// The database session's lock: PostgreSQL `pg_advisory_lock`,
    /// MySQL/MariaDB `GET_LOCK`, SQLite a lock file and its write
    /// transaction. Released by the server when the session ends; needs a
    /// session of its own (no transaction pooler) on one server.
    #[default]
    Advisory,
    /// A lease row in [`LEASE_TABLE`], renewed while the run lasts and
    /// taken over only once it has expired (see [`Lease`]).
    Table,
}

impl LockKind {
    /// The names accepted by [`FromStr`](std::str::FromStr).
    pub const CHOICES: &'static [&'static str] = &["advisory", "table"];

    /// The kind's name in `alembix.toml`.
    pub fn name(self) -> &'static str {
        match self {
            LockKind::Advisory => "advisory",
            LockKind::Table => "table",
        }
    }
}

impl std::str::FromStr for LockKind {
    type Err = String;
    fn from_str(s: &str) -> Result<LockKind, String> {
        match s {
            "advisory" => Ok(LockKind::Advisory),
            "table" => Ok(LockKind::Table),
            other => Err(format!(
                "unknown lock `{other}`: choose one of {}",
                LockKind::CHOICES.join(", ")
            )),
        }
    }
}

/// A lease row as read back, with the database's clock at the time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeaseRow {
    /// The run id of the holder.
    pub owner: String,
    /// The holder's host.
    pub host: String,
    /// The holder's process id.
    pub pid: i64,
    /// What the holder runs.
    pub command: String,
    /// When the holder took the lease.
    pub acquired_at: DateTime<Utc>,
    /// When the lease runs out unless renewed.
    pub expires_at: DateTime<Utc>,
    /// The database's clock when the row was read.
    pub now: DateTime<Utc>,
}

impl LeaseRow {
    /// Whether the lease has run out (another run may take it).
    pub fn expired(&self) -> bool {
        self.expires_at < self.now
    }
}

impl std::fmt::Display for LeaseRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pid {} on {} since {} ({}), lease until {}",
            self.pid,
            self.host,
            crate::lock::clock(self.acquired_at),
            self.command,
            crate::lock::clock(self.expires_at)
        )
    }
}

/// One run's hold on a lease: the lock's name and the run's random id.
///
/// ```
/// use alembix_driver::Lease;
/// let a = Lease::new("alembix_version");
/// let b = Lease::new("alembix_version");
/// assert_ne!(a.owner(), b.owner());
/// assert_eq!(a.name(), "alembix_version");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    name: String,
    owner: String,
}

impl Lease {
    /// A lease on `name` for a new run id.
    pub fn new(name: &str) -> Lease {
        Lease {
            name: name.to_string(),
            owner: run_id(),
        }
    }

    /// The lock's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The run id written in the row.
    pub fn owner(&self) -> &str {
        &self.owner
    }
}

/// 32 hex digits from the process, the time and a randomly keyed hash.
fn run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    h.write_u64(n);
    let a = h.finish();
    h.write_u64(a);
    format!("{a:016x}{:016x}", h.finish())
}

fn text(s: &str) -> Value {
    Value::String(Some(s.to_string()))
}

fn millis(d: Duration) -> Value {
    Value::BigInt(Some(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)))
}

fn time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

impl Connection {
    /// `body` for this backend: `{t}` the lease table, `{now}` the
    /// database's clock in milliseconds, `$n` the placeholders.
    fn lease_sql(&self, body: &str) -> String {
        let d = self.dialect();
        let sql = backend_sql(d);
        let mut out = body
            .replace("{t}", &d.quote_ident(LEASE_TABLE))
            .replace("{now}", sql.now_millis);
        for n in (1..=6).rev() {
            out = out.replace(&format!("${n}"), &sql.placeholder(n));
        }
        out
    }

    /// Creates [`LEASE_TABLE`] when missing (another process creating it
    /// at the same moment is no error).
    pub async fn ensure_lease_table(&mut self) -> sqlx::Result<()> {
        let sql = self.lease_sql(
            "CREATE TABLE IF NOT EXISTS {t} (name varchar(191) NOT NULL PRIMARY KEY, \
             owner varchar(64) NOT NULL, host varchar(255) NOT NULL, pid bigint NOT NULL, \
             command varchar(255) NOT NULL, acquired_at bigint NOT NULL, expires_at bigint NOT NULL)",
        );
        match self.raw(&sql).await {
            Err(_) if self.table_exists(LEASE_TABLE).await? => Ok(()),
            other => other,
        }
    }

    /// Tries once to take `lease` for `duration` as `me`: deletes the
    /// row of a lease that has run out, then inserts the run's row unless
    /// one exists. `Ok(None)`: taken; `Ok(Some(row))`: held by the row's
    /// owner (`None` inside when it went away meanwhile: try again).
    pub async fn lease_try(
        &mut self,
        lease: &Lease,
        me: &LockHolder,
        duration: Duration,
    ) -> sqlx::Result<Option<Option<LeaseRow>>> {
        let steal = self.lease_sql("DELETE FROM {t} WHERE name = $1 AND expires_at < {now}");
        self.execute(steal, Values(vec![text(&lease.name)])).await?;
        let insert = self.lease_sql(
            "INSERT INTO {t} (name, owner, host, pid, command, acquired_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, {now}, {now} + $6)",
        );
        let insert = (backend_sql(self.dialect()).insert_unless_exists)(&insert, "name");
        let mut command = me.command.clone();
        command.truncate(
            command
                .char_indices()
                .nth(255)
                .map_or(command.len(), |(i, _)| i),
        );
        let values = vec![
            text(&lease.name),
            text(&lease.owner),
            text(&me.host),
            Value::BigInt(Some(i64::from(me.pid))),
            text(&command),
            millis(duration),
        ];
        if self.execute(insert, Values(values)).await?.rows_affected == 1 {
            return Ok(None);
        }
        Ok(Some(self.lease_status(&lease.name).await?))
    }

    /// Moves the end of `lease` to `duration` from now; false when the
    /// row is no longer the run's (it ran out and another run took it, or
    /// it was released by force).
    pub async fn lease_renew(&mut self, lease: &Lease, duration: Duration) -> sqlx::Result<bool> {
        // Where only changed rows are counted, the value always changes.
        let set = if backend_sql(self.dialect()).counts_changed_rows {
            "GREATEST(expires_at + 1, {now} + $1)"
        } else {
            "{now} + $1"
        };
        let sql = self.lease_sql(&format!(
            "UPDATE {{t}} SET expires_at = {set} WHERE name = $2 AND owner = $3"
        ));
        let values = vec![millis(duration), text(&lease.name), text(&lease.owner)];
        Ok(self.execute(sql, Values(values)).await?.rows_affected == 1)
    }

    /// Deletes the run's row of `lease`; false when it was not there.
    pub async fn lease_release(&mut self, lease: &Lease) -> sqlx::Result<bool> {
        let sql = self.lease_sql("DELETE FROM {t} WHERE name = $1 AND owner = $2");
        let values = vec![text(&lease.name), text(&lease.owner)];
        Ok(self.execute(sql, Values(values)).await?.rows_affected == 1)
    }

    /// Deletes the row of the lock `name`, whoever holds it; whether there
    /// was one. An empty database (no [`LEASE_TABLE`]) has none.
    pub async fn lease_force_release(&mut self, name: &str) -> sqlx::Result<bool> {
        if !self.table_exists(LEASE_TABLE).await? {
            return Ok(false);
        }
        let sql = self.lease_sql("DELETE FROM {t} WHERE name = $1");
        Ok(self
            .execute(sql, Values(vec![text(name)]))
            .await?
            .rows_affected
            > 0)
    }

    /// The row of the lock `name`, if any (none without [`LEASE_TABLE`]).
    pub async fn lease_status(&mut self, name: &str) -> sqlx::Result<Option<LeaseRow>> {
        if !self.table_exists(LEASE_TABLE).await? {
            return Ok(None);
        }
        let sql = self.lease_sql(
            "SELECT owner, host, pid, command, acquired_at, expires_at, {now} FROM {t} WHERE name = $1",
        );
        let rows = self.fetch_all(sql, Values(vec![text(name)])).await?;
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(LeaseRow {
            owner: rows.get_string(0, 0)?,
            host: rows.get_string(0, 1)?,
            pid: rows.get_i64(0, 2)?,
            command: rows.get_string(0, 3)?,
            acquired_at: time(rows.get_i64(0, 4)?),
            expires_at: time(rows.get_i64(0, 5)?),
            now: time(rows.get_i64(0, 6)?),
        }))
    }
}
