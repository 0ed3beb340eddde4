//! Statement tracing: every statement runs in an `alembix.statement` span
//! with its SQL text (placeholders, no values unless asked), rows and
//! duration; slow statements warn; and the statement counts of common
//! operations, read from those spans.

use std::time::Duration;

use alembix::{Db, Error, Model, PoolOptions};
use futures_util::TryStreamExt;

use crate::backend_tests;
use crate::common::trace::{Statement, capture};
use crate::models::*;

backend_tests!(
    spans_have_sql_rows_and_duration,
    values_stay_out_by_default,
    stream_span_counts_rows,
    failed_statement_records_error,
    statement_counts,
    transaction_control_is_traced,
);

backend_tests!(pool(PoolOptions { log_values: true, ..PoolOptions::default() }); values_logged_when_asked);

backend_tests!(pool(PoolOptions { slow_query: Some(Duration::ZERO), ..PoolOptions::default() }); slow_statements_warn);

backend_tests!(pool(PoolOptions { slow_query: Some(Duration::from_secs(3600)), ..PoolOptions::default() }); no_slow_warning_under_threshold);

/// The `db.system` each backend reports.
fn system(db: &Db) -> &'static str {
    match db.backend() {
        alembix::Backend::Postgres => "postgresql",
        alembix::Backend::MySql => "mysql",
        alembix::Backend::Sqlite => "sqlite",
    }
}

/// The placeholder of the first parameter on `db`.
fn first_placeholder(db: &Db) -> String {
    crate::common::ph(db, 1)
}

/// Statements needed to insert one row and get it back as stored.
fn insert_cost(db: &Db) -> usize {
    if db.has_returning() { 1 } else { 2 }
}

async fn spans_have_sql_rows_and_duration(db: Db) {
    setup(&db).await;
    let (ann, sent) = capture(User::new("ann@example.com", "Ann", Some(31)).insert(&db)).await;
    let ann = ann.unwrap();
    assert_eq!(sent.len(), insert_cost(&db), "{:?}", sent.sql());
    let insert: &Statement = &sent[0];
    assert!(insert.sql.starts_with("INSERT INTO"), "{}", insert.sql);
    assert!(
        insert.sql.contains(&first_placeholder(&db)),
        "{}",
        insert.sql
    );
    assert_eq!(insert.system, system(&db));
    assert_eq!(insert.rows, Some(1));
    assert!(insert.duration_ms.is_some_and(|ms| ms >= 0.0), "{insert:?}");
    assert_eq!(insert.error, None);

    User::new("bob@example.com", "Bob", Some(20))
        .insert(&db)
        .await
        .unwrap();
    let (found, sent) = capture(User::find().filter(User::age.ge(18)).all(&db)).await;
    assert_eq!(found.unwrap().len(), 2);
    assert_eq!(sent.len(), 1, "{:?}", sent.sql());
    assert!(sent[0].sql.starts_with("SELECT"), "{}", sent[0].sql);
    assert_eq!(sent[0].rows, Some(2));

    let (changed, sent) = capture(
        User::update_many()
            .set(User::age, User::age + 1)
            .filter(User::id.eq(ann.id))
            .exec(&db),
    )
    .await;
    assert_eq!(changed.unwrap(), 1);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].sql.starts_with("UPDATE"), "{}", sent[0].sql);
    assert_eq!(sent[0].rows, Some(1), "rows affected");
}

async fn values_stay_out_by_default(db: Db) {
    setup(&db).await;
    let (_, sent) = capture(async {
        let ann = User::new("secret@example.com", "Secret Name", Some(77))
            .insert(&db)
            .await
            .unwrap();
        User::find()
            .filter(User::email.eq("secret@example.com"))
            .one(&db)
            .await
            .unwrap();
        ann.delete(&db).await.unwrap();
    })
    .await;
    assert!(sent.len() >= 3, "{:?}", sent.sql());
    for s in sent.iter() {
        assert_eq!(s.values, None, "values recorded by default: {s:?}");
        assert!(!s.sql.contains("secret@example.com"), "{}", s.sql);
        assert!(!s.sql.contains("Secret Name"), "{}", s.sql);
    }
    assert!(sent.slow_queries.is_empty(), "no threshold, no warning");
}

async fn values_logged_when_asked(db: Db) {
    setup(&db).await;
    let row = User::new("shown@example.com", "Shown", Some(42));
    let (_, sent) = capture(row.insert(&db)).await;
    let values = sent[0].values.as_deref().expect("values recorded");
    assert!(values.contains("shown@example.com"), "{values}");
    assert!(values.contains("42"), "{values}");
    assert!(
        !sent[0].sql.contains("shown@example.com"),
        "{}",
        sent[0].sql
    );
    // insert_many too (PostgreSQL sends typed arrays there).
    let rows = [
        User::new("m1@example.com", "M1", Some(1)),
        User::new("m2@example.com", "M2", Some(2)),
    ];
    let (n, sent) = capture(User::insert_many(&db, &rows)).await;
    assert_eq!(n.unwrap(), 2);
    let values = sent[0].values.as_deref().expect("values recorded");
    assert!(
        values.contains("m1@example.com") && values.contains("m2@example.com"),
        "{values}"
    );
}

