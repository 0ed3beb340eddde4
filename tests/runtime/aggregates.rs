//! Grouping and aggregates read into tuples and derived projections,
//! `having`, `distinct`: exact values on every backend, one statement each.

use std::collections::BTreeMap;

use alembix::expr::{avg, count, count_distinct, max, min, sum};
use alembix::{Db, Error, Model, Projection};
use rust_decimal::Decimal;

use crate::aggr_models::*;
use crate::backend_tests;
use crate::common::trace;

backend_tests!(
    group_by_into_tuples,
    sums_keep_their_type,
    having_and_order_by_aggregates,
    into_projection_structs,
    aggregates_over_no_rows,
    distinct_rows,
    decode_error_names_projection_field,
);

/// The votes of each author's articles, from [`ARTICLES`].
fn votes_by_author(seeded: &Seeded) -> BTreeMap<i64, Vec<i32>> {
    let mut by_author: BTreeMap<i64, Vec<i32>> = BTreeMap::new();
    for (author, _, votes, ..) in ARTICLES {
        by_author
            .entry(seeded.authors[author].id)
            .or_default()
            .push(votes);
    }
    by_author
}

/// `(author, count, sum, avg, min, max)` of each author's votes.
type VoteStats = (i64, i64, Option<i64>, Option<f64>, Option<i32>, Option<i32>);

async fn group_by_into_tuples(db: Db) {
    let seeded = seed(&db).await;
    let (rows, sent) = trace::capture(async {
        let rows: Vec<VoteStats> = Article::find()
            .select((
                Article::author_id,
                count(),
                sum(Article::votes),
                avg(Article::votes),
                min(Article::votes),
                max(Article::votes),
            ))
            .group_by(Article::author_id)
            .order_by(Article::author_id.asc())
            .all(&db)
            .await
            .unwrap();
        rows
    })
    .await;
    assert_eq!(sent.len(), 1, "one statement");
    let expected: Vec<VoteStats> = votes_by_author(&seeded)
        .into_iter()
        .map(|(author, votes)| {
            let total: i64 = votes.iter().map(|v| i64::from(*v)).sum();
            (
                author,
                votes.len() as i64,
                Some(total),
                // Averaged as doubles everywhere: 5 / 3 is not rounded.
                Some(total as f64 / votes.len() as f64),
                votes.iter().copied().min(),
                votes.iter().copied().max(),
            )
        })
        .collect();
    assert_eq!(rows, expected);
    assert_eq!(
        expected[0].3,
        Some(5.0 / 3.0),
        "the seed has a repeating average"
    );
}

/// Sums of views, scores and prices, average price, distinct votes.
type Sums = (Option<i64>, Option<f64>, Option<Decimal>, Option<f64>, i64);

async fn sums_keep_their_type(db: Db) {
    let seeded = seed(&db).await;
    let ann = seeded.authors[0].id;
    let (row, sent) = trace::capture(async {
        let row: Option<Sums> = Article::find()
            .filter(Article::author_id.eq(ann))
            .select((
                sum(Article::views),
                sum(Article::score),
                sum(Article::price),
                avg(Article::price),
                count_distinct(Article::votes),
            ))
            .one(&db)
            .await
            .unwrap();
        row
    })
    .await;
    assert_eq!(sent.len(), 1, "one statement");
    let anns: Vec<_> = seeded
        .articles
        .iter()
        .filter(|a| a.author_id == ann)
        .collect();
    let views: i64 = anns.iter().map(|a| a.views).sum();
    assert!(
        views > i64::from(i32::MAX),
        "the sum needs 64 bits: {views}"
    );
    let score: f64 = anns.iter().map(|a| a.score).sum();
    let price: Decimal = anns.iter().map(|a| a.price).sum();
    let mut distinct_votes: Vec<i32> = anns.iter().map(|a| a.votes).collect();
    distinct_votes.sort();
    distinct_votes.dedup();
    let (views_sum, score_sum, price_sum, price_avg, votes_distinct) = row.unwrap();
    assert_eq!(views_sum, Some(views));
    assert_eq!(score_sum, Some(score));
    assert_eq!(price_sum, Some(price));
    let prices: Vec<f64> = anns
        .iter()
        .map(|a| a.price.to_string().parse().unwrap())
        .collect();
    let expected_avg = prices.iter().sum::<f64>() / prices.len() as f64;
    let got_avg = price_avg.unwrap();
    assert!((got_avg - expected_avg).abs() < 1e-9, "avg {got_avg}");
    assert_eq!(votes_distinct, distinct_votes.len() as i64);
}

