//! Inserts, reads, selects with every operator, updates, deletes, upserts,
//! raw SQL and the errors the database reports.

use alembix::{Backend, Db, Error, Model};

use crate::backend_tests;
use crate::common::ph;
use crate::models::*;

backend_tests!(
    insert_returns_stored_row,
    insert_many_in_batches,
    get_find_by_key_not_found,
    select_operators,
    order_limit_offset_count_exists,
    save_loaded_model,
    update_many_values_and_expressions,
    deletes,
    upsert_insert_and_update,
    raw_sql,
    unique_violation_names_constraint,
    foreign_key_violation,
    decode_error_names_model_and_column,
);

async fn insert_returns_stored_row(db: Db) {
    setup(&db).await;
    let ann = User::new("ann@example.com", "Ann", Some(31))
        .insert(&db)
        .await
        .unwrap();
    assert!(ann.id > 0, "generated key returned: {ann:?}");
    assert_eq!(ann.email, "ann@example.com");
    assert_eq!(ann.age, Some(31));
    assert_eq!(ann.version, 1);
    let bob = User::new("bob@example.com", "Bob", None)
        .insert(&db)
        .await
        .unwrap();
    assert!(bob.id > ann.id, "keys increase: {} then {}", ann.id, bob.id);
    assert_eq!(bob.age, None);

    // A column left NULL that has a server default gets the default.
    let mut carl = User::new("carl@example.com", "Carl", None);
    carl.status = None;
    let carl = carl.insert(&db).await.unwrap();
    assert_eq!(carl.status.as_deref(), Some("active"), "server default");
    assert_eq!(User::get(&db, carl.id).await.unwrap(), carl);
    let mut mixed = vec![
        User::new("m1@example.com", "M1", None),
        User::new("m2@example.com", "M2", None),
    ];
    mixed[0].status = None;
    mixed[1].status = Some("vip".into());
    assert_eq!(User::insert_many(&db, &mixed).await.unwrap(), 2);
    let statuses: Vec<Option<String>> = User::find()
        .filter(User::email.like("m_@example.com"))
        .order_by(User::email.asc())
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.status)
        .collect();
    assert_eq!(
        statuses,
        [Some("active".to_string()), Some("vip".to_string())]
    );
    // save writes NULL as given.
    let mut carl = carl;
    carl.status = None;
    carl.save(&db).await.unwrap();
    assert_eq!(User::get(&db, carl.id).await.unwrap().status, None);

    // A given (non-zero) key is kept.
    let mut dora = User::new("dora@example.com", "Dora", Some(5));
    dora.id = 1000;
    let dora = dora.insert(&db).await.unwrap();
    assert_eq!(dora.id, 1000);
    assert_eq!(User::get(&db, 1000_i64).await.unwrap().name, "Dora");
}

