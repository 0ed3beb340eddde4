//! The service's HTTP API end to end: a real server on an ephemeral port,
//! migrated at start-up, on a fresh database of each backend (see
//! `common/mod.rs` for the servers and the skip-or-fail rule).

mod common;

use alembix::{Db, Model};
use axum::http::{Method, StatusCode};
use axum_service::Config;
use axum_service::models::Note;
use serde_json::{Value, json};

use common::server::{Server, assert_error};

crate::backend_tests!(
    crud,
    bad_input,
    append_retries_after_a_conflict,
    append_gives_up_with_409,
    concurrent_appends_all_land,
    two_instances_migrate_once,
);

/// The number of revisions each backend's `migrations/` directory holds.
const REVISIONS: usize = 2;

/// Creates account `name`; returns its id.
async fn account(app: &Server, name: &str) -> i64 {
    let (status, body) = app.post("/accounts", json!({ "name": name })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().expect("an account id")
}

/// Creates a note of `account_id`; returns it.
async fn note(app: &Server, account_id: i64, title: &str, body: &str) -> Value {
    let input = json!({ "account_id": account_id, "title": title, "body": body });
    let (status, note) = app.post("/notes", input).await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    note
}

/// The `id` field of a JSON object.
fn id(value: &Value) -> i64 {
    value["id"].as_i64().expect("an id")
}

async fn crud(url: String) {
    let app = Server::start(&url).await;
    assert_eq!(app.migrated, REVISIONS);
    let (ann, bob) = accounts_crud(&app).await;
    notes_crud(&app, ann, bob).await;
    let nowhere = app.get("/no/such/route").await;
    assert_error(&nowhere, StatusCode::NOT_FOUND, "not_found");
    app.stop().await;
}

/// Accounts: create (names are trimmed), unique names, list, get; returns
/// the ids of `ann` and `bob`.
async fn accounts_crud(app: &Server) -> (i64, i64) {
    let ann = account(app, "ann").await;
    let (status, bob) = app.post("/accounts", json!({ "name": "  bob " })).await;
    assert_eq!(status, StatusCode::CREATED, "{bob}");
    assert_eq!(bob["name"], "bob");
    assert_eq!(bob["edits"], 0);
    let taken = app.post("/accounts", json!({ "name": "ann" })).await;
    assert_error(&taken, StatusCode::CONFLICT, "conflict");
    let (status, accounts) = app.get("/accounts").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = accounts
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["ann", "bob"]);
    let (status, one) = app.get(&format!("/accounts/{ann}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["name"], "ann");
    (ann, id(&bob))
}

/// Notes: create, get, list with a filter and paging, update under
/// optimistic locking, delete.
async fn notes_crud(app: &Server, ann: i64, bob: i64) {
    let first = note(app, ann, "groceries", "milk").await;
    assert_eq!(first["version"], 1);
    assert_eq!(first["account_id"], ann);
    let untitled = json!({ "account_id": bob, "title": "ideas" });
    let (status, second) = app.post("/notes", untitled).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["body"], "", "the body defaults to empty");
    let first_path = format!("/notes/{}", id(&first));
    assert_eq!(app.get(&first_path).await, (StatusCode::OK, first.clone()));
    let (_, all) = app.get("/notes").await;
    assert_eq!(all, json!([first, second]));
    let (_, anns) = app.get(&format!("/notes?account_id={ann}")).await;
    assert_eq!(anns, json!([first]));
    let (_, page) = app.get("/notes?limit=1&offset=1").await;
    assert_eq!(page, json!([second]));
    let far = app.get(&format!("/notes?offset={}", i64::MAX)).await;
    assert_eq!(far, (StatusCode::OK, json!([])));

    // Update under optimistic locking: the version read must be current.
    let change = json!({ "title": "shopping", "body": "milk, eggs", "version": 1 });
    let (status, updated) = app.put(&first_path, change.clone()).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["title"], "shopping");
    let stale = app.put(&first_path, change).await;
    assert_error(&stale, StatusCode::CONFLICT, "conflict");
    assert_eq!(app.get(&first_path).await, (StatusCode::OK, updated));

    // Delete: 204, then 404 for the note and for a second delete.
    let second_path = format!("/notes/{}", id(&second));
    let deleted = app.delete(&second_path).await;
    assert_eq!(deleted, (StatusCode::NO_CONTENT, Value::Null));
    let gone = app.get(&second_path).await;
    assert_error(&gone, StatusCode::NOT_FOUND, "not_found");
    let again = app.delete(&second_path).await;
    assert_error(&again, StatusCode::NOT_FOUND, "not_found");
}

