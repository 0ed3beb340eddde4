//! Loading relations without N+1: many-to-many through a join model,
//! nested loads with one statement per level, and key lists longer than the
//! backend's bind-parameter limit.

use std::collections::BTreeMap;

use alembix::relations::{Relation, children, parent, through};
use alembix::{Backend, Db, Error, Model};

use crate::backend_tests;
use crate::common::trace;
use crate::load_models::*;

backend_tests!(
    many_to_many_page_of_posts_with_tags,
    nested_load_is_one_statement_per_level,
    batches_split_long_key_lists,
    key_lists_longer_than_the_parameter_limit
);

/// Authors 0..3; post `i` by author `i % 3`; post `i` tagged with the tags
/// `t` for which `(i + t).is_multiple_of(3)` (so some posts share tags, post 4 and
/// post 1 have the same); comment `k` of post `i` by author `(i + k) % 3`,
/// post `i` having `i % 4` comments.
struct Blog {
    authors: Vec<Author>,
    posts: Vec<BlogPost>,
    tags: Vec<Tag>,
    comments: Vec<Comment>,
}

async fn blog(db: &Db, posts: usize) -> Blog {
    create_blog(db).await;
    let mut authors = Vec::new();
    for name in ["Ann", "Bob", "Cy"] {
        let a = Author {
            id: 0,
            name: name.into(),
        };
        authors.push(a.insert(db).await.unwrap());
    }
    let mut tags = Vec::new();
    for name in ["rust", "sql", "orm", "news"] {
        tags.push(
            Tag {
                id: 0,
                name: name.into(),
            }
            .insert(db)
            .await
            .unwrap(),
        );
    }
    let mut rows = Vec::new();
    let mut comments = Vec::new();
    for i in 0..posts {
        let post = BlogPost {
            id: 0,
            author_id: authors[i % 3].id,
            slug: format!("post-{i}"),
            created_at: at(i as i64),
            score: (i % 5) as i32,
            subtitle: None,
        };
        let post = post.insert(db).await.unwrap();
        for (t, tag) in tags.iter().enumerate() {
            if (i + t).is_multiple_of(3) {
                let link = PostTag {
                    post_id: post.id,
                    tag_id: tag.id,
                };
                link.insert(db).await.unwrap();
            }
        }
        for k in 0..i % 4 {
            let c = Comment {
                id: 0,
                post_id: post.id,
                author_id: authors[(i + k) % 3].id,
                body: format!("comment {k} on {i}"),
            };
            comments.push(c.insert(db).await.unwrap());
        }
        rows.push(post);
    }
    Blog {
        authors,
        posts: rows,
        tags,
        comments,
    }
}

/// The tag names of post `i` as `blog` links them, sorted.
fn tags_of(blog: &Blog, i: usize) -> Vec<String> {
    let mut names: Vec<String> = (0..blog.tags.len())
        .filter(|t| (i + t).is_multiple_of(3))
        .map(|t| blog.tags[t].name.clone())
        .collect();
    names.sort();
    names
}

fn sorted_names(tags: &[Tag]) -> Vec<String> {
    let mut names: Vec<String> = tags.iter().map(|t| t.name.clone()).collect();
    names.sort();
    names
}

