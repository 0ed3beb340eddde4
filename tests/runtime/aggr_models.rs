//! Models of the aggregate and subquery tests: authors, their articles,
//! and the comments and tags of articles.

use alembix::{Db, Model};
use rust_decimal::Decimal;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "articles")]
pub struct Article {
    pub id: i64,
    #[column(references = "authors.id")]
    pub author_id: i64,
    pub title: String,
    pub votes: i32,
    pub views: i64,
    pub score: f64,
    #[column(precision = 12, scale = 2)]
    pub price: Decimal,
    pub rating: Option<i32>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "comments")]
pub struct Comment {
    pub id: i64,
    #[column(references = "articles.id")]
    pub article_id: i64,
    pub spam: bool,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "tags")]
pub struct Tag {
    pub id: i64,
    /// Nullable: a tag may be kept for no article.
    #[column(references = "articles.id")]
    pub article_id: Option<i64>,
    pub name: String,
}

/// The articles of [`seed`]: (author, title, votes, views, score, price, rating).
pub type ArticleRow = (
    usize,
    &'static str,
    i32,
    i64,
    f64,
    &'static str,
    Option<i32>,
);

/// Ann writes three articles, Bob two, Cy none.
pub const ARTICLES: [ArticleRow; 5] = [
    (0, "a1", 1, 5_000_000_000, 0.5, "10.25", Some(4)),
    (0, "a2", 2, 5_000_000_000, 1.25, "0.10", None),
    (0, "a3", 2, 1, 2.0, "3.00", Some(2)),
    (1, "b1", 7, 10, 0.1, "1.10", Some(5)),
    (1, "b2", 9, 20, 0.2, "2.20", None),
];

/// The seeded authors (Ann, Bob, Cy) and articles (in [`ARTICLES`] order).
pub struct Seeded {
    pub authors: Vec<Author>,
    pub articles: Vec<Article>,
}

/// Creates the tables and inserts the authors and [`ARTICLES`].
pub async fn seed(db: &Db) -> Seeded {
    db.create_all(&[
        Author::table(),
        Article::table(),
        Comment::table(),
        Tag::table(),
    ])
    .await
    .unwrap();
    let mut authors = Vec::new();
    for name in ["Ann", "Bob", "Cy"] {
        let author = Author {
            id: 0,
            name: name.into(),
        };
        authors.push(author.insert(db).await.unwrap());
    }
    let mut articles = Vec::new();
    for (author, title, votes, views, score, price, rating) in ARTICLES {
        let article = Article {
            id: 0,
            author_id: authors[author].id,
            title: title.into(),
            votes,
            views,
            score,
            price: price.parse().unwrap(),
            rating,
        };
        articles.push(article.insert(db).await.unwrap());
    }
    Seeded { authors, articles }
}
