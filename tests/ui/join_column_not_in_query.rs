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
    title: String,
}

#[derive(Model, Debug, Clone)]
struct Tag {
    id: i64,
    label: String,
}

fn main() {
    // `Tag` is not joined: its columns cannot be used in the join's filter,
    let _ = Post::find().join::<Author>().filter(Tag::label.eq("rust"));
    // ... nor in a combined condition or an ordering,
    let _ = Post::find()
        .join::<Author>()
        .filter(Author::name.eq("Ann").and(Tag::id.eq(1)));
    let _ = Post::find().join::<Author>().order_by(Tag::label.asc());
    // ... nor selected,
    let _ = Post::find().join::<Author>().columns((Post::title, Tag::label));
    // ... nor in the condition of a join that does not bring it in.
    let _ = Post::find().join_on::<Author, _>(Tag::id.eq(Post::id));
}
