//! The table migration lock of a run: the lease row taken with backoff,
//! renewed by a task while the run lasts, checked before each step and
//! deleted at the end.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alembix_driver::{Holder, Lease, LockHolder, Pool};

use super::session::Session;
use crate::error::{Error, Result};

/// The first wait between two tries of the lease, and the longest.
const FIRST_WAIT: Duration = Duration::from_millis(50);
const LONGEST_WAIT: Duration = Duration::from_secs(1);

/// What the renewing task found.
#[derive(Debug)]
struct Renewals {
    /// When the lease was last taken or renewed (this process's clock).
    last_ok: Instant,
    /// Why the lease is lost, once it is.
    lost: Option<String>,
}

/// The run's lease and the task that renews it.
pub(crate) struct LeaseHold {
    lease: Lease,
    pool: Pool,
    duration: Duration,
    renewals: Arc<Mutex<Renewals>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LeaseHold {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LeaseHold {
    /// An error when the lease can no longer be trusted: another run took
    /// it, it was released by force, or it was not renewed in time.
    pub(crate) fn check(&self) -> Result<()> {
        let r = self.renewals.lock().unwrap_or_else(|e| e.into_inner());
        let reason = match &r.lost {
            Some(reason) => reason.clone(),
            None if r.last_ok.elapsed() >= self.duration => format!(
                "it could not be renewed for {:.0} s (its lease is {:.0} s)",
                r.last_ok.elapsed().as_secs_f64(),
                self.duration.as_secs_f64()
            ),
            None => return Ok(()),
        };
        Err(Error::LockLost {
            name: self.lease.name().to_string(),
            reason,
        })
    }

    /// Stops renewing and deletes the row (on a connection of its own:
    /// the run's may be broken).
    pub(crate) async fn release(self) -> Result<()> {
        self.task.abort();
        let mut c = self.pool.acquire().await?;
        c.lease_release(&self.lease).await?;
        Ok(())
    }
}

/// Renews `lease` every third of its duration until the run ends or the
/// lease is found lost; errors (a dropped connection) are tried again.
async fn renew(pool: Pool, lease: Lease, duration: Duration, renewals: Arc<Mutex<Renewals>>) {
    loop {
        tokio::time::sleep(duration / 3).await;
        let renewed = async { pool.acquire().await?.lease_renew(&lease, duration).await }.await;
        let mut r = renewals.lock().unwrap_or_else(|e| e.into_inner());
        match renewed {
            Ok(true) => r.last_ok = Instant::now(),
            Ok(false) => {
                r.lost = Some(
                    "its row in alembix_lock is gone or another run's (the lease ran out and \
                     was taken over, or `alembix lock release --force` deleted it)"
                        .into(),
                );
                return;
            }
            Err(_) => {}
        }
    }
}

impl Session {
    /// Takes the lease of `name` as `me` for `duration` (renewed every
    /// third of it), trying with backoff up to `timeout` (a lease that ran
    /// out is taken over); `waiting` hears of each failed try with the
    /// holder.
    pub(crate) async fn lock_table(
        &mut self,
        pool: &Pool,
        name: &str,
        me: &LockHolder,
        (timeout, duration): (Duration, Duration),
        waiting: &mut (dyn FnMut(Option<&Holder>, Duration) + Send),
    ) -> Result<()> {
        self.conn.ensure_lease_table().await?;
        let lease = Lease::new(name);
        let started = Instant::now();
        let mut wait = FIRST_WAIT;
        loop {
            let holder = match self.conn.lease_try(&lease, me, duration).await? {
                None => break,
                Some(row) => row.map(|r| Holder::Lease(Box::new(r))),
            };
            let waited = started.elapsed();
            if waited >= timeout {
                return Err(Error::LockTimeout { waited, holder });
            }
            waiting(holder.as_ref(), waited);
            tokio::time::sleep(wait.min(timeout - waited)).await;
            wait = (wait * 2).min(LONGEST_WAIT);
        }
        let renewals = Arc::new(Mutex::new(Renewals {
            last_ok: Instant::now(),
            lost: None,
        }));
        let task = tokio::spawn(renew(
            pool.clone(),
            lease.clone(),
            duration,
            renewals.clone(),
        ));
        self.lease = Some(LeaseHold {
            lease,
            pool: pool.clone(),
            duration,
            renewals,
            task,
        });
        Ok(())
    }

    /// An error when the run's lease can no longer be trusted (none
    /// without a table lock).
    pub(crate) fn check_lease(&self) -> Result<()> {
        self.lease.as_ref().map_or(Ok(()), LeaseHold::check)
    }

    /// Stops renewing and deletes the run's lease row, if any.
    pub(crate) async fn release_lease(&mut self) -> Result<()> {
        match self.lease.take() {
            Some(hold) => hold.release().await,
            None => Ok(()),
        }
    }
}
