//! Test harness: one fresh database per test on each backend.
//!
//! * PostgreSQL at `postgres://postgres@127.0.0.1:5432` (the `postgres`
//!   database is used to create and drop the test database), or the server
//!   URL (without a database) in `ALEMBIX_TEST_POSTGRES`,
//! * MariaDB at `mysql://root@127.0.0.1:3306`, or `ALEMBIX_TEST_MARIADB`,
//! * SQLite in a file inside a temporary directory.
//!
//! Each test database is named `alembix_t_<pid>_<counter>_<random>` and is
//! dropped after the test body ran, whether it passed or panicked (the panic
//! is resumed after the drop). When a server is unreachable the test prints a
//! loud `SKIPPED` line to stderr and returns, unless the environment variable
//! `CI` is set, in which case it fails.
//!
//! [`backend_tests!`] turns one `async fn case(db: Db)` into the tests
//! `case_postgres`, `case_mariadb` and `case_sqlite`.

#![allow(dead_code)]

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use alembix::{Db, PoolOptions};
use futures_util::FutureExt;

pub mod trace;

pub const PG_URL: &str = "postgres://postgres@127.0.0.1:5432";
pub const MARIADB_URL: &str = "mysql://root@127.0.0.1:3306";

fn server_url(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| v.trim_end_matches('/').to_string())
        .unwrap_or_else(|| default.to_string())
}

/// The backends the suite runs on.
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
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A database name no other test (in this or another process) uses.
pub fn unique_name() -> String {
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
        "alembix_t_{}_{}_{:08x}",
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

/// Runs `body` against a fresh database of `kind` with default pool options.
pub async fn run<F, Fut>(kind: Kind, body: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    run_with(kind, PoolOptions::default(), body).await
}

/// Runs `body` against a fresh database of `kind`, connected with `opts`;
/// drops the database afterwards, even when `body` panics.
pub async fn run_with<F, Fut>(kind: Kind, opts: PoolOptions, body: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    run_with_url(kind, opts, |db, _url| body(db)).await
}

/// Like [`run_with`], also giving the body the database's URL (for tests
/// that run the `alembix` binary or the databases' own clients on it).
pub async fn run_with_url<F, Fut>(kind: Kind, opts: PoolOptions, body: F)
where
    F: FnOnce(Db, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let name = unique_name();
    match kind {
        Kind::Sqlite => {
            let dir = tempfile::TempDir::new().expect("a temporary directory");
            let path = dir.path().join(format!("{name}.db"));
            let url = format!("sqlite://{}", path.display());
            let db = Db::connect_with(&url, opts)
                .await
                .expect("open the SQLite file");
            let outcome = AssertUnwindSafe(body(db.clone(), url.clone()))
                .catch_unwind()
                .await;
            db.close().await;
            drop(dir);
            if let Err(panic) = outcome {
                std::panic::resume_unwind(panic);
            }
        }
        Kind::Postgres | Kind::MariaDb => {
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
            let admin = match Db::connect_with(
                &admin_url,
                PoolOptions {
                    max_connections: 1,
                    acquire_timeout: Duration::from_secs(5),
                    ..PoolOptions::default()
                },
            )
            .await
            {
                Ok(admin) => admin,
                Err(e) => return unreachable(kind, &admin_url, &e),
            };
            admin
                .execute_sql(&format!("CREATE DATABASE {}", quote(kind, &name)))
                .await
                .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
            let outcome = AssertUnwindSafe(async {
                let db = Db::connect_with(&db_url, opts)
                    .await
                    .unwrap_or_else(|e| panic!("connect to {db_url}: {e}"));
                let inner = AssertUnwindSafe(body(db.clone(), db_url.clone()))
                    .catch_unwind()
                    .await;
                db.close().await;
                if let Err(panic) = inner {
                    std::panic::resume_unwind(panic);
                }
            })
            .catch_unwind()
            .await;
            let drop_sql = match kind {
                Kind::Postgres => format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote(kind, &name)
                ),
                _ => format!("DROP DATABASE IF EXISTS {}", quote(kind, &name)),
            };
            let dropped = admin.execute_sql(&drop_sql).await;
            admin.close().await;
            if let Err(panic) = outcome {
                std::panic::resume_unwind(panic);
            }
            dropped.unwrap_or_else(|e| panic!("{drop_sql}: {e}"));
        }
    }
}

fn quote(kind: Kind, name: &str) -> String {
    match kind {
        Kind::MariaDb => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

/// `backend_tests!(a, b)` generates, for each `async fn a(db: Db)`, the
/// tests `a_postgres`, `a_mariadb` and `a_sqlite`, each on a fresh database.
/// `backend_tests!(pool(PoolOptions { .. }); a, b)` connects with those
/// pool options.
#[macro_export]
macro_rules! backend_tests {
    (pool($opts:expr); $($case:ident),* $(,)?) => {
        $( ::paste::paste! {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn [<$case _postgres>]() {
                $crate::common::run_with($crate::common::Kind::Postgres, $opts, $case).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn [<$case _mariadb>]() {
                $crate::common::run_with($crate::common::Kind::MariaDb, $opts, $case).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn [<$case _sqlite>]() {
                $crate::common::run_with($crate::common::Kind::Sqlite, $opts, $case).await;
            }
        } )*
    };
    ($($case:ident),* $(,)?) => {
        $crate::backend_tests!(pool(::alembix::PoolOptions::default()); $($case),*);
    };
}

/// The placeholder for the `n`th (1-based) parameter of raw SQL on `db`.
pub fn ph(db: &Db, n: usize) -> String {
    match db.backend() {
        alembix::Backend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    }
}

/// Quotes an identifier for `db`'s backend (for raw SQL in tests).
pub fn ident(db: &Db, name: &str) -> String {
    db.backend().dialect().quote_ident(name)
}