async fn stream_span_counts_rows(db: Db) {
    setup(&db).await;
    let events: Vec<Event> = (0..5)
        .map(|i| Event {
            id: 0,
            seq: i,
            label: format!("e{i}"),
            weight: 1.0,
        })
        .collect();
    Event::insert_many(&db, &events).await.unwrap();
    let (seen, sent) = capture(async {
        let mut stream = Event::find().order_by(Event::seq.asc()).stream(&db);
        let mut n = 0;
        while let Some(e) = stream.try_next().await.unwrap() {
            assert_eq!(e.seq, n);
            n += 1;
        }
        n
    })
    .await;
    assert_eq!(seen, 5);
    assert_eq!(sent.len(), 1, "{:?}", sent.sql());
    assert_eq!(
        sent[0].rows,
        Some(5),
        "rows recorded at the end of the stream"
    );
    assert!(sent[0].duration_ms.is_some());

    // A stream dropped early still ends its span, with the rows it gave.
    let (_, sent) = capture(async {
        let mut stream = Event::find().order_by(Event::seq.asc()).stream(&db);
        stream.try_next().await.unwrap().expect("a first row");
    })
    .await;
    assert_eq!(sent[0].rows, Some(1));
    assert!(sent[0].duration_ms.is_some());
}

async fn failed_statement_records_error(db: Db) {
    setup(&db).await;
    User::new("dup@example.com", "A", None)
        .insert(&db)
        .await
        .unwrap();
    let (res, sent) = capture(User::new("dup@example.com", "B", None).insert(&db)).await;
    assert!(matches!(res, Err(Error::UniqueViolation { .. })), "{res:?}");
    assert_eq!(sent.len(), 1);
    let error = sent[0].error.as_deref().expect("error recorded");
    assert!(!error.is_empty());
    assert_eq!(
        sent[0].rows, None,
        "no rows recorded for a failed statement"
    );
    assert!(sent[0].duration_ms.is_some());
}

async fn statement_counts(db: Db) {
    setup(&db).await;
    let one = insert_cost(&db);
    let (ann, sent) = capture(User::new("ann@example.com", "Ann", None).insert(&db)).await;
    let mut ann = ann.unwrap();
    assert_eq!(sent.len(), one, "insert: {:?}", sent.sql());

    let (_, sent) = capture(User::get(&db, ann.id)).await;
    assert_eq!(sent.len(), 1, "get by key");

    ann.name = "Annie".into();
    let (saved, sent) = capture(ann.save(&db)).await;
    saved.unwrap();
    assert_eq!(sent.len(), 1, "save: {:?}", sent.sql());

    let setting = Setting {
        key: "k".into(),
        value: "v".into(),
        hits: 1,
    };
    let (_, sent) = capture(setting.upsert(&db)).await;
    assert_eq!(sent.len(), one, "upsert (insert path): {:?}", sent.sql());
    let (_, sent) = capture(Setting { hits: 2, ..setting }.upsert(&db)).await;
    assert_eq!(sent.len(), one, "upsert (update path): {:?}", sent.sql());

    let rows: Vec<Event> = (0..3)
        .map(|i| Event {
            id: 0,
            seq: i,
            label: "x".into(),
            weight: 0.5,
        })
        .collect();
    let (_, sent) = capture(Event::insert_many(&db, &rows)).await;
    assert_eq!(sent.len(), 1, "insert_many of 3 rows: {:?}", sent.sql());

    let before = db.queries_run();
    let (_, sent) = capture(ann.delete(&db)).await;
    assert_eq!(sent.len(), 1, "delete");
    assert_eq!(db.queries_run(), before + 1, "queries_run agrees");
}

async fn transaction_control_is_traced(db: Db) {
    setup(&db).await;
    let before = db.queries_run();
    let (res, sent) = capture(db.transaction(|tx| async move {
        Counter { id: 0, value: 1 }.insert(&tx).await?;
        Ok::<_, Error>(())
    }))
    .await;
    res.unwrap();
    let sql = sent.sql();
    assert_eq!(sql.first(), Some(&"BEGIN"), "{sql:?}");
    assert_eq!(sql.last(), Some(&"COMMIT"), "{sql:?}");
    assert_eq!(sent.len(), 2 + insert_cost(&db), "{sql:?}");
    // BEGIN and COMMIT are traced, not counted by queries_run.
    assert_eq!(db.queries_run(), before + insert_cost(&db) as u64);

    let (res, sent) = capture(db.transaction(|tx| async move {
        Counter { id: 0, value: 2 }.insert(&tx).await?;
        Err::<(), _>(Error::Usage("roll back".into()))
    }))
    .await;
    assert!(res.is_err());
    assert_eq!(sent.sql().last(), Some(&"ROLLBACK"), "{:?}", sent.sql());
}

async fn slow_statements_warn(db: Db) {
    setup(&db).await;
    let (_, sent) = capture(async {
        let ann = User::new("slow@example.com", "Slow", None)
            .insert(&db)
            .await
            .unwrap();
        User::get(&db, ann.id).await.unwrap();
    })
    .await;
    // With a threshold of 0 every statement is slow.
    assert_eq!(sent.slow_queries.len(), sent.len(), "{sent:?}");
    for (warning, statement) in sent.slow_queries.iter().zip(sent.iter()) {
        assert_eq!(warning.sql, statement.sql);
        assert!(warning.duration_ms >= 0.0);
        assert!(!warning.sql.contains("slow@example.com"), "{}", warning.sql);
    }
}

async fn no_slow_warning_under_threshold(db: Db) {
    setup(&db).await;
    let (_, sent) = capture(User::new("fast@example.com", "Fast", None).insert(&db)).await;
    assert!(!sent.is_empty());
    assert!(sent.slow_queries.is_empty(), "{:?}", sent.slow_queries);
}
