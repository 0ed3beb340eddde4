//! The table migration lock (`lock = "table"`, a lease row in
//! `alembix_lock`) on PostgreSQL, MariaDB and SQLite directly: taken and
//! released by a run, a second run waits for it, an expired lease is taken
//! over, and `alembix lock status` / `lock release --force` show and
//! delete it.

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
    run_takes_and_releases,
    second_run_waits_for_a_live_lease,
    expired_lease_is_taken_over,
    lock_wait_bounds_the_wait,
    release_needs_force,
    bad_lock_value_is_refused,
);
