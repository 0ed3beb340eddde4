//! The Alembix side: the models as a user declares them and the queries as
//! a user writes them.

use alembix::{Db, Model, children, parent};

use crate::side_sqlx::join_params;
use crate::{JoinRow, Nested, PARENTS, Res};

#[derive(Model, Debug, Clone)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
    pub active: bool,
}

#[derive(Model, Debug, Clone)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    #[column(references = "authors.id")]
    pub author_id: i64,
    #[column(max_length = 200)]
    pub title: String,
    pub votes: i32,
}

#[derive(Model, Debug, Clone)]
#[model(table = "comments")]
pub struct Comment {
    pub id: i64,
    #[column(references = "posts.id", index)]
    pub post_id: i64,
    #[column(references = "authors.id")]
    pub author_id: i64,
    #[column(max_length = 500)]
    pub body: String,
}

pub async fn join(db: &Db, k: i32) -> Res<Vec<JoinRow>> {
    let (votes, offset) = join_params(k);
    let rows = Comment::find()
        .join::<Post>()
        .join_on::<Author, _>(Author::id.eq(Post::author_id))
        .filter(Post::votes.ge(votes).and(Author::active.eq(true)))
        .order_by(Comment::id.desc())
        .limit(20)
        .offset(offset)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(c, p, a)| JoinRow {
            comment_id: c.id,
            body: c.body,
            post_title: p.title,
            author_name: a.name,
        })
        .collect())
}

pub async fn nested(db: &Db) -> Res<Vec<Nested>> {
    let posts = Post::find()
        .order_by(Post::id.asc())
        .limit(PARENTS as u64)
        .with(children::<Comment>().with(parent::<Author>()))
        .all(db)
        .await?;
    Ok(posts
        .into_iter()
        .map(|(post, comments)| {
            let mut comments: Vec<(i64, String)> = comments
                .into_iter()
                .map(|(c, a)| (c.id, a.map(|a| a.name).unwrap_or_default()))
                .collect();
            comments.sort_unstable_by_key(|c| c.0);
            Nested {
                post_id: post.id,
                comments,
            }
        })
        .collect())
}
