use alembix::Model;

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
    votes: i32,
}

fn main() {
    // A text column of the joined model compared with a number,
    let _ = Post::find().join::<Author>().filter(Author::name.eq(3));
    // ... and columns of two models with different types.
    let _ = Post::find().join::<Author>().filter(Post::votes.eq(Author::name));
}
