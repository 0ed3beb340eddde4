//! Models of the join tests: comment -> article -> author, reviews with two
//! foreign keys to authors, and badges with none.

use alembix::{Db, Model};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "j_authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 50)]
    pub name: String,
    #[column(max_length = 50)]
    pub country: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "j_articles")]
pub struct Article {
    pub id: i64,
    #[column(references = "j_authors.id")]
    pub author_id: i64,
    #[column(max_length = 100)]
    pub title: String,
    pub votes: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "j_comments")]
pub struct Comment {
    pub id: i64,
    #[column(references = "j_articles.id")]
    pub article_id: i64,
    #[column(max_length = 100)]
    pub body: String,
    pub stars: Option<i32>,
}

/// Two foreign keys to authors: joining `Author` needs a condition.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "j_reviews")]
pub struct Review {
    pub id: i64,
    #[column(references = "j_authors.id")]
    pub reviewer_id: i64,
    #[column(references = "j_authors.id")]
    pub subject_id: i64,
}

/// No foreign key: joined by name only.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "j_badges")]
pub struct Badge {
    pub id: i64,
    #[column(max_length = 50)]
    pub holder: String,
    #[column(max_length = 50)]
    pub label: String,
}

/// The blog of the join tests:
/// * Ann (uk): "a1" (10 votes, comments "x" 5 stars and "y" no stars), "a2" (3 votes, no comment);
/// * Bob (no country): "b1" (7 votes, comment "z" 2 stars);
/// * Cy (fr): no article.
pub struct Blog {
    pub authors: Vec<Author>,
    pub articles: Vec<Article>,
    pub comments: Vec<Comment>,
}

pub async fn blog(db: &Db) -> Blog {
    db.create_all(&[
        Author::table(),
        Article::table(),
        Comment::table(),
        Review::table(),
        Badge::table(),
    ])
    .await
    .expect("create_all");
    let mut authors = Vec::new();
    for (name, country) in [("Ann", Some("uk")), ("Bob", None), ("Cy", Some("fr"))] {
        let a = Author {
            id: 0,
            name: name.into(),
            country: country.map(Into::into),
        };
        authors.push(a.insert(db).await.unwrap());
    }
    let mut articles = Vec::new();
    for (a, title, votes) in [(0, "a1", 10), (0, "a2", 3), (1, "b1", 7)] {
        let row = Article {
            id: 0,
            author_id: authors[a].id,
            title: title.into(),
            votes,
        };
        articles.push(row.insert(db).await.unwrap());
    }
    let mut comments = Vec::new();
    for (p, body, stars) in [(0, "x", Some(5)), (0, "y", None), (2, "z", Some(2))] {
        let row = Comment {
            id: 0,
            article_id: articles[p].id,
            body: body.into(),
            stars,
        };
        comments.push(row.insert(db).await.unwrap());
    }
    Blog {
        authors,
        articles,
        comments,
    }
}
