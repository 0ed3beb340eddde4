//! Subqueries: `IN` / `NOT IN`, correlated `EXISTS` / `NOT EXISTS`, and
//! scalar subqueries in filters and select lists, one statement each.

use alembix::expr::{count, exists, max, not_exists, sum};
use alembix::{Db, Model};

use crate::aggr_models::*;
use crate::backend_tests;
use crate::common::trace;

backend_tests!(in_and_not_in_subquery, correlated_exists, scalar_subqueries,);

/// Comments (article title, spam) and tags (article title, name) of the tests.
const COMMENTS: [(&str, bool); 4] = [("a1", false), ("a2", true), ("b1", false), ("b1", false)];
const TAGS: [(Option<&str>, &str); 4] = [
    (Some("a1"), "rust"),
    (Some("b2"), "rust"),
    (Some("a1"), "sql"),
    (None, "rust"),
];

async fn seed_all(db: &Db) -> Seeded {
    let seeded = seed(db).await;
    let id_of = |title: &str| {
        seeded
            .articles
            .iter()
            .find(|a| a.title == title)
            .map(|a| a.id)
            .unwrap()
    };
    for (title, spam) in COMMENTS {
        let comment = Comment {
            id: 0,
            article_id: id_of(title),
            spam,
        };
        comment.insert(db).await.unwrap();
    }
    for (title, name) in TAGS {
        let tag = Tag {
            id: 0,
            article_id: title.map(id_of),
            name: name.into(),
        };
        tag.insert(db).await.unwrap();
    }
    seeded
}

/// The titles of `articles`, in order.
fn titles(articles: &[Article]) -> Vec<&str> {
    articles.iter().map(|a| a.title.as_str()).collect()
}

async fn in_and_not_in_subquery(db: Db) {
    seed_all(&db).await;
    let tagged_rust = || {
        Tag::find()
            .filter(Tag::name.eq("rust"))
            .select(Tag::article_id)
    };
    let (rust, sent) = trace::capture(async {
        Article::find()
            .filter(Article::id.in_subquery(tagged_rust()))
            .order_by(Article::title.asc())
            .all(&db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 1, "one statement");
    assert_eq!(titles(&rust), ["a1", "b2"]);

    // The NULL article of the orphan tag would make NOT IN unknown.
    let not_rust = Article::find()
        .filter(Article::id.not_in_subquery(tagged_rust().filter(Tag::article_id.is_not_null())))
        .order_by(Article::title.asc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(titles(&not_rust), ["a2", "a3", "b1"]);

    // A subquery of an aggregate-filtered group, combined with a filter.
    let prolific = Article::find()
        .select(Article::author_id)
        .group_by(Article::author_id)
        .having(count().ge(3));
    let names: Vec<String> = Author::find()
        .filter(
            Author::id
                .in_subquery(prolific)
                .and(Author::name.like("A%")),
        )
        .select(Author::name)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(names, ["Ann"]);
}

async fn correlated_exists(db: Db) {
    seed_all(&db).await;
    let comments = || {
        Comment::find()
            .correlated::<Article>()
            .filter(Comment::article_id.eq(Article::id))
    };
    let (discussed, sent) = trace::capture(async {
        Article::find()
            .filter(exists(comments().filter(Comment::spam.eq(false))))
            .order_by(Article::title.asc())
            .all(&db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 1, "one statement");
    assert_eq!(titles(&discussed), ["a1", "b1"]);

    let silent = Article::find()
        .filter(not_exists(comments()))
        .order_by(Article::title.asc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(titles(&silent), ["a3", "b2"]);

    // A correlated condition combined with one on the outer model.
    let popular_authors: Vec<String> = Author::find()
        .filter(
            exists(
                Article::find()
                    .correlated::<Author>()
                    .filter(Article::author_id.eq(Author::id).and(Article::votes.ge(7))),
            )
            .or(Author::name.eq("Cy")),
        )
        .select(Author::name)
        .order_by(Author::name.asc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(popular_authors, ["Bob", "Cy"]);

    // An uncorrelated EXISTS holds for every row or none.
    let none = Author::find()
        .filter(exists(Comment::find().filter(Comment::id.lt(0))))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(none, 0);
}

async fn scalar_subqueries(db: Db) {
    let seeded = seed_all(&db).await;
    let ann = seeded.authors[0].id;
    let top_votes = ARTICLES.iter().map(|a| a.2).max().unwrap();
    let (top, sent) = trace::capture(async {
        Article::find()
            .filter(Article::votes.eq(Article::find().select(max(Article::votes)).scalar()))
            .all(&db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 1, "one statement");
    assert_eq!(top.len(), 1);
    assert_eq!(top[0].votes, top_votes);

    let anns_best = Article::find()
        .filter(Article::author_id.eq(ann))
        .select(max(Article::votes));
    let better = Article::find()
        .filter(Article::votes.gt(anns_best.scalar()))
        .order_by(Article::title.asc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(titles(&better), ["b1", "b2"]);

    // Correlated scalar subqueries in the select list, one per author.
    let of_author = || {
        Article::find()
            .correlated::<Author>()
            .filter(Article::author_id.eq(Author::id))
    };
    let (rows, sent) = trace::capture(async {
        let rows: Vec<(String, i64, Option<i64>)> = Author::find()
            .select((
                Author::name,
                of_author().select(count()).scalar(),
                of_author().select(sum(Article::views)).scalar(),
            ))
            .order_by(Author::id.asc())
            .all(&db)
            .await
            .unwrap();
        rows
    })
    .await;
    assert_eq!(sent.len(), 1, "one statement");
    let expected: Vec<(String, i64, Option<i64>)> = seeded
        .authors
        .iter()
        .enumerate()
        .map(|(i, author)| {
            let views: Vec<i64> = ARTICLES.iter().filter(|a| a.0 == i).map(|a| a.3).collect();
            let total = (!views.is_empty()).then(|| views.iter().sum());
            (author.name.clone(), views.len() as i64, total)
        })
        .collect();
    assert_eq!(rows, expected);
}
