//! One instance of the service on an ephemeral port, as the binary starts
//! it (connect, migrate, serve), and a small JSON client for it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use alembix::Db;
use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running instance of the service.
pub struct Server {
    /// The instance's own pool (what its handlers use).
    pub db: Db,
    /// How many revisions this instance applied at start-up.
    pub migrated: usize,
    addr: SocketAddr,
    client: Client<HttpConnector, Full<Bytes>>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Connects to `url`, applies the migrations and serves the app with
    /// the default configuration.
    pub async fn start(url: &str) -> Server {
        Server::start_with(url, axum_service::Config::default()).await
    }

    /// Like [`Server::start`], with `config`.
    pub async fn start_with(url: &str, config: axum_service::Config) -> Server {
        let db = Db::connect(url)
            .await
            .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
        let migrated = axum_service::migrate(&db)
            .await
            .unwrap_or_else(|e| panic!("migrate {url}: {e}"))
            .len();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("an ephemeral port");
        let addr = listener.local_addr().expect("the bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        let app = axum_service::app_with(db.clone(), config);
        let task = tokio::spawn(axum_service::serve(listener, app, async move {
            let _ = stopped.await;
        }));
        Server {
            db,
            migrated,
            addr,
            client: Client::builder(TokioExecutor::new()).build_http(),
            stop,
            task,
        }
    }

    /// Shuts the server down gracefully and closes its pool; the server
    /// must have stopped without error within a few seconds.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let served = tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the server stops within 10 s of the shutdown signal")
            .expect("the server task did not panic");
        served.expect("the server ended without an I/O error");
        self.db.close().await;
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.raw(Method::GET, path, None, "").await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.raw(Method::DELETE, path, None, "").await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.json(Method::POST, path, body).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.json(Method::PUT, path, body).await
    }

    /// `method path` with a JSON body.
    pub async fn json(&self, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
        let text = body.to_string();
        self.raw(method, path, Some("application/json"), &text)
            .await
    }

    /// `method path` with `body` as it is; the answer's body parsed as JSON
    /// (`Value::Null` when empty). Every error answer must be JSON.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(format!("http://{}{path}", self.addr));
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("a valid request");
        let response = self
            .client
            .request(request)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: reading the body: {e}"))
            .to_bytes();
        if bytes.is_empty() {
            return (status, Value::Null);
        }
        let value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "{method} {path} answered {status} with a body that is not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        (status, value)
    }

    /// Waits until `GET /stats` shows at least `n` append attempts (each
    /// counted after the note was read, before its write).
    pub async fn wait_for_append_attempts(&self, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, stats) = self.get("/stats").await;
            if stats["append_attempts"].as_u64().unwrap_or(0) >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "waited 30 s for {n} append attempts; stats: {stats}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Asserts a JSON error answer: its status and its `error` code.
#[track_caller]
pub fn assert_error(answer: &(StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(answer.0, status, "answer: {}", answer.1);
    assert_eq!(answer.1["error"], code, "answer: {}", answer.1);
    assert!(
        answer.1["message"].as_str().is_some_and(|m| !m.is_empty()),
        "an error has a message: {}",
        answer.1
    );
}
