//! The table migration lock (`lock = "table"`, a lease row in
//! `alembix_lock`) on PostgreSQL, MariaDB and SQLite directly: taken and
//! released by a run, a second run waits for it, an expired lease is taken
//! over, a run killed with SIGKILL is taken over once its `lock_lease` has
//! run out and not before, bad `lock_lease` values are refused, and
//! `alembix lock status` / `lock release --force` show and delete it.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::time::{Duration, Instant};

use alembix::Backend;
use cli::{Cli, rid};

/// The database's clock in milliseconds since 1970, as the lease rows
/// store it.
fn now_ms(t: &Cli) -> &'static str {
    match t.backend() {
        Backend::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS bigint)",
        Backend::MySql => "CAST(UNIX_TIMESTAMP(NOW(6)) * 1000 AS SIGNED)",
        _ => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
    }
}

/// The lease row of the version table's lock, written as another process
/// would: `expires_in_ms` from the database's clock (negative: expired).
async fn plant_lease(t: &Cli, expires_in_ms: i64) {
    let now = now_ms(t);
    let create = "CREATE TABLE IF NOT EXISTS alembix_lock (name varchar(191) NOT NULL PRIMARY KEY, \
        owner varchar(64) NOT NULL, host varchar(255) NOT NULL, pid bigint NOT NULL, \
        command varchar(255) NOT NULL, acquired_at bigint NOT NULL, expires_at bigint NOT NULL)";
    t.db.execute_sql(create).await.unwrap();
    let insert = format!(
        "INSERT INTO alembix_lock (name, owner, host, pid, command, acquired_at, expires_at) \
         VALUES ('alembix_version', 'planted-run', 'elsewhere', 4242, 'alembix upgrade head', {now}, {now} + {expires_in_ms})"
    );
    t.db.execute_sql(&insert).await.unwrap();
}

fn table_lock_project(t: &Cli) {
    t.append_config("lock = \"table\"\nlock_wait = \"20s\"\n");
    t.rev(
        "a1",
        &[],
        "CREATE TABLE marks (n integer);",
        "DROP TABLE marks;",
    );
}

async fn lease_rows(t: &Cli) -> Vec<String> {
    t.strings("SELECT owner FROM alembix_lock").await
}

async fn run_takes_and_releases(t: Cli) {
    table_lock_project(&t);
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.versions().await, vec![rid("a1")]);
    if t.backend() != Backend::Sqlite {
        // Taken (the table exists) and deleted at the end.
        assert!(t.table_exists("alembix_lock").await);
        assert!(lease_rows(&t).await.is_empty());
    }
    let status = t.run(&["lock", "status"]).ok();
    assert!(
        status.stdout.contains("lock = \"table\""),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains("table lock (alembix_lock): free"),
        "{}",
        status.stdout
    );
}

async fn second_run_waits_for_a_live_lease(t: Cli) {
    table_lock_project(&t);
    plant_lease(&t, 3_000).await;
    let held = t.run(&["lock", "status"]).ok();
    for part in [
        "held",
        "host:     elsewhere",
        "pid:      4242",
        "acquired:",
        "expires:",
        "in ",
    ] {
        assert!(
            held.stdout.contains(part),
            "{part} missing:\n{}",
            held.stdout
        );
    }
    if t.backend() == Backend::Sqlite {
        return; // SQLite runs keep their lock file (see docs/scaling-out.md)
    }
    let started = Instant::now();
    let out = t.run(&["upgrade", "head"]).ok();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(2_500),
        "took over a live lease after {waited:?}"
    );
    assert!(
        out.stderr.contains("pid 4242 on elsewhere"),
        "{}",
        out.stderr
    );
    assert_eq!(t.versions().await, vec![rid("a1")]);
    assert!(lease_rows(&t).await.is_empty());
}

async fn expired_lease_is_taken_over(t: Cli) {
    table_lock_project(&t);
    plant_lease(&t, -1_000).await;
    let status = t.run(&["lock", "status"]).ok();
    assert!(status.stdout.contains("expired"), "{}", status.stdout);
    if t.backend() == Backend::Sqlite {
        return;
    }
    let started = Instant::now();
    t.run(&["upgrade", "head"]).ok();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(t.versions().await, vec![rid("a1")]);
    assert!(lease_rows(&t).await.is_empty(), "the planted row is gone");
}

async fn lock_wait_bounds_the_wait(t: Cli) {
    if t.backend() == Backend::Sqlite {
        return;
    }
    t.append_config("lock = \"table\"\nlock_wait = \"1s\"\n");
    t.rev(
        "a1",
        &[],
        "CREATE TABLE marks (n integer);",
        "DROP TABLE marks;",
    );
    plant_lease(&t, 60_000).await;
    let out = t.run(&["upgrade", "head"]).expect(2);
    assert!(
        out.stderr.contains("timed out") && out.stderr.contains("pid 4242"),
        "{}",
        out.stderr
    );
    assert!(t.versions().await.is_empty());
}

