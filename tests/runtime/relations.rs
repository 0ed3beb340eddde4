//! Joins, parents, children and eager loading along foreign keys.

use alembix::{Db, Error, Model};

use crate::backend_tests;
use crate::models::*;

backend_tests!(
    joins_across_foreign_keys,
    relations_both_ways,
    eager_loading_is_one_query
);

/// Ann (2 posts), Bob (1 post), Cy (none).
async fn blog(db: &Db) -> (Vec<User>, Vec<Post>) {
    let mut users = Vec::new();
    for (email, name) in [("ann@x.io", "Ann"), ("bob@x.io", "Bob"), ("cy@x.io", "Cy")] {
        users.push(User::new(email, name, None).insert(db).await.unwrap());
    }
    let mut posts = Vec::new();
    for (u, title, votes) in [(0, "ann-1", 5), (0, "ann-2", 15), (1, "bob-1", 25)] {
        posts.push(
            Post {
                id: 0,
                user_id: users[u].id,
                title: title.into(),
                votes,
            }
            .insert(db)
            .await
            .unwrap(),
        );
    }
    (users, posts)
}

async fn joins_across_foreign_keys(db: Db) {
    setup(&db).await;
    let (users, posts) = blog(&db).await;
    let pairs = Post::find()
        .join::<User>()
        .filter(User::name.eq("Ann"))
        .order_by(Post::title.asc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        pairs,
        vec![
            (posts[0].clone(), users[0].clone()),
            (posts[1].clone(), users[0].clone())
        ]
    );
    // Filters on both sides.
    let pairs = Post::find()
        .join::<User>()
        .filter(User::name.ne("Bob"))
        .filter(Post::votes.gt(10))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(pairs, vec![(posts[1].clone(), users[0].clone())]);
    // The other way round: parent joined with children (inner join: Cy has none).
    let pairs = User::find()
        .join::<Post>()
        .order_by(Post::votes.desc())
        .limit(2)
        .all(&db)
        .await
        .unwrap();
    let got: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(u, p)| (u.name.as_str(), p.title.as_str()))
        .collect();
    assert_eq!(got, [("Bob", "bob-1"), ("Ann", "ann-2")]);
    // Models without a relation.
    assert!(matches!(
        Counter::find().join::<User>().all(&db).await,
        Err(Error::Usage(_))
    ));
}

async fn relations_both_ways(db: Db) {
    setup(&db).await;
    let (users, posts) = blog(&db).await;
    assert_eq!(
        posts[2].parent::<User>(&db).await.unwrap(),
        Some(users[1].clone())
    );
    let mut children = users[0].children::<Post>(&db).await.unwrap();
    children.sort_by_key(|p| p.id);
    assert_eq!(children, posts[..2].to_vec());
    assert!(users[2].children::<Post>(&db).await.unwrap().is_empty());
    assert!(matches!(
        users[0].children::<Counter>(&db).await,
        Err(Error::Usage(_))
    ));
}

async fn eager_loading_is_one_query(db: Db) {
    setup(&db).await;
    let users: Vec<User> = (0..50)
        .map(|i| User::new(&format!("u{i}@x.io"), &format!("user {i}"), Some(i)))
        .collect();
    User::insert_many(&db, &users).await.unwrap();
    let users = User::find()
        .order_by(User::age.asc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(users.len(), 50);
    // User i has i % 3 posts.
    let mut posts = Vec::new();
    for (i, u) in users.iter().enumerate() {
        for k in 0..i % 3 {
            posts.push(Post {
                id: 0,
                user_id: u.id,
                title: format!("{i}-{k}"),
                votes: k as i32,
            });
        }
    }
    Post::insert_many(&db, &posts).await.unwrap();
    let posts = Post::find()
        .order_by(Post::id.asc())
        .all(&db)
        .await
        .unwrap();

    let before = db.queries_run();
    let children = User::load_children::<Post>(&db, &users).await.unwrap();
    assert_eq!(db.queries_run() - before, 1, "load_children is one query");
    assert_eq!(children.len(), 50);
    for (i, (u, kids)) in users.iter().zip(&children).enumerate() {
        assert_eq!(kids.len(), i % 3, "children of user {i}");
        for p in kids {
            assert_eq!(p.user_id, u.id);
            assert!(p.title.starts_with(&format!("{i}-")));
        }
    }

    // Posts of 50 different users (and some sharing a parent).
    let mut fifty: Vec<Post> = Vec::new();
    for u in &users {
        fifty.push(
            Post {
                id: 0,
                user_id: u.id,
                title: format!("extra of {}", u.id),
                votes: 0,
            }
            .insert(&db)
            .await
            .unwrap(),
        );
    }
    fifty.extend(posts.iter().cloned());
    let before = db.queries_run();
    let parents = Post::load_parents::<User>(&db, &fifty).await.unwrap();
    assert_eq!(db.queries_run() - before, 1, "load_parents is one query");
    assert_eq!(parents.len(), fifty.len());
    for (p, parent) in fifty.iter().zip(&parents) {
        let parent = parent.as_ref().expect("every post has its user");
        assert_eq!(parent.id, p.user_id);
        assert_eq!(parent, users.iter().find(|u| u.id == p.user_id).unwrap());
    }
    // Empty input: no query at all.
    let before = db.queries_run();
    assert!(
        User::load_children::<Post>(&db, &[])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        Post::load_parents::<User>(&db, &[])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.queries_run(), before);
}
