//! Test harness: one fresh database per test on each backend, as the root
//! package's `tests/common` does it.
//!
//! * PostgreSQL at `postgres://postgres@127.0.0.1:5432` (the `postgres`
//!   database is used to create and drop the test database), or the server
//!   URL (without a database) in `ALEMBIX_TEST_POSTGRES`,
//! * MariaDB at `mysql://root@127.0.0.1:3306`, or `ALEMBIX_TEST_MARIADB`,
//! * SQLite in a file inside a temporary directory.
//!
//! Each test database is named `axum_service_t_<pid>_<counter>_<random>` and
//! is dropped after the test body ran, whether it passed or panicked. When a
//! server is unreachable the test prints a loud `SKIPPED` line to stderr and
//! returns, unless the environment variable `CI` is set, in which case it
//! fails.

#![allow(dead_code)]

pub mod server;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use alembix::{Db, PoolOptions};

const PG_URL: &str = "postgres://postgres@127.0.0.1:5432";
const MARIADB_URL: &str = "mysql://root@127.0.0.1:3306";

/// The backends the tests run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Postgres,
    MariaDb,
    Sqlite,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Postgres => "PostgreSQL",
            Kind::MariaDb => "MariaDB",
            Kind::Sqlite => "SQLite",
        }
    }

    fn quote(self, name: &str) -> String {
        match self {
            Kind::MariaDb => format!("`{name}`"),
            _ => format!("\"{name}\""),
        }
    }
}

fn server_url(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| v.trim_end_matches('/').to_string())
        .unwrap_or_else(|| default.to_string())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A database name no other test (in this or another process) uses.
fn unique_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(n);
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    format!(
        "axum_service_t_{}_{}_{:08x}",
        std::process::id(),
        n,
        h.finish() as u32
    )
}

/// The server is not reachable: fail under CI, otherwise say so loudly.
fn unreachable(kind: Kind, url: &str, err: &dyn std::fmt::Display) {
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} not reachable at {url} and CI is set, so this test fails: {err}",
            kind.label()
        );
    }
    // Written to the process's stderr directly: libtest captures `eprintln!`.
    use std::io::Write;
    let _ = write!(
        std::io::stderr(),
        "\n========================================================================\n\
         SKIPPED: {} not reachable at {url}: {err}\n\
         ========================================================================\n",
        kind.label()
    );
}

/// Runs `body` with the URL of a fresh, empty database of `kind`, and drops
/// the database afterwards, even when `body` panics (the panic is resumed
/// after the drop).
pub async fn run<F, Fut>(kind: Kind, body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let name = unique_name();
    if kind == Kind::Sqlite {
        let dir = tempfile::TempDir::new().expect("a temporary directory");
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("{name}.db")).display()
        );
        let outcome = tokio::spawn(body(url)).await;
        drop(dir);
        return resume(outcome);
    }
    let (admin_url, db_url) = match kind {
        Kind::Postgres => {
            let server = server_url("ALEMBIX_TEST_POSTGRES", PG_URL);
            (format!("{server}/postgres"), format!("{server}/{name}"))
        }
        _ => {
            let server = server_url("ALEMBIX_TEST_MARIADB", MARIADB_URL);
            (server.clone(), format!("{server}/{name}"))
        }
    };
    let admin_opts = PoolOptions {
        max_connections: 1,
        acquire_timeout: Duration::from_secs(5),
        ..PoolOptions::default()
    };
    let admin = match Db::connect_with(&admin_url, admin_opts).await {
        Ok(admin) => admin,
        Err(e) => return unreachable(kind, &admin_url, &e),
    };
    admin
        .execute_sql(&format!("CREATE DATABASE {}", kind.quote(&name)))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    let outcome = tokio::spawn(body(db_url)).await;
    let drop_sql = match kind {
        Kind::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", kind.quote(&name)),
        _ => format!("DROP DATABASE IF EXISTS {}", kind.quote(&name)),
    };
    let dropped = admin.execute_sql(&drop_sql).await;
    admin.close().await;
    resume(outcome);
    dropped.unwrap_or_else(|e| panic!("{drop_sql}: {e}"));
}

/// Re-raises the panic of a test body that panicked.
fn resume(outcome: Result<(), tokio::task::JoinError>) {
    if let Err(err) = outcome {
        match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(err) => panic!("the test body did not finish: {err}"),
        }
    }
}

/// `backend_tests!(a, b)` makes, for each `async fn a(url: String)`, a
/// module `a` with the tests `postgres`, `mariadb` and `sqlite`, each on a
/// fresh database.
#[macro_export]
macro_rules! backend_tests {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                use $crate::common::{run, Kind};

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    run(Kind::Postgres, super::$case).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn mariadb() {
                    run(Kind::MariaDb, super::$case).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    run(Kind::Sqlite, super::$case).await;
                }
            }
        )*
    };
}
