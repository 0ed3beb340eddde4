//! A blog for the loading and keyset tests: authors write posts and
//! comments, posts carry tags through `post_tags`.

use alembix::{Db, Model};
use chrono::NaiveDateTime;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "blog_posts")]
pub struct BlogPost {
    pub id: i64,
    #[column(references = "authors.id", index)]
    pub author_id: i64,
    #[column(max_length = 200, unique)]
    pub slug: String,
    pub created_at: NaiveDateTime,
    pub score: i32,
    pub subtitle: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "comments")]
pub struct Comment {
    pub id: i64,
    #[column(references = "blog_posts.id", on_delete = "cascade", index)]
    pub post_id: i64,
    #[column(references = "authors.id", index)]
    pub author_id: i64,
    pub body: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "tags")]
pub struct Tag {
    pub id: i64,
    #[column(max_length = 50, unique)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "post_tags", primary_key(columns = "post_id, tag_id"))]
pub struct PostTag {
    #[column(references = "blog_posts.id", on_delete = "cascade")]
    pub post_id: i64,
    #[column(references = "tags.id", on_delete = "cascade")]
    pub tag_id: i64,
}

/// Two foreign keys to `authors`: loading through it is ambiguous.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "follows", primary_key(columns = "follower_id, followed_id"))]
pub struct Follow {
    #[column(references = "authors.id")]
    pub follower_id: i64,
    #[column(references = "authors.id")]
    pub followed_id: i64,
}

/// Creates the blog's tables.
pub async fn create_blog(db: &Db) {
    db.create_all(&[
        Author::table(),
        BlogPost::table(),
        Comment::table(),
        Tag::table(),
        PostTag::table(),
        Follow::table(),
    ])
    .await
    .expect("create the blog tables");
}

/// A timestamp `minutes` after a fixed start.
pub fn at(minutes: i64) -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2024, 3, 1)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap()
        + chrono::Duration::minutes(minutes)
}
