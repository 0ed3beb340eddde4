//! The models of the example application, shared by the quickstart and the
//! embedded-migrations example. `migrations/` at the repository root holds
//! the revisions that create these tables (for SQLite); `alembix.toml` at the
//! root points autogen at this file.

use alembix::{DbEnum, Model};

/// A database enum: a named enum type on PostgreSQL, `ENUM(...)` on MySQL,
/// text with a CHECK on SQLite. Labels are the variant names in snake_case.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
#[db_enum(name = "post_status")]
pub enum PostStatus {
    Draft,
    Published,
}

#[derive(Model, Debug, Clone)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64, // a field named `id` is the primary key; 0 on insert = generated
    #[column(max_length = 100)]
    pub name: String,
    #[column(max_length = 255, unique)]
    pub email: String,
    pub bio: Option<String>, // Option => NULL allowed
}

#[derive(Model, Debug, Clone)]
#[model(table = "posts", index(columns = "author_id, votes"))]
pub struct Post {
    pub id: i64,
    #[column(references = "authors.id", on_delete = "cascade")]
    pub author_id: i64,
    #[column(max_length = 200)]
    pub title: String,
    pub status: PostStatus,
    #[column(default = "0")]
    pub votes: i32,
    #[column(version)] // optimistic locking: `save` checks and bumps it
    pub version: i32,
}

impl Post {
    /// A new draft post by `author`.
    pub fn draft(author: &Author, title: &str, votes: i32) -> Post {
        Post {
            id: 0,
            author_id: author.id,
            title: title.into(),
            status: PostStatus::Draft,
            votes,
            version: 1,
        }
    }
}
