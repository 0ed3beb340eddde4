use alembix::Model;

#[derive(Model, Debug, Clone)]
struct Post {
    id: i64,
    votes: i32,
}

#[derive(Model, Debug, Clone)]
struct Tag {
    id: i64,
    name: String,
}

fn main() {
    // A column of a model the query does not include.
    let _ = Post::find().filter(Tag::name.eq("rust"));
    // ... also when it hides in a combined condition or an ordering.
    let _ = Post::find().filter(Post::votes.gt(1).and(Tag::id.eq(2)));
    let _ = Post::find().order_by(Tag::id.asc());
}