async fn release_needs_force(t: Cli) {
    table_lock_project(&t);
    plant_lease(&t, 60_000).await;
    let refused = t.run(&["lock", "release"]).expect(2);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(lease_rows(&t).await, vec!["planted-run".to_string()]);
    let released = t.run(&["lock", "release", "--force"]).ok();
    assert!(
        released
            .stdout
            .contains("Released the table lock held by pid 4242"),
        "{}",
        released.stdout
    );
    assert!(lease_rows(&t).await.is_empty());
    let again = t.run(&["lock", "release", "--force"]).ok();
    assert!(
        again.stdout.contains("free, nothing to release"),
        "{}",
        again.stdout
    );
}

async fn bad_lock_value_is_refused(t: Cli) {
    t.append_config("lock = \"row\"\n");
    let out = t.run(&["lock", "status"]).expect(2);
    assert!(
        out.stderr.contains("lock `row`") && out.stderr.contains("\"table\""),
        "{}",
        out.stderr
    );
}

/// The killed run's session, still running its statement on the server:
/// PostgreSQL does not notice a dead client until it writes to it (after
/// `pg_sleep` returns), MariaDB within a few seconds.
async fn sleeping_sessions(t: &Cli) -> Vec<String> {
    t.strings(match t.backend() {
        Backend::Postgres => {
            "SELECT CAST(pid AS text) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND query LIKE 'SELECT pg_sleep(%'"
        }
        _ => {
            "SELECT CAST(id AS CHAR) FROM information_schema.processlist WHERE db = DATABASE() \
             AND id <> CONNECTION_ID() AND info LIKE 'DO SLEEP(%'"
        }
    })
    .await
}

/// The lease row's owner, pid, acquired_at and expires_at, and the
/// database's clock, all in one read.
async fn lease_row(t: &Cli) -> Option<(String, i64, i64, i64, i64)> {
    if !t.table_exists("alembix_lock").await {
        return None;
    }
    let cast = if t.backend() == Backend::Postgres {
        "text"
    } else {
        "CHAR"
    };
    let sql = format!(
        "SELECT CONCAT(owner, ' ', CAST(pid AS {cast}), ' ', CAST(acquired_at AS {cast}), ' ', \
         CAST(expires_at AS {cast}), ' ', CAST({} AS {cast})) FROM alembix_lock",
        now_ms(t)
    );
    let row = t.strings(&sql).await.into_iter().next()?;
    let f: Vec<&str> = row.split(' ').collect();
    let n = |i: usize| f[i].parse::<i64>().unwrap();
    Some((f[0].to_string(), n(1), n(2), n(3), n(4)))
}

/// A project with the table lock, a 3 s lease, and a second revision that
/// sleeps 30 s while the table `keep_sleeping` exists and 1 s once it is
/// gone: the revision file stays the same between the killed run and the
/// next one. The catalog lookup takes no lock on the table, so dropping it
/// never waits for the sleeping statement.
async fn sleepy_project(t: &Cli) {
    t.append_config("lock = \"table\"\nlock_wait = \"30s\"\nlock_lease = \"3s\"\n");
    t.db.execute_sql("CREATE TABLE keep_sleeping (n integer)")
        .await
        .unwrap();
    t.rev(
        "a1",
        &[],
        "CREATE TABLE marks (n integer);",
        "DROP TABLE marks;",
    );
    let sleep = match t.backend() {
        Backend::Postgres => {
            "SELECT pg_sleep(CASE WHEN to_regclass('keep_sleeping') IS NULL THEN 1 ELSE 30 END);"
        }
        _ => {
            "DO SLEEP(IF(EXISTS(SELECT 1 FROM information_schema.tables WHERE table_schema = \
             DATABASE() AND table_name = 'keep_sleeping'), 30, 1));"
        }
    };
    t.rev("a2", &["a1"], sleep, "SELECT 1;");
}

