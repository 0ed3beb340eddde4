use alembix::{Db, Model};

#[derive(Model, Debug, Clone)]
struct Author {
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone)]
struct Post {
    id: i64,
    #[column(references = "author.id")]
    author_id: i64,
}

async fn posts_with_authors(db: &Db) -> alembix::Result<()> {
    // A left-joined model may be missing: its member of the row is an `Option`.
    let rows: Vec<(Post, Author)> = Post::find().left_join::<Author>().all(db).await?;
    let _ = rows;
    Ok(())
}

fn main() {
    let _ = posts_with_authors;
}
