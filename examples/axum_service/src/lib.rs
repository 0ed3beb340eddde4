//! A small HTTP service on Alembix and axum: accounts and their notes.
//!
//! * [`migrate`] applies the embedded revisions of `migrations/<backend>/`
//!   under the migration lock, so several instances may start at once;
//! * [`app`] builds the router (list, create, get, update and delete with
//!   typed queries; `POST /notes/{id}/append` edits a note in a transaction
//!   and retries on [`alembix::Error::StaleData`]);
//! * [`serve`] runs it until a shutdown signal ([`shutdown_signal`] in the
//!   binary, anything the tests like in theirs).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let db = alembix::Db::connect("sqlite://notes.db").await?;
//! axum_service::migrate(&db).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum_service::serve(listener, axum_service::app(db), axum_service::shutdown_signal()).await?;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use alembix::migrate::{EmbeddedMigrations, Step};
use alembix::{Backend, Db};
use axum::Router;
use axum::routing::{get, post};

pub mod error;
mod handlers;
pub mod models;

pub use error::ApiError;

/// The revisions for SQLite, embedded at compile time.
static SQLITE: EmbeddedMigrations = alembix::migrate!("migrations/sqlite");
/// The revisions for PostgreSQL.
static POSTGRES: EmbeddedMigrations = alembix::migrate!("migrations/postgres");
/// The revisions for MySQL and MariaDB.
static MYSQL: EmbeddedMigrations = alembix::migrate!("migrations/mysql");

/// The embedded revisions for `backend` (each backend has its own directory
/// under `migrations/`, written by `alembix autogen` on that backend).
pub fn migrations(backend: Backend) -> &'static EmbeddedMigrations {
    match backend {
        Backend::Postgres => &POSTGRES,
        Backend::MySql => &MYSQL,
        Backend::Sqlite => &SQLITE,
    }
}

/// Brings the database to the head revision under the migration lock and
/// returns the revisions this call ran: none when the database was already
/// there, or when another instance ran them first.
pub async fn migrate(db: &Db) -> alembix::Result<Vec<Step>> {
    migrations(db.backend()).upgrade(db, "head").await
}

/// Settings of the service.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// How many times `POST /notes/{id}/append` reads and writes a note
    /// before answering 409 when others keep changing it (at least 1).
    pub append_tries: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config { append_tries: 5 }
    }
}

/// Counters of the optimistic-locking path, served at `GET /stats`.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// Writes tried by `append` (one per read of the note).
    pub append_attempts: AtomicU64,
    /// Writes refused because the note changed since it was read.
    pub append_conflicts: AtomicU64,
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub db: Db,
    pub config: Config,
    pub stats: Arc<Stats>,
}

/// The service with the default [`Config`].
pub fn app(db: Db) -> Router {
    app_with(db, Config::default())
}

/// The service's routes on `db`, which must be migrated ([`migrate`]).
///
/// | route | does |
/// | --- | --- |
/// | `GET /accounts`, `POST /accounts` | list, create (`{"name"}`) |
/// | `GET /accounts/{id}` | one account |
/// | `GET /notes?account_id=&limit=&offset=` | list, oldest first |
/// | `POST /notes` | create (`{"account_id", "title", "body"}`) |
/// | `GET /notes/{id}`, `DELETE /notes/{id}` | one note; delete it |
/// | `PUT /notes/{id}` | replace title and body (`{"title", "body", "version"}`); 409 when `version` is not the stored one |
/// | `POST /notes/{id}/append` | add a line (`{"text"}`) in a transaction, retried when the note changed meanwhile |
/// | `GET /stats` | the retry counters |
pub fn app_with(db: Db, config: Config) -> Router {
    use handlers::{accounts, notes};
    let state = AppState {
        db,
        config,
        stats: Arc::default(),
    };
    Router::new()
        .route("/accounts", get(accounts::list).post(accounts::create))
        .route("/accounts/{id}", get(accounts::get_one))
        .route("/notes", get(notes::list).post(notes::create))
        .route(
            "/notes/{id}",
            get(notes::get_one).put(notes::update).delete(notes::remove),
        )
        .route("/notes/{id}/append", post(handlers::append::append))
        .route("/stats", get(handlers::stats))
        .fallback(handlers::no_route)
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes; requests in flight
/// then finish before this returns.
pub async fn serve<F>(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C, or on SIGTERM on Unix (what `docker stop` and
/// Kubernetes send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                eprintln!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