async fn bad_input(url: String) {
    let app = Server::start(&url).await;
    let ann = account(&app, "ann").await;
    let note_path = format!("/notes/{}", id(&note(&app, ann, "t", "b").await));
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;

    // Values the service refuses: 422.
    for name in [json!("   "), json!("x".repeat(101))] {
        let answer = app.post("/accounts", json!({ "name": name })).await;
        assert_error(&answer, invalid, "invalid");
    }
    for input in [
        json!({ "account_id": ann, "title": "" }),
        json!({ "account_id": ann, "title": "t".repeat(201) }),
        json!({ "account_id": ann, "title": "t", "body": "b".repeat(10_001) }),
        json!({ "account_id": 999_999, "title": "no such account" }),
        json!({ "title": "no account_id" }),
        json!({ "account_id": "one", "title": "wrong type" }),
    ] {
        assert_error(&app.post("/notes", input).await, invalid, "invalid");
    }
    let no_version = app
        .put(&note_path, json!({ "title": "t", "body": "b" }))
        .await;
    assert_error(&no_version, invalid, "invalid");
    let empty = app
        .post(&format!("{note_path}/append"), json!({ "text": " " }))
        .await;
    assert_error(&empty, invalid, "invalid");
    for path in [
        "/notes/abc",
        "/notes?limit=0",
        "/notes?limit=101",
        "/notes?limit=many",
        "/notes?offset=-1",
        "/notes?offset=9223372036854775808",
    ] {
        assert_error(&app.get(path).await, invalid, "invalid");
    }

    // Bodies that cannot be read: axum's own statuses, as JSON errors.
    let syntax = app
        .raw(
            Method::POST,
            "/notes",
            Some("application/json"),
            "{not json",
        )
        .await;
    assert_error(&syntax, StatusCode::BAD_REQUEST, "bad_request");
    let untyped = app.raw(Method::POST, "/notes", None, "{}").await;
    assert_error(&untyped, StatusCode::UNSUPPORTED_MEDIA_TYPE, "bad_request");

    not_found(&app).await;

    // None of the refused requests wrote anything.
    assert_eq!(
        app.get("/accounts").await.1.as_array().map(Vec::len),
        Some(1)
    );
    let (_, notes) = app.get("/notes").await;
    assert_eq!(notes.as_array().map(Vec::len), Some(1));
    assert_eq!(notes[0]["version"], 1);
    app.stop().await;
}

/// Rows that do not exist: 404 from every route that names one.
async fn not_found(app: &Server) {
    let missing = "/notes/999999";
    let edit = json!({ "title": "t", "body": "b", "version": 1 });
    let line = json!({ "text": "x" });
    let answers = [
        app.get(missing).await,
        app.put(missing, edit).await,
        app.post(&format!("{missing}/append"), line).await,
        app.delete(missing).await,
        app.get("/accounts/999999").await,
    ];
    for answer in &answers {
        assert_error(answer, StatusCode::NOT_FOUND, "not_found");
    }
}

/// Another writer's transaction that bumped the note's version and has not
/// committed yet: appends that read the note now will find it changed.
async fn hold_note(url: &str, note_id: i64) -> (Db, alembix::Tx) {
    let writer = Db::connect(url).await.expect("connect the other writer");
    let tx = writer.begin().await.expect("begin");
    let bumped = Note::update_many()
        .set(Note::version, Note::version + 1)
        .filter(Note::id.eq(note_id))
        .exec(&tx)
        .await
        .expect("bump the version");
    assert_eq!(bumped, 1);
    (writer, tx)
}