async fn having_and_order_by_aggregates(db: Db) {
    let seeded = seed(&db).await;
    let rows: Vec<(i64, i64)> = Article::find()
        .select((Article::author_id, count()))
        .group_by(Article::author_id)
        .having(count().gt(2))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![(seeded.authors[0].id, 3)],
        "only Ann has more than 2"
    );

    // Ordered by an aggregate, descending; `having` on a nullable aggregate.
    let rows: Vec<(i64, Option<i32>)> = Article::find()
        .select((Article::author_id, max(Article::votes)))
        .group_by(Article::author_id)
        .having(max(Article::votes).ge(2).and(min(Article::votes).ge(1)))
        .order_by(max(Article::votes).desc())
        .all(&db)
        .await
        .unwrap();
    let expected = vec![
        (seeded.authors[1].id, Some(9)),
        (seeded.authors[0].id, Some(2)),
    ];
    assert_eq!(rows, expected);

    // Grouping by two columns, filtering rows before grouping.
    let rows: Vec<(i64, i32, i64)> = Article::find()
        .filter(Article::votes.lt(9))
        .select((Article::author_id, Article::votes, count()))
        .group_by(Article::author_id)
        .group_by(Article::votes)
        .order_by(Article::author_id.asc())
        .order_by(Article::votes.asc())
        .all(&db)
        .await
        .unwrap();
    let (ann, bob) = (seeded.authors[0].id, seeded.authors[1].id);
    assert_eq!(rows, vec![(ann, 1, 1), (ann, 2, 2), (bob, 7, 1)]);
}

#[derive(Projection, Debug, PartialEq)]
struct AuthorStats {
    author_id: i64,
    articles: i64,
    top: Option<i32>,
}

#[derive(Projection, Debug, PartialEq)]
struct Title(String);

async fn into_projection_structs(db: Db) {
    let seeded = seed(&db).await;
    let (stats, sent) = trace::capture(async {
        let stats: Vec<AuthorStats> = Article::find()
            .select((Article::author_id, count(), max(Article::votes)))
            .group_by(Article::author_id)
            .having(count().gt(1))
            .order_by(Article::author_id.asc())
            .all_as(&db)
            .await
            .unwrap();
        stats
    })
    .await;
    assert_eq!(sent.len(), 1, "one statement");
    let expected: Vec<AuthorStats> = votes_by_author(&seeded)
        .into_iter()
        .map(|(author_id, votes)| AuthorStats {
            author_id,
            articles: votes.len() as i64,
            top: votes.iter().copied().max(),
        })
        .collect();
    assert_eq!(stats, expected);

    let best: Option<Title> = Article::find()
        .select(Article::title)
        .order_by(Article::votes.desc())
        .one_as(&db)
        .await
        .unwrap();
    assert_eq!(best, Some(Title("b2".into())));
}

async fn aggregates_over_no_rows(db: Db) {
    seed(&db).await;
    let row = Article::find()
        .filter(Article::votes.gt(1000))
        .select((
            count(),
            sum(Article::votes),
            avg(Article::votes),
            max(Article::title),
        ))
        .one(&db)
        .await
        .unwrap();
    assert_eq!(row, Some((0, None, None, None)));
    // The NULLs of a nullable column are left out of the aggregates.
    let rated: (i64, Option<i64>, Option<i32>) = Article::find()
        .select((
            count_distinct(Article::rating),
            sum(Article::rating),
            min(Article::rating),
        ))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let ratings: Vec<i32> = ARTICLES.iter().filter_map(|a| a.6).collect();
    assert_eq!(
        rated,
        (
            ratings.len() as i64,
            Some(ratings.iter().map(|r| i64::from(*r)).sum()),
            ratings.iter().copied().min()
        )
    );
}

async fn distinct_rows(db: Db) {
    let seeded = seed(&db).await;
    let (authors, sent) = trace::capture(async {
        let authors: Vec<i64> = Article::find()
            .select(Article::author_id)
            .distinct()
            .order_by(Article::author_id.asc())
            .all(&db)
            .await
            .unwrap();
        authors
    })
    .await;
    assert_eq!(sent.len(), 1, "one statement");
    assert_eq!(authors, vec![seeded.authors[0].id, seeded.authors[1].id]);

    let pairs: Vec<(i64, i32)> = Article::find()
        .select((Article::author_id, Article::votes))
        .distinct()
        .order_by(Article::author_id.asc())
        .order_by(Article::votes.asc())
        .all(&db)
        .await
        .unwrap();
    let mut expected: Vec<(i64, i32)> = seeded
        .articles
        .iter()
        .map(|a| (a.author_id, a.votes))
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(
        pairs.len(),
        seeded.articles.len() - 1,
        "Ann's 2 votes twice"
    );
    assert_eq!(pairs, expected);

    // On a model query: the whole rows (here all different).
    let all = Author::find()
        .distinct()
        .order_by(Author::id.asc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(all, seeded.authors);
}

#[derive(Projection, Debug)]
struct WrongDecode {
    #[allow(dead_code)]
    name: i32,
}

async fn decode_error_names_projection_field(db: Db) {
    seed(&db).await;
    // An `Expr` of the wrong Rust type can only come from raw SQL: a text
    // value read as an integer fails with the field's name.
    let title_as_int: alembix::Expr<i32> = alembix::Expr::raw("MIN(title)", []);
    let err = Article::find()
        .select(title_as_int)
        .all_as::<WrongDecode>(&db)
        .await
        .unwrap_err();
    match err {
        Error::Decode { model, column, .. } => {
            assert_eq!((model, column), ("WrongDecode", "name"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
