//! Chained joins: inner and left joins of up to five models, typed filters,
//! orderings and column selections over every model, explicit conditions,
//! and the errors of joins that cannot be built.

use alembix::{Db, Error, Model};
use futures_util::TryStreamExt;

use crate::backend_tests;
use crate::common::trace;
use crate::join_models::*;

backend_tests!(
    chain_of_three_tables,
    left_joins_give_none_for_missing_rows,
    explicit_join_conditions,
    typed_column_selection,
    joins_that_cannot_be_built,
    joins_lock_rows_in_a_transaction
);

async fn chain_of_three_tables(db: Db) {
    let b = blog(&db).await;
    let chain = || Comment::find().join::<Article>().join::<Author>();
    let (rows, sent) = trace::capture(async {
        chain()
            .filter(Author::name.eq("Ann"))
            .filter(Article::votes.ge(5))
            .filter(Comment::body.ne("nothing"))
            .order_by(Comment::body.desc())
            .all(&db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 1, "a chain of joins is one query");
    let want = |c: usize, a: usize, u: usize| {
        (
            b.comments[c].clone(),
            b.articles[a].clone(),
            b.authors[u].clone(),
        )
    };
    assert_eq!(rows, vec![want(1, 0, 0), want(0, 0, 0)]);

    // Ordered by a column of the last model, then of the middle one.
    let rows = chain()
        .order_by(Author::name.desc())
        .order_by(Comment::body.asc())
        .all(&db)
        .await
        .unwrap();
    let bodies: Vec<&str> = rows.iter().map(|(c, _, _)| c.body.as_str()).collect();
    assert_eq!(bodies, ["z", "x", "y"]);

    // Paging, counting and existence over the whole chain.
    let page = chain()
        .order_by(Comment::body.asc())
        .limit(1)
        .offset(1)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(page, vec![want(1, 0, 0)]);
    let ((), sent) = trace::capture(async {
        assert_eq!(chain().count(&db).await.unwrap(), 3);
        assert_eq!(
            chain()
                .filter(Author::country.eq("uk"))
                .count(&db)
                .await
                .unwrap(),
            2
        );
        assert_eq!(chain().limit(2).offset(2).count(&db).await.unwrap(), 1);
        assert!(
            chain()
                .filter(Comment::stars.is_null())
                .exists(&db)
                .await
                .unwrap()
        );
        let none = chain().filter(Author::name.eq("Cy"));
        assert!(!none.clone().exists(&db).await.unwrap());
        assert_eq!(none.count(&db).await.unwrap(), 0);
    })
    .await;
    assert_eq!(sent.len(), 6, "one statement each");

    // One row, and a stream of rows.
    let first = chain()
        .order_by(Article::votes.asc())
        .one(&db)
        .await
        .unwrap();
    assert_eq!(first, Some(want(2, 2, 1)));
    let streamed: Vec<_> = chain()
        .order_by(Comment::body.asc())
        .stream(&db)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, vec![want(0, 0, 0), want(1, 0, 0), want(2, 2, 1)]);
}

async fn left_joins_give_none_for_missing_rows(db: Db) {
    let b = blog(&db).await;
    let (rows, sent) = trace::capture(async {
        Author::find()
            .left_join::<Article>()
            .order_by(Author::name.asc())
            .order_by(Article::title.asc())
            .all(&db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 1);
    let a = |i: usize| Some(b.articles[i].clone());
    assert_eq!(
        rows,
        vec![
            (b.authors[0].clone(), a(0)),
            (b.authors[0].clone(), a(1)),
            (b.authors[1].clone(), a(2)),
            (b.authors[2].clone(), None),
        ]
    );
    // A left join after an inner one; filters on the missing side.
    let q = || {
        Author::find()
            .join::<Article>()
            .left_join::<Comment>()
            .order_by(Article::title.asc())
            .order_by(Comment::body.asc())
    };
    let rows: Vec<(Author, Article, Option<Comment>)> = q().all(&db).await.unwrap();
    let got: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|(_, p, c)| (p.title.as_str(), c.as_ref().map(|c| c.body.as_str())))
        .collect();
    assert_eq!(
        got,
        [
            ("a1", Some("x")),
            ("a1", Some("y")),
            ("a2", None),
            ("b1", Some("z"))
        ]
    );
    // A comment whose nullable column is NULL is still a comment.
    assert_eq!(rows[1].2, Some(b.comments[1].clone()));
    let uncommented = q().filter(Comment::id.is_null());
    assert_eq!(uncommented.clone().count(&db).await.unwrap(), 1);
    let rows = uncommented.all(&db).await.unwrap();
    assert_eq!(
        rows,
        vec![(b.authors[0].clone(), b.articles[1].clone(), None)]
    );
    assert_eq!(q().count(&db).await.unwrap(), 4);
}

async fn explicit_join_conditions(db: Db) {
    let b = blog(&db).await;
    for (holder, label) in [("Ann", "gold"), ("Bob", "silver"), ("Nobody", "bronze")] {
        let badge = Badge {
            id: 0,
            holder: holder.into(),
            label: label.into(),
        };
        badge.insert(&db).await.unwrap();
    }
    // No foreign key between authors and badges: joined by name.
    let rows = Author::find()
        .join_on::<Badge, _>(Badge::holder.eq(Author::name))
        .order_by(Badge::label.asc())
        .all(&db)
        .await
        .unwrap();
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|(a, g)| (a.name.as_str(), g.label.as_str()))
        .collect();
    assert_eq!(got, [("Ann", "gold"), ("Bob", "silver")]);
    // Left-joined on a condition over the first two models and the new one.
    let rows = Article::find()
        .join::<Author>()
        .left_join_on::<Badge, _>(
            Badge::holder
                .eq(Author::name)
                .and(Article::votes.gt(5))
                .and(Badge::label.ne("none")),
        )
        .order_by(Article::title.asc())
        .all(&db)
        .await
        .unwrap();
    let got: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|(p, _, g)| (p.title.as_str(), g.as_ref().map(|g| g.label.as_str())))
        .collect();
    assert_eq!(
        got,
        [("a1", Some("gold")), ("a2", None), ("b1", Some("silver"))]
    );
    // A condition may also replace the foreign key of related models.
    let rows = Article::find()
        .join_on::<Author, _>(
            Author::id
                .eq(Article::author_id)
                .and(Author::country.eq("uk")),
        )
        .count(&db)
        .await
        .unwrap();
    assert_eq!(rows, 2);
    assert_eq!(b.authors[0].country.as_deref(), Some("uk"));
}

