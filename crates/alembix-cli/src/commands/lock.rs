//! `alembix lock status|release --force`: the migration lock as the
//! database shows it.

use alembix_migrate::db::backend_sql;
use alembix_migrate::{Error as EngineError, Holder, LEASE_TABLE, LeaseRow, LockHolder, LockKind};
use chrono::{DateTime, Utc};

use super::Project;
use crate::args::LockAction;
use crate::connect::connect;
use crate::error::Res;

/// Shows or force-releases the lock of the version table.
pub(crate) async fn run(p: &Project, action: LockAction) -> Res<i32> {
    if let LockAction::Release { force: false } = action {
        return Err(EngineError::Usage(format!(
            "`alembix lock release` deletes the lease row in {LEASE_TABLE} whoever holds it, and a \
             run still going then stops before its next step: check `alembix lock status` first, \
             then run `alembix lock release --force`"
        ))
        .into());
    }
    let db = connect(&p.cfg).await?;
    let sql = backend_sql(db.dialect());
    let name = &p.cfg.version_table;
    let mut c = db.pool().acquire().await.map_err(EngineError::from)?;
    let code = match action {
        LockAction::Status => {
            println!("lock = \"{}\" (name {name})", p.cfg.lock.name());
            match c.lease_status(name).await.map_err(EngineError::from)? {
                Some(row) => print_lease(&row),
                None => println!("table lock ({LEASE_TABLE}): free"),
            }
            // Without a session lock (SQLite) runs take the lock file whichever
            // kind is set.
            if p.cfg.lock == LockKind::Advisory || !sql.session_lock {
                print_advisory(&mut c, name, sql.lock_mechanism).await?;
            }
            0
        }
        LockAction::Release { .. } => {
            match c.lease_status(name).await.map_err(EngineError::from)? {
                Some(row) => {
                    c.lease_force_release(name)
                        .await
                        .map_err(EngineError::from)?;
                    println!("Released the table lock held by {row}");
                }
                None => println!("table lock ({LEASE_TABLE}): free, nothing to release"),
            }
            if p.cfg.lock == LockKind::Advisory && sql.session_lock {
                eprintln!(
                    "note: a session lock (lock = \"advisory\") cannot be released from outside; \
                     it ends with its session (see `alembix lock status` for the holder)"
                );
            }
            0
        }
    };
    drop(c);
    db.close().await;
    Ok(code)
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string()
}

fn print_lease(row: &LeaseRow) {
    let left = (row.expires_at - row.now).num_milliseconds() as f64 / 1000.0;
    println!("table lock ({LEASE_TABLE}): held");
    println!("  holder:   {} (run {})", row.command, row.owner);
    println!("  host:     {}", row.host);
    println!("  pid:      {}", row.pid);
    println!("  acquired: {}", utc(row.acquired_at));
    if row.expired() {
        println!(
            "  expires:  {} (expired: the next run takes it over)",
            utc(row.expires_at)
        );
    } else {
        println!(
            "  expires:  {} (in {left:.1} s unless renewed)",
            utc(row.expires_at)
        );
    }
}

/// The session lock (`what`, as the backend names it): tried once and put
/// back at once when free.
async fn print_advisory(
    c: &mut alembix_migrate::db::Connection,
    name: &str,
    what: &str,
) -> Res<()> {
    let me = LockHolder::this_process("alembix lock status");
    match c.try_lock(name, &me).await.map_err(EngineError::from)? {
        alembix_migrate::db::LockAttempt::Taken(lock) => {
            c.unlock(lock).await.map_err(EngineError::from)?;
            println!("{what}: free");
        }
        alembix_migrate::db::LockAttempt::Busy(Some(Holder::Alembix(h))) => {
            println!("{what}: held by {h}");
        }
        alembix_migrate::db::LockAttempt::Busy(holder) => match holder {
            Some(h) => println!("{what}: held by {h}"),
            None => println!("{what}: held (the database does not say by whom)"),
        },
    }
    Ok(())
}