async fn many_to_many_page_of_posts_with_tags(db: Db) {
    let blog = blog(&db, 9).await;
    let (page, sent) = trace::capture(async {
        BlogPost::find()
            .filter(BlogPost::score.ge(1))
            .order_by(BlogPost::id.asc())
            .limit(5)
            .with(through::<PostTag, Tag>())
            .all(&db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 2, "1 for posts + 1 for tags");
    // Posts 1, 2, 3, 4, 6 (post 5 has score 0).
    let expected: Vec<usize> = vec![1, 2, 3, 4, 6];
    let got: Vec<&str> = page.iter().map(|(p, _)| p.slug.as_str()).collect();
    let want: Vec<String> = expected.iter().map(|i| format!("post-{i}")).collect();
    assert_eq!(got, want);
    for ((post, tags), i) in page.iter().zip(&expected) {
        assert_eq!(
            sorted_names(tags),
            tags_of(&blog, *i),
            "tags of {}",
            post.slug
        );
    }
    assert!(page.iter().any(|(_, tags)| tags.len() > 1));

    // Rows already loaded, listed twice: each copy gets the tags.
    let twice = [
        blog.posts[4].clone(),
        blog.posts[0].clone(),
        blog.posts[4].clone(),
    ];
    let (tags, sent) =
        trace::capture(async { through::<PostTag, Tag>().load(&db, &twice).await.unwrap() }).await;
    assert_eq!(sent.len(), 1);
    let names: Vec<Vec<String>> = tags.iter().map(|t| sorted_names(t)).collect();
    assert_eq!(
        names,
        [tags_of(&blog, 4), tags_of(&blog, 0), tags_of(&blog, 4)]
    );
    // The other way round: the posts of each tag.
    let posts = through::<PostTag, BlogPost>()
        .load(&db, &blog.tags)
        .await
        .unwrap();
    for (t, posts) in posts.iter().enumerate() {
        let mut got: Vec<i64> = posts.iter().map(|p| p.id).collect();
        got.sort();
        let want: Vec<i64> = (0..9)
            .filter(|i| (i + t).is_multiple_of(3))
            .map(|i| blog.posts[i].id)
            .collect();
        assert_eq!(got, want, "posts of tag {t}");
    }

    // A join model with two foreign keys to the same table is ambiguous;
    // one without a key to the target cannot be loaded through.
    let err = through::<Follow, Author>()
        .load(&db, &blog.authors)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Usage(m) if m.contains("Follow") && m.contains("ambiguous")),
        "{err}"
    );
    let err = through::<Comment, Tag>()
        .load(&db, &blog.posts)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Usage(m) if m.contains("no foreign key to `tags`")),
        "{err}"
    );
}

