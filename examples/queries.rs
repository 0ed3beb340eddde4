//! The README's "Models" and "Queries" sections, run end to end.
//!
//! Every `rust` code block of those two README sections is a region of this
//! file, between a `// readme: <name>` line and a `// readme: end` line
//! (`tests/readme_code.rs` checks that they are the same text, and runs
//! [`run`] on PostgreSQL, MariaDB and SQLite). Run it on an in-memory SQLite
//! database:
//!
//! ```text
//! cargo run --example queries
//! ```

// The README spells out the nested result types for the reader.
#![allow(clippy::type_complexity)]

use alembix::{Db, Error};

// readme: models
use alembix::{DbEnum, Model};

#[rustfmt::skip]
#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
#[db_enum(name = "user_status")]            // labels: "active", "banned"
enum UserStatus { Active, Banned }

#[rustfmt::skip]
#[derive(Model, Debug, Clone)]
#[model(table = "orgs")]
struct Org {
    id: i64,                                // a field named `id` is the key
    name: String,
}

#[rustfmt::skip]
#[derive(Model, Debug, Clone)]
#[model(table = "users", index(columns = "org_id, age"), check(name = "ck_users_age", expr = "age >= 0"))]
struct User {
    #[column(primary_key)]                  // integer single-column key: auto-increment
    id: i64,
    #[column(max_length = 255, unique)]
    email: String,                          // not Option => NOT NULL
    status: UserStatus,                     // a DbEnum
    #[column(references = "orgs.id", on_delete = "cascade", index)]
    org_id: i64,
    nickname: Option<String>,               // Option => NULL
    age: i32,
    #[column(version)]                      // optimistic locking counter
    version: i32,
}
// readme: end

// readme: blog
use alembix::{Relation, children, parent, through}; // and Model, as above