/// The body's lines, sorted.
fn sorted_lines(note: &Value) -> Vec<String> {
    let body = note["body"].as_str().expect("a body");
    let mut lines: Vec<String> = body.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

async fn append_retries_after_a_conflict(url: String) {
    let app = Server::start(&url).await;
    let ann = account(&app, "ann").await;
    let note_id = id(&note(&app, ann, "log", "start").await);
    let path = format!("/notes/{note_id}/append");

    // Both appends read version 1, then find it changed when they write:
    // the other writer commits only once both have read.
    let (writer, tx) = hold_note(&url, note_id).await;
    let release = async {
        app.wait_for_append_attempts(2).await;
        tx.commit().await.expect("commit the other writer");
    };
    let (a, b, ()) = tokio::join!(
        app.post(&path, json!({ "text": "from a" })),
        app.post(&path, json!({ "text": "from b" })),
        release,
    );
    for (status, answer) in [&a, &b] {
        assert_eq!(*status, StatusCode::OK, "{answer}");
        let attempts = answer["attempts"].as_u64().expect("attempts");
        assert!(
            attempts >= 2,
            "each append retried after the conflict: {answer}"
        );
    }

    // Both lines landed once each, on top of the other writer's change.
    let (_, stored) = app.get(&format!("/notes/{note_id}")).await;
    assert_eq!(
        stored["version"], 4,
        "1, the other writer, then each append"
    );
    assert_eq!(sorted_lines(&stored), ["from a", "from b", "start"]);
    let (_, owner) = app.get(&format!("/accounts/{ann}")).await;
    assert_eq!(
        owner["edits"], 2,
        "one count per append, none per failed try"
    );
    let (_, stats) = app.get("/stats").await;
    let attempts = a.1["attempts"].as_u64().unwrap_or(0) + b.1["attempts"].as_u64().unwrap_or(0);
    assert_eq!(stats["append_attempts"], attempts, "{stats}");
    assert_eq!(stats["append_conflicts"], attempts - 2, "{stats}");
    writer.close().await;
    app.stop().await;
}

async fn append_gives_up_with_409(url: String) {
    let app = Server::start_with(&url, Config { append_tries: 1 }).await;
    let ann = account(&app, "ann").await;
    let note_id = id(&note(&app, ann, "log", "start").await);

    let (writer, tx) = hold_note(&url, note_id).await;
    let release = async {
        app.wait_for_append_attempts(1).await;
        tx.commit().await.expect("commit the other writer");
    };
    let path = format!("/notes/{note_id}/append");
    let (answer, ()) = tokio::join!(app.post(&path, json!({ "text": "lost" })), release);
    assert_error(&answer, StatusCode::CONFLICT, "conflict");

    // The failed try changed nothing: not the note, not the counter.
    let (_, stored) = app.get(&format!("/notes/{note_id}")).await;
    assert_eq!(stored["version"], 2, "only the other writer's bump");
    assert_eq!(stored["body"], "start");
    let (_, owner) = app.get(&format!("/accounts/{ann}")).await;
    assert_eq!(owner["edits"], 0);
    let (_, stats) = app.get("/stats").await;
    assert_eq!(
        stats,
        json!({ "append_attempts": 1, "append_conflicts": 1 })
    );
    writer.close().await;
    app.stop().await;
}

async fn concurrent_appends_all_land(url: String) {
    let app = Server::start(&url).await; // 5 tries: enough for 4 writers
    let ann = account(&app, "ann").await;
    let note_id = id(&note(&app, ann, "log", "start").await);
    let path = format!("/notes/{note_id}/append");
    let append = |text: &'static str| app.post(&path, json!({ "text": text }));
    let answers = tokio::join!(append("a"), append("b"), append("c"), append("d"));
    let mut attempts = 0;
    for (status, answer) in [answers.0, answers.1, answers.2, answers.3] {
        assert_eq!(status, StatusCode::OK, "{answer}");
        attempts += answer["attempts"].as_u64().expect("attempts");
    }
    let (_, stored) = app.get(&format!("/notes/{note_id}")).await;
    assert_eq!(stored["version"], 5, "each append saved once");
    assert_eq!(sorted_lines(&stored), ["a", "b", "c", "d", "start"]);
    let (_, owner) = app.get(&format!("/accounts/{ann}")).await;
    assert_eq!(owner["edits"], 4);
    let (_, stats) = app.get("/stats").await;
    assert_eq!(stats["append_attempts"], attempts, "{stats}");
    assert_eq!(stats["append_conflicts"], attempts - 4, "{stats}");
    app.stop().await;
}

/// One row of the migration log (`alembix_log`): one per revision run.
#[derive(Model, Debug, Clone)]
#[model(table = "alembix_log")]
struct LogRow {
    id: i64,
    #[column(max_length = 32)]
    revision: String,
    #[column(max_length = 10)]
    direction: String,
}

async fn two_instances_migrate_once(url: String) {
    let (a, b) = tokio::join!(Server::start(&url), Server::start(&url));
    let mut ran = [a.migrated, b.migrated];
    ran.sort();
    assert_eq!(
        ran,
        [0, REVISIONS],
        "one instance migrated, the other waited"
    );

    let migrations = axum_service::migrations(a.db.backend());
    let heads = migrations.heads().expect("the embedded revisions' heads");
    assert_eq!(migrations.current(&a.db).await.expect("current"), heads);
    let log = LogRow::find()
        .order_by(LogRow::id.asc())
        .all(&a.db)
        .await
        .expect("the migration log");
    assert_eq!(log.len(), REVISIONS, "each revision ran once: {log:?}");
    assert!(log.iter().all(|row| row.direction == "upgrade"), "{log:?}");
    assert_eq!(log[REVISIONS - 1].revision, heads[0]);

    // Both instances serve the one database.
    let ann = account(&a, "ann").await;
    let (status, seen) = b.get(&format!("/accounts/{ann}")).await;
    assert_eq!(
        (status, seen["name"].clone()),
        (StatusCode::OK, json!("ann"))
    );
    a.stop().await;
    b.stop().await;
}