/// Starts `alembix upgrade head` and waits until it holds the lease and
/// sleeps in revision a2; returns the child.
async fn start_sleeping_run(t: &Cli) -> std::process::Child {
    let mut child = t.spawn(&["upgrade", "head"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if lease_row(t).await.is_some() && !sleeping_sessions(t).await.is_empty() {
            return child;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the first run ended ({status}) before it slept");
        }
        assert!(Instant::now() < deadline, "the first run never slept");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// kill -9 of the lock holder: its lease row stays, the next run waits
/// until it has run out (by the database's clock), then takes it over and
/// finishes. SQLite's runs keep the lock file, which the system frees
/// with the killed process: there is no lease to wait for.
async fn killed_holder_is_taken_over_after_its_lease(t: Cli) {
    if t.backend() == Backend::Sqlite {
        return;
    }
    sleepy_project(&t).await;
    let mut first = start_sleeping_run(&t).await;
    first.kill().unwrap(); // SIGKILL: no release, no rollback by the client
    first.wait().unwrap();
    let started = Instant::now();
    let (owner, pid, _, expires_at, now) = lease_row(&t).await.expect("the killed run's row stays");
    assert_eq!(pid, i64::from(first.id()));
    let left = expires_at - now;
    assert!(left > 0 && left <= 3_000, "lease left: {left} ms");
    assert_eq!(t.versions().await, vec![rid("a1")]);
    // The killed run's session may still sleep on the server (PostgreSQL
    // notices a dead client only when it writes to it, after pg_sleep
    // returns; MariaDB within seconds). It is left running: its a2
    // transaction has written nothing and locks no table (PostgreSQL shows
    // only its virtual transaction id in pg_locks), so it cannot block the
    // next run, which must wait for the lease alone.
    t.db.execute_sql("DROP TABLE keep_sleeping").await.unwrap();
    let second = t.spawn(&["upgrade", "head"]);
    let (out, taken) = watch_takeover(&t, second, &owner).await;
    let waited = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("pid {pid} ")), "{stderr}");
    let acquired_at = taken.expect("the second run's lease row was seen");
    assert!(
        acquired_at > expires_at,
        "taken over at {acquired_at}, before the old lease ran out at {expires_at}"
    );
    assert!(
        waited >= Duration::from_millis(left.unsigned_abs()),
        "finished after {waited:?}, the old lease had {left} ms left"
    );
    assert_eq!(t.versions().await, vec![rid("a2")]);
    assert!(lease_rows(&t).await.is_empty());
    if t.backend() == Backend::Postgres {
        // The takeover came from the lease running out, not from the old
        // session ending: that one is still asleep.
        assert!(!sleeping_sessions(&t).await.is_empty());
    }
    end_sleeping_sessions(&t).await;
}

/// Ends the killed run's session if it still sleeps, so that it does not
/// outlive the test by up to 30 s (an error is a session that ended by
/// itself meanwhile).
async fn end_sleeping_sessions(t: &Cli) {
    for id in sleeping_sessions(t).await {
        let sql = match t.backend() {
            Backend::Postgres => format!("SELECT pg_terminate_backend({id})"),
            _ => format!("KILL {id}"),
        };
        let _ = t.db.execute_sql(&sql).await;
    }
}

/// Waits for `child`, reading the lease table meanwhile: the
/// `acquired_at` of the first row not `old_owner`'s.
async fn watch_takeover(
    t: &Cli,
    mut child: std::process::Child,
    old_owner: &str,
) -> (std::process::Output, Option<i64>) {
    let mut taken = None;
    while child.try_wait().unwrap().is_none() {
        if let Some((owner, _, acquired_at, _, _)) = lease_row(t).await
            && owner != old_owner
            && taken.is_none()
        {
            taken = Some(acquired_at);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (child.wait_with_output().unwrap(), taken)
}

/// `lock_lease` out of range or not a duration: exit 2 before anything
/// runs, naming the key and what to write; the shortest lease is accepted.
async fn bad_lock_lease_is_refused(t: Cli) {
    table_lock_project(&t);
    for (value, says) in [
        ("\"500ms\"", "lock_lease `500ms` must be at least 1 s"),
        ("0", "lock_lease `0` must be at least 1 s"),
        ("\"25h\"", "lock_lease `25h` must be at most 24 h"),
        ("\"soon\"", "lock_lease `soon` is not a duration"),
        ("-5", "lock_lease `-5` is not a duration"),
    ] {
        let cfg = t.path().join("alembix.toml");
        let kept = std::fs::read_to_string(&cfg).unwrap();
        t.append_config(&format!("lock_lease = {value}\n"));
        let out = t.run(&["upgrade", "head"]).expect(2);
        std::fs::write(&cfg, kept).unwrap();
        assert!(
            out.stderr.starts_with("error: ") && out.stderr.contains(says),
            "{value}: {}",
            out.stderr
        );
        // What to write instead.
        assert!(
            out.stderr.contains("\"30s\"") || out.stderr.contains("\"5s\""),
            "{value}: {}",
            out.stderr
        );
        assert!(t.versions().await.is_empty(), "nothing ran with {value}");
    }
    t.append_config("lock_lease = \"1s\"\n");
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.versions().await, vec![rid("a1")]);
}

cli_tests!(
    bad_lock_lease_is_refused,
    killed_holder_is_taken_over_after_its_lease,
    run_takes_and_releases,
    second_run_waits_for_a_live_lease,
    expired_lease_is_taken_over,
    lock_wait_bounds_the_wait,
    release_needs_force,
    bad_lock_value_is_refused,
);
