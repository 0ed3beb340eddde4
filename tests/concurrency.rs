//! Concurrent writers on every backend: atomic increments and optimistic
//! load-modify-save with retries both end at the exact total.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use alembix::{Db, Error, Model, PoolOptions};

const TASKS: i32 = 8;
const PER_TASK: i32 = 500;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "counters")]
struct Counter {
    id: i64,
    value: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "versioned_counters")]
struct VersionedCounter {
    id: i64,
    value: i32,
    #[column(version)]
    version: i64,
}

backend_tests!(
    pool(PoolOptions { max_connections: 10, ..PoolOptions::default() });
    atomic_increments,
    optimistic_increments,
);

async fn atomic_increments(db: Db) {
    db.create_all(&[Counter::table()]).await.unwrap();
    let id = Counter { id: 0, value: 0 }.insert(&db).await.unwrap().id;
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..PER_TASK {
                let n = Counter::update_many()
                    .set(Counter::value, Counter::value + 1)
                    .filter(Counter::id.eq(id))
                    .exec(&db)
                    .await
                    .unwrap();
                assert_eq!(n, 1);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(Counter::get(&db, id).await.unwrap().value, TASKS * PER_TASK);
}

async fn optimistic_increments(db: Db) {
    db.create_all(&[VersionedCounter::table()]).await.unwrap();
    let id = VersionedCounter {
        id: 0,
        value: 0,
        version: 1,
    }
    .insert(&db)
    .await
    .unwrap()
    .id;
    let stale = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let db = db.clone();
        let stale = stale.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..PER_TASK {
                loop {
                    let mut c = VersionedCounter::get(&db, id).await.unwrap();
                    c.value += 1;
                    // Let the other tasks run between load and save, so that
                    // a stale save happens even where writes are serialised.
                    tokio::task::yield_now().await;
                    match c.save(&db).await {
                        Ok(()) => break,
                        Err(Error::StaleData { .. }) => {
                            stale.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => panic!("save failed: {e}"),
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let c = VersionedCounter::get(&db, id).await.unwrap();
    assert_eq!(c.value, TASKS * PER_TASK);
    assert_eq!(
        c.version,
        1 + (TASKS * PER_TASK) as i64,
        "one bump per save"
    );
    let stale = stale.load(Ordering::Relaxed);
    assert!(stale > 0, "concurrent saves must have met StaleData");
    eprintln!("{:?}: {stale} stale saves retried", db.backend());
}
