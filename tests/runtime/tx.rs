//! Transactions, savepoints, optimistic locking, row locks and streaming.

use alembix::{Backend, Db, Error, Model};
use futures_util::TryStreamExt;

use crate::backend_tests;
use crate::models::*;

backend_tests!(
    transaction_commits_and_rolls_back,
    nested_transactions_are_savepoints,
    every_query_method_works_in_a_transaction,
    optimistic_locking,
    for_update_in_a_transaction,
    streaming,
);

async fn values(db: &Db) -> Vec<i32> {
    Counter::find()
        .order_by(Counter::value.asc())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.value)
        .collect()
}

async fn transaction_commits_and_rolls_back(db: Db) {
    setup(&db).await;
    let id = db
        .transaction(|tx| async move {
            let c = Counter { id: 0, value: 1 }.insert(&tx).await?;
            Counter { id: 0, value: 2 }.insert(&tx).await?;
            Ok::<_, Error>(c.id)
        })
        .await
        .unwrap();
    assert_eq!(values(&db).await, [1, 2], "committed");
    assert_eq!(Counter::get(&db, id).await.unwrap().value, 1);

    let err = db
        .transaction(|tx| async move {
            Counter { id: 0, value: 3 }.insert(&tx).await?;
            Counter::update_many()
                .set(Counter::value, Counter::value + 100)
                .exec(&tx)
                .await?;
            assert_eq!(Counter::find().count(&tx).await?, 3, "visible inside");
            Err::<(), _>(Error::Usage("give up".into()))
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Usage(ref m) if m == "give up"));
    assert_eq!(values(&db).await, [1, 2], "rolled back");

    // A failing statement rolls the whole transaction back.
    let err = db
        .transaction(|tx| async move {
            Counter { id: 0, value: 4 }.insert(&tx).await?;
            Counter { id, value: 5 }.insert(&tx).await?; // duplicate key
            Ok::<_, Error>(())
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
    assert_eq!(values(&db).await, [1, 2]);

    // Explicit begin/commit and a dropped transaction.
    let tx = db.begin().await.unwrap();
    Counter { id: 0, value: 6 }.insert(&tx).await.unwrap();
    tx.commit().await.unwrap();
    let tx = db.begin().await.unwrap();
    Counter { id: 0, value: 7 }.insert(&tx).await.unwrap();
    tx.rollback().await.unwrap();
    {
        let tx = db.begin().await.unwrap();
        Counter { id: 0, value: 8 }.insert(&tx).await.unwrap();
    }
    assert_eq!(
        values(&db).await,
        [1, 2, 6],
        "dropped transaction rolled back"
    );
}

async fn nested_transactions_are_savepoints(db: Db) {
    setup(&db).await;
    db.transaction(|tx| async move {
        Counter { id: 0, value: 1 }.insert(&tx).await?;
        let inner = tx
            .transaction(|sp| async move {
                Counter { id: 0, value: 2 }.insert(&sp).await?;
                assert_eq!(Counter::find().count(&sp).await?, 2);
                Err::<(), _>(Error::Usage("inner fails".into()))
            })
            .await;
        assert!(inner.is_err());
        assert_eq!(Counter::find().count(&tx).await?, 1, "inner part undone");
        tx.transaction(|sp| async move {
            Counter { id: 0, value: 3 }.insert(&sp).await?;
            // Two levels deep: the innermost fails, the middle one keeps its row.
            let r = sp
                .transaction(|sp2| async move {
                    Counter { id: 0, value: 4 }.insert(&sp2).await?;
                    Err::<(), _>(Error::Usage("innermost fails".into()))
                })
                .await;
            assert!(r.is_err());
            Ok::<_, Error>(())
        })
        .await?;
        Counter { id: 0, value: 5 }.insert(&tx).await?;
        Ok::<_, Error>(())
    })
    .await
    .unwrap();
    assert_eq!(values(&db).await, [1, 3, 5]);

    // The outer transaction failing undoes released savepoints too.
    let _ = db
        .transaction(|tx| async move {
            tx.transaction(|sp| async move {
                Counter { id: 0, value: 9 }.insert(&sp).await?;
                Ok::<_, Error>(())
            })
            .await?;
            Err::<(), _>(Error::Usage("outer fails".into()))
        })
        .await;
    assert_eq!(values(&db).await, [1, 3, 5]);
}

async fn every_query_method_works_in_a_transaction(db: Db) {
    setup(&db).await;
    let tx = db.begin().await.unwrap();
    let ann = User::new("ann@x.io", "Ann", Some(30))
        .insert(&tx)
        .await
        .unwrap();
    let bob = User::new("bob@x.io", "Bob", Some(40))
        .insert(&tx)
        .await
        .unwrap();
    let posts: Vec<Post> = (0..3)
        .map(|i| Post {
            id: 0,
            user_id: ann.id,
            title: format!("p{i}"),
            votes: i,
        })
        .collect();
    assert_eq!(Post::insert_many(&tx, &posts).await.unwrap(), 3);
    assert_eq!(User::get(&tx, ann.id).await.unwrap(), ann);
    assert_eq!(
        User::find_by_key(&tx, bob.id).await.unwrap(),
        Some(bob.clone())
    );
    assert_eq!(
        User::find()
            .filter(User::age.gt(35))
            .all(&tx)
            .await
            .unwrap(),
        vec![bob.clone()]
    );
    assert_eq!(User::find().count(&tx).await.unwrap(), 2);
    assert!(User::find().exists(&tx).await.unwrap());
    assert!(
        User::find()
            .filter(User::name.eq("Bob"))
            .one(&tx)
            .await
            .unwrap()
            .is_some()
    );
    let mut a = ann.clone();
    a.age = Some(31);
    a.save(&tx).await.unwrap();
    assert_eq!(
        Post::update_many()
            .set(Post::votes, Post::votes + 10)
            .exec(&tx)
            .await
            .unwrap(),
        3
    );
    let joined = Post::find().join::<User>().all(&tx).await.unwrap();
    assert_eq!(joined.len(), 3);
    assert!(
        joined
            .iter()
            .all(|(p, u)| u.id == p.user_id && p.votes >= 10)
    );
    let first = Post::find()
        .order_by(Post::id.asc())
        .one(&tx)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        first.parent::<User>(&tx).await.unwrap().unwrap().age,
        Some(31)
    );
    assert_eq!(ann.children::<Post>(&tx).await.unwrap().len(), 3);
    assert_eq!(
        User::load_children::<Post>(&tx, std::slice::from_ref(&bob))
            .await
            .unwrap(),
        vec![Vec::<Post>::new()]
    );
    let parents = Post::load_parents::<User>(&tx, std::slice::from_ref(&first))
        .await
        .unwrap();
    assert_eq!(parents[0].as_ref().map(|u| u.id), Some(ann.id));
    let s = Setting {
        key: "k".into(),
        value: "v".into(),
        hits: 1,
    }
    .upsert(&tx)
    .await
    .unwrap();
    assert_eq!(s.value, "v");
    let users = crate::common::ident(&db, "users");
    let raw = User::from_sql(format!("SELECT * FROM {users}"))
        .all(&tx)
        .await
        .unwrap();
    assert_eq!(raw.len(), 2);
    let streamed: Vec<Post> = Post::find().stream(&tx).try_collect().await.unwrap();
    assert_eq!(streamed.len(), 3);
    first.delete(&tx).await.unwrap();
    assert_eq!(Post::delete_by_key(&tx, first.id).await.unwrap(), 0);
    assert_eq!(Post::delete_many().exec(&tx).await.unwrap(), 2);
    assert_eq!(Setting::delete_by_key(&tx, "k").await.unwrap(), 1);
    // Not visible outside before the commit (PostgreSQL and MariaDB: another
    // connection; SQLite: a reader sees the last committed state too).
    assert_eq!(User::find().count(&db).await.unwrap(), 0);
    tx.commit().await.unwrap();
    let after = User::get(&db, ann.id).await.unwrap();
    assert_eq!((after.age, after.version), (Some(31), 2));
    assert_eq!(User::find().count(&db).await.unwrap(), 2);
    assert_eq!(Post::find().count(&db).await.unwrap(), 0);
}

async fn optimistic_locking(db: Db) {
    setup(&db).await;
    let ann = User::new("ann@x.io", "Ann", Some(30))
        .insert(&db)
        .await
        .unwrap();
    let mut a = User::get(&db, ann.id).await.unwrap();
    let mut b = User::get(&db, ann.id).await.unwrap();
    a.name = "Ann A".into();
    a.save(&db).await.unwrap();
    assert_eq!(a.version, 2);
    assert_eq!(User::get(&db, ann.id).await.unwrap().version, 2);
    b.name = "Ann B".into();
    b.age = Some(99);
    match b.save(&db).await {
        Err(Error::StaleData { model, version }) => {
            assert_eq!((model, version), ("User", 1));
        }
        other => panic!("expected StaleData, got {other:?}"),
    }
    assert_eq!(b.version, 1, "a failed save leaves the version alone");
    let stored = User::get(&db, ann.id).await.unwrap();
    assert_eq!(stored, a, "the stale save changed nothing");
    // Reload and retry works.
    let mut b = User::get(&db, ann.id).await.unwrap();
    b.age = Some(99);
    b.save(&db).await.unwrap();
    assert_eq!(User::get(&db, ann.id).await.unwrap().version, 3);
    // A second save of the same copy works: its version followed.
    b.age = Some(100);
    b.save(&db).await.unwrap();
    assert_eq!(User::get(&db, ann.id).await.unwrap().version, 4);
}

async fn for_update_in_a_transaction(db: Db) {
    setup(&db).await;
    let c = Counter { id: 0, value: 10 }.insert(&db).await.unwrap();
    let id = c.id;
    db.transaction(|tx| async move {
        let mut row = Counter::find()
            .filter(Counter::id.eq(id))
            .for_update()
            .one(&tx)
            .await?
            .expect("the row");
        assert_eq!(row.value, 10);
        row.value += 5;
        row.save(&tx).await?;
        Ok::<_, Error>(())
    })
    .await
    .unwrap();
    assert_eq!(Counter::get(&db, id).await.unwrap().value, 15);

    if db.backend() == Backend::Sqlite {
        return;
    }
    // The lock holds a concurrent writer back until the commit.
    let tx = db.begin().await.unwrap();
    let locked = Counter::find()
        .filter(Counter::id.eq(id))
        .for_update()
        .all(&tx)
        .await
        .unwrap();
    assert_eq!(locked.len(), 1);
    let db2 = db.clone();
    let writer = tokio::spawn(async move {
        Counter::update_many()
            .set(Counter::value, Counter::value * 2)
            .filter(Counter::id.eq(id))
            .exec(&db2)
            .await
            .unwrap()
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!writer.is_finished(), "the writer waits for the row lock");
    Counter::update_many()
        .set(Counter::value, Counter::value + 1)
        .filter(Counter::id.eq(id))
        .exec(&tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(writer.await.unwrap(), 1);
    assert_eq!(
        Counter::get(&db, id).await.unwrap().value,
        32,
        "(15 + 1) * 2"
    );
}

async fn streaming(db: Db) {
    setup(&db).await;
    let rows: Vec<Counter> = (0..10_000).map(|i| Counter { id: 0, value: i }).collect();
    assert_eq!(Counter::insert_many(&db, &rows).await.unwrap(), 10_000);
    let mut stream = Counter::find().order_by(Counter::value.asc()).stream(&db);
    let mut n = 0;
    while let Some(c) = stream.try_next().await.unwrap() {
        assert_eq!(c.value, n, "rows arrive in order");
        n += 1;
    }
    assert_eq!(n, 10_000);
    drop(stream);
    let filtered: Vec<Counter> = Counter::find()
        .filter(Counter::value.lt(10))
        .stream(&db)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(filtered.len(), 10);

    let tx = db.begin().await.unwrap();
    Counter::delete_many()
        .filter(Counter::value.ge(5_000))
        .exec(&tx)
        .await
        .unwrap();
    let mut stream = Counter::find().stream(&tx);
    let mut n = 0_i64;
    let mut sum = 0_i64;
    while let Some(c) = stream.try_next().await.unwrap() {
        n += 1;
        sum += c.value as i64;
    }
    drop(stream);
    assert_eq!(
        (n, sum),
        (5_000, (0..5_000).sum::<i64>()),
        "stream inside the tx sees its writes"
    );
    // The transaction is usable after the stream is dropped.
    assert_eq!(Counter::find().count(&tx).await.unwrap(), 5_000);
    tx.rollback().await.unwrap();
    assert_eq!(Counter::find().count(&db).await.unwrap(), 10_000);
}