async fn nested_load_is_one_statement_per_level(db: Db) {
    let blog = blog(&db, 12).await;
    let names: BTreeMap<i64, &str> = blog
        .authors
        .iter()
        .map(|a| (a.id, a.name.as_str()))
        .collect();
    let (posts, sent) = trace::capture(async {
        BlogPost::find()
            .order_by(BlogPost::id.asc())
            .with(children::<Comment>().with(parent::<Author>()))
            .all(&db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 3, "posts, comments, authors");
    // PostgreSQL binds the keys as one array (`= ANY($1)`), the others as
    // one parameter per key (`IN (?, ?, ...)`).
    for sql in &sent.sql()[1..] {
        let array = sql.contains("= ANY($1)");
        assert_eq!(array, db.backend() == Backend::Postgres, "{sql}");
        assert_eq!(!array, sql.contains(" IN ("), "{sql}");
    }
    assert_eq!(posts.len(), 12);
    for (i, (post, comments)) in posts.iter().enumerate() {
        assert_eq!(post, &blog.posts[i]);
        let mut want: Vec<&Comment> = blog
            .comments
            .iter()
            .filter(|c| c.post_id == post.id)
            .collect();
        want.sort_by_key(|c| c.id);
        let mut got: Vec<&(Comment, Option<Author>)> = comments.iter().collect();
        got.sort_by_key(|(c, _)| c.id);
        assert_eq!(got.len(), i % 4, "comments of post {i}");
        for ((comment, author), want) in got.into_iter().zip(want) {
            assert_eq!(comment, want);
            let author = author.as_ref().expect("every comment has an author");
            assert_eq!(author.id, comment.author_id);
            assert_eq!(author.name, names[&comment.author_id]);
        }
    }

    // Two relations at one level (a tuple): one statement each.
    let (posts, sent) = trace::capture(async {
        BlogPost::find()
            .filter(BlogPost::id.eq(blog.posts[7].id))
            .with((parent::<Author>(), through::<PostTag, Tag>()))
            .all(&db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 3);
    let (post, (author, tags)) = &posts[0];
    assert_eq!(author.as_ref().map(|a| a.id), Some(post.author_id));
    assert_eq!(sorted_names(tags), tags_of(&blog, 7));

    // No rows: only the root query; no comments: no author query.
    let ((none, first), sent) = trace::capture(async {
        let none = BlogPost::find()
            .filter(BlogPost::score.gt(100))
            .with(children::<Comment>().with(parent::<Author>()))
            .all(&db)
            .await
            .unwrap();
        let first = BlogPost::find()
            .filter(BlogPost::id.eq(blog.posts[0].id))
            .with(children::<Comment>().with(parent::<Author>()))
            .all(&db)
            .await
            .unwrap();
        (none, first)
    })
    .await;
    assert!(none.is_empty());
    assert!(first[0].1.is_empty());
    assert_eq!(sent.len(), 3);
}

async fn batches_split_long_key_lists(db: Db) {
    let blog = blog(&db, 7).await;
    let unbatched = children::<Comment>().load(&db, &blog.posts).await.unwrap();
    let (batched, sent) = trace::capture(async {
        children::<Comment>()
            .batch_size(3)
            .load(&db, &blog.posts)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 3, "7 keys in batches of 3");
    let ids = |groups: &[Vec<Comment>]| -> Vec<Vec<i64>> {
        groups
            .iter()
            .map(|g| {
                let mut ids: Vec<i64> = g.iter().map(|c| c.id).collect();
                ids.sort();
                ids
            })
            .collect()
    };
    assert_eq!(ids(&batched), ids(&unbatched));
    assert_eq!(
        batched.iter().map(Vec::len).sum::<usize>(),
        blog.comments.len()
    );

    // Parents: 3 distinct authors among 7 posts, in batches of 2.
    let (authors, sent) = trace::capture(async {
        parent::<Author>()
            .batch_size(2)
            .load(&db, &blog.posts)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 2, "3 distinct keys in batches of 2");
    for (post, author) in blog.posts.iter().zip(&authors) {
        assert_eq!(author.as_ref().map(|a| a.id), Some(post.author_id));
    }
    // Many-to-many, batches of 4: 2 statements.
    let (tags, sent) = trace::capture(async {
        through::<PostTag, Tag>()
            .batch_size(4)
            .load(&db, &blog.posts)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 2);
    for (i, tags) in tags.iter().enumerate() {
        assert_eq!(sorted_names(tags), tags_of(&blog, i));
    }
}

/// The documented bind-parameter limit of each backend.
fn documented_limit(db: &Db) -> usize {
    match db.backend() {
        Backend::Postgres | Backend::MySql => 65_535,
        Backend::Sqlite => 32_766,
    }
}

/// More distinct keys than one statement may carry: the loader splits them
/// at the backend's real limit (the rows loaded for need not be stored).
async fn key_lists_longer_than_the_parameter_limit(db: Db) {
    let blog = blog(&db, 3).await;
    let limit = documented_limit(&db);
    let max_id = blog.posts.iter().map(|p| p.id).max().unwrap();
    // Keys 1..=limit+5 (every stored post among them), each twice.
    let comments: Vec<Comment> = (1..=(limit + 5) as i64)
        .flat_map(|post_id| {
            let c = Comment {
                id: 0,
                post_id,
                author_id: 0,
                body: String::new(),
            };
            [c.clone(), c]
        })
        .collect();
    assert!(max_id <= (limit + 5) as i64);
    let (posts, sent) =
        trace::capture(async { parent::<BlogPost>().load(&db, &comments).await.unwrap() }).await;
    assert_eq!(sent.len(), 2, "limit + 5 distinct keys");
    assert_eq!(posts.len(), comments.len());
    for (c, p) in comments.iter().zip(&posts) {
        let stored = blog.posts.iter().find(|p| p.id == c.post_id);
        assert_eq!(p.as_ref(), stored, "post {}", c.post_id);
    }
    // Exactly the limit: one statement.
    let (posts, sent) = trace::capture(async {
        parent::<BlogPost>()
            .load(&db, &comments[..2 * limit])
            .await
            .unwrap()
    })
    .await;
    assert_eq!(sent.len(), 1, "limit distinct keys");
    assert_eq!(posts.iter().flatten().count(), 2 * blog.posts.len());
}
