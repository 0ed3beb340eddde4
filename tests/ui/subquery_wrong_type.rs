use alembix::Model;

#[derive(Model, Debug, Clone)]
struct Post {
    id: i64,
    title: String,
}

#[derive(Model, Debug, Clone)]
struct Tag {
    id: i64,
    post_id: i64,
    name: String,
}

fn main() {
    // The subquery selects `String`s, compared with an `i64` column.
    let _ = Post::find().filter(Post::id.in_subquery(Tag::find().select(Tag::name)));
    // Two columns are not a subquery for `IN`.
    let _ = Post::find().filter(Post::id.in_subquery(Tag::find().select((Tag::post_id, Tag::id))));
}