#[rustfmt::skip]
#[derive(Model, Debug, Clone)]
#[model(table = "authors")]
struct Author { id: i64, name: String }
#[rustfmt::skip]
#[derive(Model, Debug, Clone)]
#[model(table = "posts")]
struct Post {
    id: i64,
    #[column(references = "authors.id")] author_id: i64,
    title: String,
    votes: i32,
    created_at: chrono::NaiveDateTime,
}
#[rustfmt::skip]
#[derive(Model, Debug, Clone)]
#[model(table = "comments")]
struct Comment {
    id: i64,
    #[column(references = "posts.id")] post_id: i64,
    #[column(references = "authors.id")] author_id: i64,
    body: String,
}
#[rustfmt::skip]
#[derive(Model, Debug, Clone)]
#[model(table = "tags")]
struct Tag { id: i64, name: String }
#[rustfmt::skip]
#[derive(Model, Debug, Clone)]
#[model(table = "post_tags", primary_key(columns = "post_id, tag_id"))]
struct PostTag { #[column(references = "posts.id")] post_id: i64, #[column(references = "tags.id")] tag_id: i64 }
#[rustfmt::skip]
#[derive(Model, Debug, Clone)]
#[model(table = "badges")]
struct Badge { id: i64, holder: String, name: String } // no foreign key
// readme: end

#[tokio::main]
async fn main() -> Result<(), Error> {
    let db = Db::connect("sqlite::memory:").await?;
    run(&db).await?;
    println!("every query of the README ran");
    Ok(())
}

/// The README's queries, in order, on `db` (an empty database).
#[rustfmt::skip]
pub async fn run(db: &Db) -> Result<(), Error> {
    let db = db.clone();
    // readme: basics
    // `db` is a Db: Db::connect("sqlite://app.db"), or postgres://..., mysql://..., mariadb://...
    db.create_all(&[Org::table(), User::table()]).await?; // tests and prototypes; migrations later

    let acme = Org { id: 0, name: "Acme".into() }.insert(&db).await?; // id 0 => generated
    let ann = User {
        id: 0, email: "ann@example.com".into(), status: UserStatus::Active,
        org_id: acme.id, nickname: None, age: 31, version: 1,
    }
    .insert(&db)
    .await?;
    let more_users: Vec<User> = (1..=3)
        .map(|i| User { id: 0, email: format!("user{i}@example.com"), age: 20 + i, ..ann.clone() })
        .collect();
    User::insert_many(&db, &more_users).await?;         // a slice of rows, few statements

    // Typed filters, ordering, paging, counting.
    let adults = User::find()
        .filter(User::age.ge(18).and(User::status.eq(UserStatus::Active)))
        .order_by(User::email.asc())
        .limit(20)
        .all(&db)
        .await?;
    let banned = User::find().filter(User::status.eq(UserStatus::Banned)).count(&db).await?;
    let one = User::get(&db, ann.id).await?;            // Error::NotFound when missing
    // User::age.eq("x") does not compile: `age` is an i32 column, and
    // User::find().filter(Org::name.eq("Acme")) does not either: `Org` is not in the query.

    // Relations along foreign keys.
    let with_org: Vec<(User, Org)> = User::find().join::<Org>().all(&db).await?;
    let orgs = Org::find().all(&db).await?;
    let members: Vec<Vec<User>> = Org::load_children::<User>(&db, &orgs).await?; // one query
    let org: Option<Org> = ann.parent::<Org>(&db).await?;

    // One atomic UPDATE ... SET age = age + 1 WHERE ...
    User::update_many().set(User::age, User::age + 1).filter(User::org_id.eq(acme.id)).exec(&db).await?;
    User::delete_many().filter(User::status.eq(UserStatus::Banned)).exec(&db).await?;

    // Transactions: committed on Ok, rolled back on Err; nested ones are savepoints.
    db.transaction(|tx| async move {
        User::update_many().set(User::status, UserStatus::Banned).filter(User::age.lt(0)).exec(&tx).await?;
        Ok::<_, Error>(())
    })
    .await?;

    // Optimistic locking: `save` writes the row only if `version` is unchanged,
    // and bumps it; otherwise Error::StaleData and nothing changes.
    let mut mine = User::get(&db, ann.id).await?;
    mine.nickname = Some("annie".into());
    match mine.save(&db).await {
        Ok(()) => {}
        Err(Error::StaleData { .. }) => { /* reload and retry */ }
        Err(e) => return Err(e),
    }
    // readme: end
    assert_eq!(adults.len(), 4);
    assert_eq!(banned, 0);
    assert_eq!(one.email, "ann@example.com");
    assert_eq!(with_org.len(), 4);
    assert_eq!(members[0].len(), 4);
    assert_eq!(org.map(|o| o.name).as_deref(), Some("Acme"));
    // readme: upsert
    // Insert ann, or on a conflict of the unique `email`, update only her age
    // and nickname; the row comes back as stored (with the id it had).
    let stored = User::upsert_by(User::email)
        .update((User::age, User::nickname))
        .exec(&db, &ann)
        .await?;
    // Or leave a stored row as it is (and get it back).
    let kept = User::upsert_by(User::email).do_nothing().exec(&db, &ann).await?;
    // readme: end

    db.create_all(&[Author::table(), Post::table(), Comment::table(), Tag::table(), PostTag::table(), Badge::table()]).await?;
    let author = Author { id: 0, name: "Ann".into() }.insert(&db).await?;
    let bob = Author { id: 0, name: "Bob".into() }.insert(&db).await?;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("a date");
    let mut all_posts = Vec::new();
    for i in 0..25 {
        let created_at = day.and_hms_opt(9, i, 0).expect("a time");
        let post = Post { id: 0, author_id: author.id, title: format!("post {i}"), votes: i as i32, created_at };
        all_posts.push(post.insert(&db).await?);
    }
    let rust = Tag { id: 0, name: "rust".into() }.insert(&db).await?;
    let sql = Tag { id: 0, name: "sql".into() }.insert(&db).await?;
    for post in &all_posts[20..] {
        Comment { id: 0, post_id: post.id, author_id: bob.id, body: "nice".into() }.insert(&db).await?;
        PostTag { post_id: post.id, tag_id: rust.id }.insert(&db).await?;
        PostTag { post_id: post.id, tag_id: sql.id }.insert(&db).await?;
    }
    Badge { id: 0, holder: "Ann".into(), name: "first post".into() }.insert(&db).await?;
    // readme: joins
    // comment -> post -> the post's author, in one query. A comment has an
    // author too, so the join to `Author` says which foreign key it follows.
    let rows: Vec<(Comment, Post, Author)> = Comment::find()
        .join::<Post>()
        .join_on::<Author, _>(Author::id.eq(Post::author_id))
        .filter(Author::name.eq("Ann").and(Post::votes.ge(10)))
        .order_by(Post::title.asc())
        .limit(20)
        .all(&db)
        .await?;
    let n = Comment::find().join::<Post>().filter(Post::votes.ge(10)).count(&db).await?;

    // Authors with their posts, or None for an author without any.
    let all: Vec<(Author, Option<Post>)> = Author::find().left_join::<Post>().all(&db).await?;

    // Typed columns of several models; a left-joined column reads as an Option.
    let titles: Vec<(String, String)> = Post::find()
        .join::<Author>()
        .columns((Post::title, Author::name))
        .all(&db)
        .await?;

    // No foreign key, or several between the same models: give the condition.
    let badges: Vec<(Author, Badge)> = Author::find()
        .join_on::<Badge, _>(Badge::holder.eq(Author::name))
        .all(&db)
        .await?;
    // readme: end
    assert_eq!((rows.len(), n, all.len(), titles.len(), badges.len()), (5, 5, 26, 25, 1));
    assert!(rows.iter().all(|(c, p, a)| c.post_id == p.id && a.name == "Ann" && p.votes >= 10));
    // readme: aggregates
    use alembix::expr::{avg, count, exists, max, not_exists, sum};
    use alembix::Projection;

    // Per org: members, total and average age, oldest; only orgs of 2 or more.
    let per_org: Vec<(i64, i64, Option<i64>, Option<f64>, Option<i32>)> = User::find()
        .select((User::org_id, count(), sum(User::age), avg(User::age), max(User::age)))
        .group_by(User::org_id)
        .having(count().ge(2))
        .order_by(count().desc())
        .all(&db)
        .await?;

    #[derive(Projection, Debug)]
    struct OrgSize { org_id: i64, members: i64 }
    let sizes: Vec<OrgSize> = User::find()
        .select((User::org_id, count()))
        .group_by(User::org_id)
        .all_as(&db)
        .await?;

    let orgs_with_users: Vec<i64> = User::find().select(User::org_id).distinct().all(&db).await?;

    // IN (SELECT ...): the subquery selects one column of the column's type.
    let banned_orgs = Org::find()
        .filter(Org::id.in_subquery(
            User::find().filter(User::status.eq(UserStatus::Banned)).select(User::org_id),
        ))
        .all(&db)
        .await?;

    // Correlated EXISTS: the subquery names the outer model, and may then read it.
    let members = User::find().correlated::<Org>().filter(User::org_id.eq(Org::id));
    let empty_orgs = Org::find().filter(not_exists(members.clone())).all(&db).await?;
    let busy_orgs = Org::find().filter(exists(members.filter(User::age.lt(18)))).all(&db).await?;

    // Scalar subqueries: the oldest users.
    let oldest = User::find()
        .filter(User::age.eq(User::find().select(max(User::age)).scalar()))
        .all(&db)
        .await?;
    // readme: end
    assert_eq!(per_org.len(), 1);
    assert_eq!((per_org[0].0, per_org[0].1), (acme.id, 4));
    assert_eq!((sizes.len(), sizes[0].org_id, sizes[0].members), (1, acme.id, 4));
    assert_eq!(orgs_with_users, vec![acme.id]);
    assert!(banned_orgs.is_empty() && empty_orgs.is_empty() && busy_orgs.is_empty());
    assert_eq!(oldest.len(), 1);
    // readme: loading
    // Posts -> their comments -> each comment's author: 3 statements in all.
    let posts: Vec<(Post, Vec<(Comment, Option<Author>)>)> = Post::find()
        .order_by(Post::id.desc())
        .limit(20)
        .with(children::<Comment>().with(parent::<Author>()))
        .all(&db)
        .await?;
    for (post, comments) in &posts {
        for (comment, author) in comments {
            println!("{}: {} wrote {}", post.title, author.as_ref().map_or("?", |a| &a.name), comment.body);
        }
    }

    // Many-to-many: SELECT tags.*, post_tags.* FROM tags JOIN post_tags ON ...
    // WHERE post_tags.post_id IN (...), grouped per post in the posts' order.
    let rows: Vec<Post> = Post::find().all(&db).await?;
    let tags: Vec<Vec<Tag>> = through::<PostTag, Tag>().load(&db, &rows).await?;

    // Two relations at one level: 1 + 2 statements.
    let with_both: Vec<(Post, (Option<Author>, Vec<Tag>))> = Post::find()
        .with((parent::<Author>(), through::<PostTag, Tag>()))
        .all(&db)
        .await?;
    // readme: end
    // readme: keyset
    use alembix::{Cursor, Page};

    let query = Post::find()
        .filter(Post::author_id.eq(author.id))
        .keyset((Post::created_at.desc_key(), Post::id.desc_key())) // directions may be mixed
        .size(20);
    let first: Page<Post> = query.clone().fetch(&db).await?;       // first.rows, first.next, first.prev
    // A cursor is opaque, URL-safe text: put it in a link, parse it back.
    let link = first.next.as_ref().map(|c| format!("/posts?after={c}"));
    let after_param = link.as_deref().and_then(|l| l.strip_prefix("/posts?after=")).unwrap_or("");
    let after: Cursor = after_param.parse()?;                       // Error::Usage when malformed
    let second = query.clone().after(after).fetch(&db).await?;
    let back = query.before(second.prev.clone()).fetch(&db).await?; // rows still newest first
    // readme: end
    assert_eq!(posts.len(), 20);
    assert_eq!(posts[0].1.len(), 1);
    assert_eq!(posts[0].1[0].1.as_ref().map(|a| a.name.as_str()), Some("Bob"));
    assert_eq!(tags.iter().map(Vec::len).sum::<usize>(), 10);
    assert_eq!(with_both.len(), 25);
    assert_eq!((first.rows.len(), second.rows.len(), back.rows.len()), (20, 5, 20));
    assert_eq!(back.rows[0].id, first.rows[0].id);
    assert_eq!((stored.id, stored.age, stored.nickname.as_deref()), (ann.id, 31, None));
    assert_eq!((kept.id, kept.age), (ann.id, 31));
    Ok(())
}
