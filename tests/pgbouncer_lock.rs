//! Alembix through PgBouncer in transaction pooling mode
//! (`scripts/pgbouncer.sh start`; URL in `ALEMBIX_TEST_PGBOUNCER`, default
//! `postgres://postgres@127.0.0.1:6432`): with `lock = "table"` and
//! `statement_cache = 0`, six concurrent `alembix upgrade head` apply each
//! of 30 revisions exactly once; with the advisory lock the CLI warns that
//! the lock does not hold through the pooler, and two concurrent holders
//! of that lock are shown to be possible.
//!
//! Unreachable PgBouncer: the tests fail when `CI` is set, else skip loudly.

#[path = "common/cli.rs"]
mod cli;
mod common;

use alembix::Db;
use cli::{Cli, rid};

const PROCESSES: usize = 6;
const REVISIONS: usize = 30;
const ROUNDS: usize = 3;

/// The PgBouncer URL (no database), or `None` after saying why.
async fn pgbouncer() -> Option<String> {
    let url = std::env::var("ALEMBIX_TEST_PGBOUNCER")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:6432".into());
    let url = url.trim_end_matches('/').to_string();
    let addr = url.rsplit('@').next().unwrap_or(&url).to_string();
    let reached = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::net::TcpStream::connect(addr),
    )
    .await;
    match reached {
        Ok(Ok(_)) => Some(url),
        Ok(Err(e)) => skip(&url, &e),
        Err(_) => skip(&url, &"no answer within 5 s"),
    }
}

fn skip(url: &str, err: &dyn std::fmt::Display) -> Option<String> {
    if std::env::var_os("CI").is_some() {
        panic!(
            "PgBouncer not reachable at {url} and CI is set (start it with scripts/pgbouncer.sh start): {err}"
        );
    }
    use std::io::Write;
    let _ = write!(
        std::io::stderr(),
        "\n========================================================================\n\
         SKIPPED: PgBouncer not reachable at {url} (scripts/pgbouncer.sh start): {err}\n\
         ========================================================================\n"
    );
    None
}

/// A project on a fresh PostgreSQL database, its `database_url` going
/// through PgBouncer; `body` gets it.
async fn through_pgbouncer<F, Fut>(config: &'static str, body: F)
where
    F: FnOnce(Cli) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(bouncer) = pgbouncer().await else {
        return;
    };
    common::run_with_url(
        common::Kind::Postgres,
        Default::default(),
        |db, url| async move {
            let name = url.rsplit('/').next().expect("a database name").to_string();
            let t = Cli::new(db, format!("{bouncer}/{name}"));
            t.append_config(config);
            body(t).await
        },
    )
    .await;
}

/// 30 revisions in a chain, each inserting its own marker row.
fn marker_chain(t: &Cli) {
    t.rev(
        "c00",
        &[],
        "CREATE TABLE markers (rev varchar(32) NOT NULL);",
        "DROP TABLE markers;",
    );
    for n in 1..REVISIONS {
        let (name, parent) = (format!("c{n:02}"), format!("c{:02}", n - 1));
        let up = format!("INSERT INTO markers (rev) VALUES ('{name}');");
        t.rev(
            &name,
            &[&parent],
            &up,
            &format!("DELETE FROM markers WHERE rev = '{name}';"),
        );
    }
}

async fn six_upgrades_apply_each_revision_once(t: Cli) {
    marker_chain(&t);
    t.run_concurrently(PROCESSES, &["upgrade", "head"], "upgrade through PgBouncer");
    let mut markers = t.strings("SELECT rev FROM markers").await;
    markers.sort();
    let expected: Vec<String> = (1..REVISIONS).map(|n| format!("c{n:02}")).collect();
    assert_eq!(markers, expected, "every marker exactly once");
    assert_eq!(
        t.versions().await,
        vec![rid(&format!("c{:02}", REVISIONS - 1))]
    );
    assert!(
        t.strings("SELECT owner FROM alembix_lock").await.is_empty(),
        "lease released"
    );
    let status = t.run(&["lock", "status"]).ok();
    assert!(status.stdout.contains("free"), "{}", status.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_lock_through_pgbouncer_three_fresh_databases() {
    for _ in 0..ROUNDS {
        through_pgbouncer(
            "lock = \"table\"\nstatement_cache = 0\n",
            six_upgrades_apply_each_revision_once,
        )
        .await;
    }
}

/// Decided behaviour for the advisory lock through a transaction pooler:
/// the run goes on (a pooler in session mode is safe) but warns, naming
/// `lock = "table"`; and the warning is right: the session lock does not
/// keep two clients apart there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn advisory_lock_through_pgbouncer_warns_and_is_unsafe() {
    through_pgbouncer(
        "lock = \"advisory\"\nstatement_cache = 0\n",
        |t| async move {
            t.rev("a1", &[], "CREATE TABLE a (n integer);", "DROP TABLE a;");
            let out = t.run(&["upgrade", "head"]).ok();
            assert!(
                out.stderr
                    .contains("warning: a transaction pooler (PgBouncer?)")
                    && out.stderr.contains("lock = \"table\""),
                "{}",
                out.stderr
            );
            // Two clients both take the same advisory lock: a try runs on
            // whichever server session the pooler hands out, and the session
            // that holds the first client's lock goes back to the pool, where
            // the second client's re-entrant try succeeds on it. (Directly, the
            // second try fails.) Under load the pooler may hand out another
            // session: one round of twenty showing it is enough.
            let url = format!("{}?statement-cache-capacity=0", t.url);
            let (a, b) = (
                Db::connect(&url).await.unwrap(),
                Db::connect(&url).await.unwrap(),
            );
            a.execute_sql("CREATE TABLE took (who text)").await.unwrap();
            let take = |who: &str, key: i64| {
                format!("INSERT INTO took SELECT '{who}' WHERE pg_try_advisory_lock({key})")
            };
            let mut both = false;
            for key in 4711..4731 {
                let first = a.execute_sql(&take("a", key)).await.unwrap();
                let second = b.execute_sql(&take("b", key)).await.unwrap();
                if first == 1 && second == 1 {
                    both = true;
                    break;
                }
            }
            assert!(
                both,
                "two clients never held one advisory lock at once through the pooler"
            );
            a.close().await;
            b.close().await;
        },
    )
    .await;
}