async fn insert_many_in_batches(db: Db) {
    setup(&db).await;
    // 3 bound columns per row: 25,000 rows is 3 statements on SQLite (32,766
    // parameters each) and 2 on PostgreSQL and MariaDB.
    let n = 25_000_i64;
    let rows: Vec<Event> = (0..n)
        .map(|i| Event {
            id: 0,
            seq: i,
            label: format!("event-{i}"),
            weight: i as f64 / 4.0,
        })
        .collect();
    let before = db.queries_run();
    let inserted = Event::insert_many(&db, &rows).await.unwrap();
    assert_eq!(inserted, n as u64);
    let statements = db.queries_run() - before;
    match db.backend() {
        Backend::Sqlite => assert_eq!(statements, 3, "batches on SQLite"),
        _ => assert_eq!(statements, 2, "batches"),
    }
    assert_eq!(Event::find().count(&db).await.unwrap(), n);
    let all = Event::find()
        .order_by(Event::seq.asc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(all.len(), n as usize);
    for (i, e) in all.iter().enumerate() {
        assert_eq!(e.seq, i as i64);
        assert_eq!(e.label, format!("event-{i}"));
        assert_eq!(e.weight, i as f64 / 4.0);
        assert!(e.id > 0);
    }
    let mut ids: Vec<i64> = all.iter().map(|e| e.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n as usize, "distinct generated keys");

    // Rows with given keys, and an empty list.
    let given = vec![Counter { id: 7, value: 70 }, Counter { id: 8, value: 80 }];
    assert_eq!(Counter::insert_many(&db, &given).await.unwrap(), 2);
    assert_eq!(Counter::get(&db, 8_i64).await.unwrap().value, 80);
    assert_eq!(Counter::insert_many(&db, &[]).await.unwrap(), 0);
}

async fn get_find_by_key_not_found(db: Db) {
    setup(&db).await;
    let ann = User::new("ann@example.com", "Ann", Some(31))
        .insert(&db)
        .await
        .unwrap();
    assert_eq!(User::get(&db, ann.id).await.unwrap(), ann);
    assert_eq!(
        User::find_by_key(&db, ann.id).await.unwrap(),
        Some(ann.clone())
    );
    assert_eq!(User::find_by_key(&db, ann.id + 100).await.unwrap(), None);
    match User::get(&db, ann.id + 100).await {
        Err(Error::NotFound { model }) => assert_eq!(model, "User"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    // String key.
    Setting {
        key: "theme".into(),
        value: "dark".into(),
        hits: 0,
    }
    .insert(&db)
    .await
    .unwrap();
    assert_eq!(Setting::get(&db, "theme").await.unwrap().value, "dark");
    assert!(Setting::find_by_key(&db, "nope").await.unwrap().is_none());
    // Composite key.
    for (org, member, role) in [(1, "ann", "admin"), (1, "bob", "user"), (2, "ann", "user")] {
        Membership {
            org_id: org,
            member: member.into(),
            role: role.into(),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    assert_eq!(
        Membership::get(&db, (1_i32, "ann".to_string()))
            .await
            .unwrap()
            .role,
        "admin"
    );
    assert_eq!(
        Membership::get(&db, (2_i32, "ann".to_string()))
            .await
            .unwrap()
            .role,
        "user"
    );
    assert!(
        Membership::find_by_key(&db, (2_i32, "bob".to_string()))
            .await
            .unwrap()
            .is_none()
    );
    let mut m = Membership::get(&db, (1_i32, "bob".to_string()))
        .await
        .unwrap();
    m.role = "owner".into();
    m.save(&db).await.unwrap();
    assert_eq!(
        Membership::get(&db, (1_i32, "bob".to_string()))
            .await
            .unwrap()
            .role,
        "owner"
    );
    assert_eq!(
        Membership::get(&db, (1_i32, "ann".to_string()))
            .await
            .unwrap()
            .role,
        "admin",
        "save touched only its row"
    );
    assert_eq!(
        Membership::delete_by_key(&db, (1_i32, "ann".to_string()))
            .await
            .unwrap(),
        1
    );
    assert_eq!(Membership::find().count(&db).await.unwrap(), 2);
    // A key of the wrong arity is a usage error.
    assert!(matches!(
        Membership::get(&db, 1_i32).await,
        Err(Error::Usage(_))
    ));
}

/// Users a..f with ages 10, 20, .., 50 and one without an age.
async fn six_users(db: &Db) -> Vec<User> {
    let mut out = Vec::new();
    for (i, name) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        out.push(
            User::new(
                &format!("{name}@example.com"),
                name,
                Some((i as i32 + 1) * 10),
            )
            .insert(db)
            .await
            .unwrap(),
        );
    }
    out.push(
        User::new("f@example.org", "f", None)
            .insert(db)
            .await
            .unwrap(),
    );
    out
}

async fn names(db: &Db, q: alembix::query::Select<User>) -> Vec<String> {
    q.order_by(User::name.asc())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect()
}

async fn select_operators(db: Db) {
    setup(&db).await;
    six_users(&db).await;
    let f = User::find;
    assert_eq!(names(&db, f().filter(User::age.eq(30))).await, ["c"]);
    assert_eq!(
        names(&db, f().filter(User::age.ne(30))).await,
        ["a", "b", "d", "e"]
    );
    assert_eq!(names(&db, f().filter(User::age.lt(30))).await, ["a", "b"]);
    assert_eq!(
        names(&db, f().filter(User::age.le(30))).await,
        ["a", "b", "c"]
    );
    assert_eq!(names(&db, f().filter(User::age.gt(30))).await, ["d", "e"]);
    assert_eq!(
        names(&db, f().filter(User::age.ge(30))).await,
        ["c", "d", "e"]
    );
    assert_eq!(
        names(&db, f().filter(User::age.between(20, 40))).await,
        ["b", "c", "d"]
    );
    assert_eq!(
        names(&db, f().filter(User::age.is_in([10, 50, 99]))).await,
        ["a", "e"]
    );
    assert_eq!(
        names(&db, f().filter(User::age.is_in(Vec::<i32>::new()))).await,
        Vec::<String>::new()
    );
    assert_eq!(
        names(&db, f().filter(User::age.is_in(Vec::<i32>::new()).not())).await,
        ["a", "b", "c", "d", "e", "f"],
        "NOT of an empty IN is true for every row"
    );
    assert_eq!(
        names(&db, f().filter(User::email.like("%@example.org"))).await,
        ["f"]
    );
    assert_eq!(
        names(&db, f().filter(User::email.like("_@example.com"))).await,
        ["a", "b", "c", "d", "e"]
    );
    assert_eq!(names(&db, f().filter(User::age.is_null())).await, ["f"]);
    assert_eq!(
        names(&db, f().filter(User::age.is_not_null())).await,
        ["a", "b", "c", "d", "e"]
    );
    assert_eq!(
        names(&db, f().filter(User::age.gt(10).and(User::age.lt(40)))).await,
        ["b", "c"]
    );
    assert_eq!(
        names(&db, f().filter(User::age.eq(10).or(User::age.is_null()))).await,
        ["a", "f"]
    );
    assert_eq!(
        names(&db, f().filter(User::age.le(30).not())).await,
        ["d", "e"]
    );
    assert_eq!(
        names(&db, f().filter(!User::name.eq("a"))).await,
        ["b", "c", "d", "e", "f"]
    );
    // Several filters are ANDed; a column compared with a column.
    assert_eq!(
        names(&db, f().filter(User::age.ge(20)).filter(User::age.le(20))).await,
        ["b"]
    );
    assert_eq!(
        names(&db, f().filter(User::name.eq(User::name))).await,
        ["a", "b", "c", "d", "e", "f"]
    );
    // Precedence: (a OR b) AND c.
    assert_eq!(
        names(
            &db,
            f().filter(
                User::age
                    .eq(10)
                    .or(User::age.eq(20))
                    .and(User::name.ne("a"))
            )
        )
        .await,
        ["b"]
    );
    assert_eq!(
        names(
            &db,
            f().filter(
                User::age
                    .eq(10)
                    .or(User::age.eq(20).and(User::name.ne("b")))
            )
        )
        .await,
        ["a"]
    );
    let one = f().filter(User::name.eq("d")).one(&db).await.unwrap();
    assert_eq!(one.map(|u| u.age), Some(Some(40)));
    assert!(
        f().filter(User::name.eq("zz"))
            .one(&db)
            .await
            .unwrap()
            .is_none()
    );
}

async fn order_limit_offset_count_exists(db: Db) {
    setup(&db).await;
    six_users(&db).await;
    let asc: Vec<Option<i32>> = User::find()
        .filter(User::age.is_not_null())
        .order_by(User::age.asc())
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.age)
        .collect();
    assert_eq!(asc, [Some(10), Some(20), Some(30), Some(40), Some(50)]);
    let desc: Vec<String> = User::find()
        .filter(User::age.is_not_null())
        .order_by(User::age.desc())
        .limit(2)
        .offset(1)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(desc, ["d", "c"]);
    // Two orderings: status (all equal) then name descending.
    let by_two: Vec<String> = User::find()
        .order_by(User::status.asc())
        .order_by(User::name.desc())
        .limit(3)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(by_two, ["f", "e", "d"]);
    assert_eq!(User::find().count(&db).await.unwrap(), 6);
    // Paging and DISTINCT apply to what is counted.
    assert_eq!(User::find().limit(4).count(&db).await.unwrap(), 4);
    assert_eq!(User::find().offset(4).count(&db).await.unwrap(), 2);
    let tail = User::find().order_by(User::name.asc()).offset(4).all(&db);
    let tail: Vec<String> = tail.await.unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(tail, ["e", "f"], "an offset without a limit");
    assert_eq!(User::find().limit(3).offset(5).count(&db).await.unwrap(), 1);
    let statuses = User::find().select(User::status).distinct();
    assert_eq!(statuses.all(&db).await.unwrap().len(), 1);
    assert_eq!(User::find().distinct().count(&db).await.unwrap(), 6);
    assert_eq!(
        User::find()
            .filter(User::age.gt(25))
            .count(&db)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        User::find()
            .filter(User::age.gt(25))
            .order_by(User::age.desc())
            .count(&db)
            .await
            .unwrap(),
        3
    );
    assert!(
        User::find()
            .filter(User::age.eq(50))
            .exists(&db)
            .await
            .unwrap()
    );
    assert!(
        !User::find()
            .filter(User::age.eq(51))
            .exists(&db)
            .await
            .unwrap()
    );
    assert_eq!(Post::find().count(&db).await.unwrap(), 0);
    assert!(!Post::find().exists(&db).await.unwrap());
}

async fn save_loaded_model(db: Db) {
    setup(&db).await;
    let users = six_users(&db).await;
    let mut c = User::get(&db, users[2].id).await.unwrap();
    c.name = "Cecilia".into();
    c.age = None;
    c.status = Some("banned".into());
    c.save(&db).await.unwrap();
    assert_eq!(c.version, 2, "save bumps the in-memory version");
    let back = User::get(&db, c.id).await.unwrap();
    assert_eq!(back, c);
    // Nothing else changed.
    let d = User::get(&db, users[3].id).await.unwrap();
    assert_eq!(d, users[3]);
    // Saving a row that is gone.
    let mut ghost = Counter {
        id: 12345,
        value: 1,
    };
    assert!(matches!(
        ghost.save(&db).await,
        Err(Error::NotFound { model: "Counter" })
    ));
}

async fn update_many_values_and_expressions(db: Db) {
    setup(&db).await;
    let rows: Vec<Counter> = (1..=5)
        .map(|i| Counter {
            id: i,
            value: i as i32 * 10,
        })
        .collect();
    Counter::insert_many(&db, &rows).await.unwrap();
    let n = Counter::update_many()
        .set(Counter::value, Counter::value + 1)
        .filter(Counter::id.le(3))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(n, 3);
    let n = Counter::update_many()
        .set(Counter::value, Counter::value * 2 - 5)
        .filter(Counter::id.eq(5))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let n = Counter::update_many()
        .set(Counter::value, 0)
        .filter(Counter::id.eq(4))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let values: Vec<i32> = Counter::find()
        .order_by(Counter::id.asc())
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.value)
        .collect();
    assert_eq!(values, [11, 21, 31, 0, 95]);
    // Several columns, one from another.
    let ann = User::new("ann@example.com", "Ann", Some(30))
        .insert(&db)
        .await
        .unwrap();
    User::update_many()
        .set(User::name, User::email)
        .set(User::age, User::age + 1)
        .set(User::status, "gone")
        .filter(User::id.eq(ann.id))
        .exec(&db)
        .await
        .unwrap();
    let back = User::get(&db, ann.id).await.unwrap();
    assert_eq!(back.name, "ann@example.com");
    assert_eq!(back.age, Some(31));
    assert_eq!(back.status.as_deref(), Some("gone"));
    // No filter: every row; no set: an error.
    assert_eq!(
        Counter::update_many()
            .set(Counter::value, 7)
            .exec(&db)
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        Counter::find()
            .filter(Counter::value.eq(7))
            .count(&db)
            .await
            .unwrap(),
        5
    );
    assert!(matches!(
        Counter::update_many().exec(&db).await,
        Err(Error::Usage(_))
    ));
}

async fn deletes(db: Db) {
    setup(&db).await;
    let users = six_users(&db).await;
    users[0].delete(&db).await.unwrap();
    assert!(User::find_by_key(&db, users[0].id).await.unwrap().is_none());
    assert!(matches!(
        users[0].delete(&db).await,
        Err(Error::NotFound { model: "User" })
    ));
    assert_eq!(User::delete_by_key(&db, users[1].id).await.unwrap(), 1);
    assert_eq!(User::delete_by_key(&db, users[1].id).await.unwrap(), 0);
    assert_eq!(
        User::delete_many()
            .filter(User::age.ge(40))
            .exec(&db)
            .await
            .unwrap(),
        2
    );
    let left: Vec<String> = User::find()
        .order_by(User::name.asc())
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(left, ["c", "f"]);
    assert_eq!(User::delete_many().exec(&db).await.unwrap(), 2);
    assert_eq!(User::find().count(&db).await.unwrap(), 0);
}

async fn upsert_insert_and_update(db: Db) {
    setup(&db).await;
    let s = Setting {
        key: "theme".into(),
        value: "dark".into(),
        hits: 1,
    };
    let stored = s.upsert(&db).await.unwrap();
    assert_eq!(stored, s, "insert path");
    let s2 = Setting {
        key: "theme".into(),
        value: "light".into(),
        hits: 2,
    };
    let stored = s2.upsert(&db).await.unwrap();
    assert_eq!(stored, s2, "update path");
    assert_eq!(Setting::find().count(&db).await.unwrap(), 1);
    assert_eq!(Setting::get(&db, "theme").await.unwrap(), s2);
    // Auto-increment key: 0 inserts a new row; a given key updates it.
    let c = Counter { id: 0, value: 5 }.upsert(&db).await.unwrap();
    assert!(c.id > 0);
    let c2 = Counter { id: c.id, value: 6 }.upsert(&db).await.unwrap();
    assert_eq!(c2, Counter { id: c.id, value: 6 });
    let c3 = Counter { id: 0, value: 9 }.upsert(&db).await.unwrap();
    assert_ne!(c3.id, c.id);
    assert_eq!(Counter::find().count(&db).await.unwrap(), 2);
    assert_eq!(Counter::get(&db, c.id).await.unwrap().value, 6);
    // Composite key: insert path, then update path.
    Membership {
        org_id: 1,
        member: "ann".into(),
        role: "admin".into(),
    }
    .upsert(&db)
    .await
    .unwrap();
    let m = Membership {
        org_id: 1,
        member: "ann".into(),
        role: "user".into(),
    }
    .upsert(&db)
    .await
    .unwrap();
    assert_eq!(m.role, "user");
    assert_eq!(Membership::find().count(&db).await.unwrap(), 1);
}

async fn raw_sql(db: Db) {
    setup(&db).await;
    six_users(&db).await;
    let users = crate::common::ident(&db, "users");
    let sql = format!(
        "SELECT * FROM {users} WHERE age >= {} AND name <> {} ORDER BY age",
        ph(&db, 1),
        ph(&db, 2)
    );
    let found = User::from_sql(sql)
        .bind(20)
        .bind("c")
        .all(&db)
        .await
        .unwrap();
    let names: Vec<&str> = found.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["b", "d", "e"]);
    // Column order and extra columns do not matter.
    let sql = format!(
        "SELECT 42 AS extra, version, status, age, name, email, id FROM {users} WHERE name = {}",
        ph(&db, 1)
    );
    let e = User::from_sql(sql)
        .bind("e".to_string())
        .one(&db)
        .await
        .unwrap()
        .expect("a row");
    assert_eq!((e.name.as_str(), e.age), ("e", Some(50)));
    let none = User::from_sql(format!("SELECT * FROM {users} WHERE 1 = 0"))
        .one(&db)
        .await
        .unwrap();
    assert!(none.is_none());
}

async fn unique_violation_names_constraint(db: Db) {
    setup(&db).await;
    User::new("ann@example.com", "Ann", None)
        .insert(&db)
        .await
        .unwrap();
    let err = User::new("ann@example.com", "Other Ann", None)
        .insert(&db)
        .await
        .unwrap_err();
    match &err {
        Error::UniqueViolation { constraint, .. } => match db.backend() {
            Backend::Sqlite => assert!(
                constraint.contains("email"),
                "SQLite names the column: {constraint:?}"
            ),
            _ => assert_eq!(constraint, "uq_users_email"),
        },
        other => panic!("expected UniqueViolation, got {other:?}"),
    }
    assert!(err.to_string().contains("unique"), "{err}");
    // Duplicate primary key.
    let ann = User::find().one(&db).await.unwrap().unwrap();
    let mut dup = User::new("x@example.com", "X", None);
    dup.id = ann.id;
    assert!(matches!(
        dup.insert(&db).await,
        Err(Error::UniqueViolation { .. })
    ));
    assert_eq!(User::find().count(&db).await.unwrap(), 1);
}

async fn foreign_key_violation(db: Db) {
    setup(&db).await;
    let err = Post {
        id: 0,
        user_id: 424242,
        title: "orphan".into(),
        votes: 0,
    }
    .insert(&db)
    .await
    .unwrap_err();
    match &err {
        Error::ForeignKeyViolation { constraint, .. } => {
            if db.backend() != Backend::Sqlite {
                assert_eq!(constraint, "fk_posts_user_id_users");
            }
        }
        other => panic!("expected ForeignKeyViolation, got {other:?}"),
    }
    assert_eq!(Post::find().count(&db).await.unwrap(), 0);
    // on_delete = cascade.
    let ann = User::new("ann@example.com", "Ann", None)
        .insert(&db)
        .await
        .unwrap();
    Post {
        id: 0,
        user_id: ann.id,
        title: "hello".into(),
        votes: 1,
    }
    .insert(&db)
    .await
    .unwrap();
    ann.delete(&db).await.unwrap();
    assert_eq!(Post::find().count(&db).await.unwrap(), 0, "cascaded");
}

async fn decode_error_names_model_and_column(db: Db) {
    setup(&db).await;
    let err = Counter::from_sql("SELECT 'not a number' AS id, 1 AS value")
        .all(&db)
        .await
        .unwrap_err();
    match &err {
        Error::Decode { model, column, .. } => {
            assert_eq!((*model, *column), ("Counter", "id"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("Counter") && text.contains("`id`"),
        "message names model and column: {text}"
    );
}
