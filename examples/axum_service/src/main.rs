//! The service's binary: `DATABASE_URL` (default `sqlite://notes.db`),
//! migrations at start-up, HTTP on `ADDR` (default `127.0.0.1:3000`) until
//! Ctrl-C or SIGTERM.

use std::process::ExitCode;

use alembix::Db;

/// Where the service keeps its data when `DATABASE_URL` is not set.
const DEFAULT_DATABASE_URL: &str = "sqlite://notes.db";
/// Where it listens when `ADDR` is not set.
const DEFAULT_ADDR: &str = "127.0.0.1:3000";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let url = env_or("DATABASE_URL", DEFAULT_DATABASE_URL);
    let addr = env_or("ADDR", DEFAULT_ADDR);
    let db = Db::connect(&url).await?;
    // Every instance runs this; the migration lock makes the first one
    // apply the revisions and the others find nothing left to do.
    let ran = axum_service::migrate(&db).await?;
    println!(
        "database on {}: {} revision(s) applied at start-up",
        db.backend().name(),
        ran.len()
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    let app = axum_service::app(db.clone());
    axum_service::serve(listener, app, axum_service::shutdown_signal()).await?;
    println!("shutting down");
    db.close().await;
    Ok(())
}

/// The environment variable `name`, or `default` when unset or empty.
fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}
