use alembix::expr::{count, max};
use alembix::{Db, Model, Projection};

#[derive(Model, Debug, Clone)]
struct Post {
    id: i64,
    author_id: i64,
    votes: i32,
}

// `top` should be `Option<i32>`: `max` of an `i32` column is NULL over no rows.
#[derive(Projection)]
struct AuthorStats {
    author_id: i64,
    posts: i64,
    top: i32,
}

async fn stats(db: &Db) {
    let _ = Post::find()
        .select((Post::author_id, count(), max(Post::votes)))
        .group_by(Post::author_id)
        .all_as::<AuthorStats>(db)
        .await;
}

fn main() {
    let _ = stats;
}