async fn typed_column_selection(db: Db) {
    blog(&db).await;
    let (rows, sent) = trace::capture(async {
        Article::find()
            .join::<Author>()
            .columns((Article::title, Author::name))
            .order_by(Article::title.asc())
            .all(&db)
            .await
            .unwrap()
    })
    .await;
    let rows: Vec<(String, String)> = rows;
    assert_eq!(sent.len(), 1);
    let pairs: Vec<(&str, &str)> = rows.iter().map(|(t, n)| (t.as_str(), n.as_str())).collect();
    assert_eq!(pairs, [("a1", "Ann"), ("a2", "Ann"), ("b1", "Bob")]);

    // Expressions, nullable columns, three models, paging.
    let rows = Comment::find()
        .join::<Article>()
        .join::<Author>()
        .columns((
            Comment::body,
            Comment::stars,
            Article::votes * 2,
            Author::country,
        ))
        .filter(Article::votes.gt(5))
        .order_by(Comment::body.asc())
        .limit(2)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            ("x".to_string(), Some(5), 20, Some("uk".to_string())),
            ("y".to_string(), None, 20, Some("uk".to_string())),
        ]
    );
    // A column of a left-joined model reads as an Option.
    let rows: Vec<(String, Option<String>)> = Author::find()
        .left_join::<Article>()
        .columns((Author::name, Article::title))
        .order_by(Author::name.asc())
        .order_by(Article::title.asc())
        .all(&db)
        .await
        .unwrap();
    let last = rows.last().unwrap();
    assert_eq!((last.0.as_str(), last.1.as_deref()), ("Cy", None));
    assert_eq!(rows.len(), 4);
    // One column: rows of its type.
    let votes: Vec<i32> = Article::find()
        .join::<Author>()
        .columns(Article::votes)
        .filter(Author::name.eq("Ann"))
        .order_by(Article::votes.desc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(votes, [10, 3]);
    let top = Article::find()
        .join::<Author>()
        .columns(Author::name)
        .order_by(Article::votes.desc())
        .one(&db)
        .await
        .unwrap();
    assert_eq!(top.as_deref(), Some("Ann"));
}

async fn joins_that_cannot_be_built(db: Db) {
    blog(&db).await;
    let ((), sent) = trace::capture(async {
        // Two foreign keys from reviews to authors.
        let err = Review::find().join::<Author>().all(&db).await.unwrap_err();
        let Error::Usage(msg) = &err else {
            panic!("expected a usage error, got {err:?}")
        };
        assert!(msg.contains("several foreign keys"), "{msg}");
        assert!(
            msg.contains("j_reviews.reviewer_id -> j_authors.id"),
            "{msg}"
        );
        assert!(msg.contains("join_on::<Author, _>(..)"), "{msg}");
        // No foreign key at all.
        let err = Badge::find().join::<Author>().count(&db).await.unwrap_err();
        assert!(
            matches!(&err, Error::Usage(m) if m.contains("no foreign key links Author with Badge")),
            "{err}"
        );
        // The same table twice.
        let twice = Article::find().join::<Author>().join::<Article>();
        let err = twice.exists(&db).await.unwrap_err();
        assert!(
            matches!(&err, Error::Usage(m) if m.contains("already reads its table `j_articles`")),
            "{err}"
        );
        let err = Article::find()
            .join::<Author>()
            .left_join::<Author>()
            .stream(&db)
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{err}");
    })
    .await;
    assert_eq!(sent.len(), 0, "nothing is sent");
    // An explicit condition settles the ambiguity.
    let n = Review::find()
        .join_on::<Author, _>(Review::reviewer_id.eq(Author::id))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

async fn joins_lock_rows_in_a_transaction(db: Db) {
    blog(&db).await;
    let tx = db.begin().await.unwrap();
    let rows = Author::find()
        .left_join::<Article>()
        .filter(Author::name.ne("Bob"))
        .for_update()
        .all(&tx)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let pairs = Article::find()
        .join::<Author>()
        .for_update()
        .count(&tx)
        .await
        .unwrap();
    assert_eq!(pairs, 3);
    tx.commit().await.unwrap();
}
