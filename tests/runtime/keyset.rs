//! Keyset pagination: forward and backward through every page, mixed
//! directions, and the keysets and cursors that are refused.

use alembix::query::{Cursor, Keyset, Page};
use alembix::{Db, Error, Model, Value};

use crate::backend_tests;
use crate::common::trace;
use crate::load_models::*;

backend_tests!(
    forward_through_every_page,
    backward_through_every_page,
    mixed_directions,
    unusable_keysets_are_refused,
    malformed_cursors_are_refused
);

/// 23 posts, three per minute (so `created_at` has ties), scores cycling
/// through 0..4.
async fn posts(db: &Db) -> Vec<BlogPost> {
    create_blog(db).await;
    let author = Author {
        id: 0,
        name: "Ann".into(),
    }
    .insert(db)
    .await
    .unwrap();
    let rows: Vec<BlogPost> = (0..23)
        .map(|i| BlogPost {
            id: 0,
            author_id: author.id,
            slug: format!("post-{:02}", (i * 7) % 23),
            created_at: at(i / 3),
            score: (i % 4) as i32,
            subtitle: None,
        })
        .collect();
    BlogPost::insert_many(db, &rows).await.unwrap();
    BlogPost::find().all(db).await.unwrap()
}

fn ids(rows: &[BlogPost]) -> Vec<i64> {
    rows.iter().map(|p| p.id).collect()
}

/// Fetches one page, checking that it took one statement.
async fn page(db: &Db, q: Keyset<BlogPost>) -> Page<BlogPost> {
    let (page, sent) = trace::capture(async { q.fetch(db).await.unwrap() }).await;
    assert_eq!(sent.len(), 1, "a page is one statement");
    page
}

/// Follows `next` from the first page to the last; the pages.
async fn all_pages_forward(db: &Db, q: &Keyset<BlogPost>) -> Vec<Page<BlogPost>> {
    let mut pages: Vec<Page<BlogPost>> = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let p = page(db, q.clone().after(cursor.clone())).await;
        assert_eq!(
            p.prev.is_some(),
            cursor.is_some(),
            "prev on page {}",
            pages.len()
        );
        cursor = p.next.clone();
        pages.push(p);
        if cursor.is_none() {
            return pages;
        }
    }
}

/// Follows `prev` from `last` back to the first page; the pages, first to last.
async fn all_pages_backward(
    db: &Db,
    q: &Keyset<BlogPost>,
    last: Page<BlogPost>,
) -> Vec<Page<BlogPost>> {
    let mut pages = vec![last];
    while let Some(prev) = pages.last().unwrap().prev.clone() {
        let p = page(db, q.clone().before(prev)).await;
        assert!(p.next.is_some(), "a page before another has a next page");
        pages.push(p);
    }
    pages.reverse();
    pages
}

fn rows_of(pages: &[Page<BlogPost>]) -> Vec<i64> {
    pages.iter().flat_map(|p| ids(&p.rows)).collect()
}

async fn forward_through_every_page(db: Db) {
    posts(&db).await;
    let full = BlogPost::find()
        .order_by(BlogPost::created_at.desc())
        .order_by(BlogPost::id.desc())
        .all(&db)
        .await
        .unwrap();
    let q = BlogPost::find()
        .order_by(BlogPost::score.asc()) // replaced by the keyset's order
        .keyset((BlogPost::created_at.desc_key(), BlogPost::id.desc_key()))
        .size(5);
    let pages = all_pages_forward(&db, &q).await;
    let sizes: Vec<usize> = pages.iter().map(|p| p.rows.len()).collect();
    assert_eq!(sizes, [5, 5, 5, 5, 3]);
    assert_eq!(rows_of(&pages), ids(&full));

    // With a filter, and a page size that divides the rows exactly: the last
    // full page still knows there is nothing after it.
    let filtered: Vec<i64> = full.iter().filter(|p| p.score >= 2).map(|p| p.id).collect();
    assert_eq!(filtered.len(), 11);
    let q = BlogPost::find()
        .filter(BlogPost::score.ge(2))
        .keyset((BlogPost::created_at.desc_key(), BlogPost::id.desc_key()))
        .size(11);
    let pages = all_pages_forward(&db, &q).await;
    assert_eq!(pages.len(), 1);
    assert_eq!(ids(&pages[0].rows), filtered);
    // One key alone (the primary key).
    let q = BlogPost::find().keyset(BlogPost::id.asc_key()).size(10);
    let mut all = ids(&full);
    all.sort();
    assert_eq!(rows_of(&all_pages_forward(&db, &q).await), all);
}

async fn backward_through_every_page(db: Db) {
    posts(&db).await;
    let full = BlogPost::find()
        .order_by(BlogPost::created_at.asc())
        .order_by(BlogPost::id.asc())
        .all(&db)
        .await
        .unwrap();
    let full = ids(&full);
    let q = BlogPost::find()
        .keyset((BlogPost::created_at.asc_key(), BlogPost::id.asc_key()))
        .size(4);
    let forward = all_pages_forward(&db, &q).await;
    assert_eq!(forward.len(), 6);
    let backward = all_pages_backward(&db, &q, forward.last().unwrap().clone()).await;
    assert_eq!(backward.len(), forward.len());
    for (b, f) in backward.iter().zip(&forward) {
        assert_eq!(ids(&b.rows), ids(&f.rows), "pages are the same both ways");
    }
    assert!(backward[0].prev.is_none(), "nothing before the first page");
    assert_eq!(rows_of(&backward), full);
    // `next` of a page reached backwards leads to the page after it.
    let again = page(&db, q.clone().after(backward[2].next.clone())).await;
    assert_eq!(ids(&again.rows), ids(&forward[3].rows));

    // Before a row in the middle: the `size` rows just before it, in order.
    let row10 = BlogPost::get(&db, full[10]).await.unwrap();
    let p = page(&db, q.clone().before(q.cursor_for(&row10).unwrap())).await;
    assert_eq!(ids(&p.rows), full[6..10]);
    assert!(p.prev.is_some() && p.next.is_some());
    // Before the first row: an empty page with no cursors.
    let first = BlogPost::get(&db, full[0]).await.unwrap();
    let cursor = Cursor::encode(&[first.created_at.into(), first.id.into()]).unwrap();
    assert_eq!(cursor, q.cursor_for(&first).unwrap());
    let p = page(&db, q.before(cursor)).await;
    assert!(p.rows.is_empty() && p.prev.is_none() && p.next.is_none());
}

async fn mixed_directions(db: Db) {
    posts(&db).await;
    let full = BlogPost::find()
        .order_by(BlogPost::score.asc())
        .order_by(BlogPost::created_at.desc())
        .order_by(BlogPost::id.asc())
        .all(&db)
        .await
        .unwrap();
    let q = BlogPost::find().keyset((
        BlogPost::score.asc_key(),
        BlogPost::created_at.desc_key(),
        BlogPost::id.asc_key(),
    ));
    let q = q.size(6);
    let forward = all_pages_forward(&db, &q).await;
    assert_eq!(rows_of(&forward), ids(&full));
    let backward = all_pages_backward(&db, &q, forward.last().unwrap().clone()).await;
    assert_eq!(rows_of(&backward), ids(&full));

    // A unique column other than the key ends the keyset as well.
    let full = BlogPost::find()
        .order_by(BlogPost::score.desc())
        .order_by(BlogPost::slug.asc())
        .all(&db)
        .await
        .unwrap();
    let q = BlogPost::find()
        .keyset((BlogPost::score.desc_key(), BlogPost::slug.asc_key()))
        .size(7);
    assert_eq!(rows_of(&all_pages_forward(&db, &q).await), ids(&full));
}

fn usage(result: alembix::Result<Page<BlogPost>>) -> String {
    match result {
        Err(Error::Usage(m)) => m,
        other => panic!("expected Error::Usage, got {other:?}"),
    }
}

async fn unusable_keysets_are_refused(db: Db) {
    posts(&db).await;
    let m = usage(
        BlogPost::find()
            .keyset(BlogPost::score.asc_key())
            .fetch(&db)
            .await,
    );
    assert!(m.contains("`blog_posts.score` is not unique"), "{m}");
    let m = usage(
        BlogPost::find()
            .keyset((BlogPost::id.asc_key(), BlogPost::created_at.asc_key()))
            .fetch(&db)
            .await,
    );
    assert!(m.contains("`blog_posts.created_at` is not unique"), "{m}");
    let m = usage(
        BlogPost::find()
            .keyset((BlogPost::subtitle.asc_key(), BlogPost::id.asc_key()))
            .fetch(&db)
            .await,
    );
    assert!(m.contains("`blog_posts.subtitle` is nullable"), "{m}");
    let m = usage(
        BlogPost::find()
            .keyset(BlogPost::id.asc_key())
            .size(0)
            .fetch(&db)
            .await,
    );
    assert!(m.contains("size"), "{m}");
    let first = BlogPost::find().keyset(BlogPost::id.asc_key()).size(2);
    let c = first.clone().fetch(&db).await.unwrap().next.unwrap();
    let m = usage(first.after(c.clone()).before(c).fetch(&db).await);
    assert!(m.contains("not both"), "{m}");
}

async fn malformed_cursors_are_refused(db: Db) {
    let rows = posts(&db).await;
    for text in ["not a cursor", "", "AAAA", "W1sieiIsMV1d"] {
        let err = text.parse::<Cursor>().unwrap_err();
        assert!(
            matches!(&err, Error::Usage(m) if m.starts_with("malformed keyset cursor")),
            "{text}: {err}"
        );
    }
    // A cursor of another keyset: other types, or another number of values.
    let by_slug = BlogPost::find().keyset(BlogPost::slug.asc_key()).size(3);
    let slug_cursor = by_slug.clone().fetch(&db).await.unwrap().next.unwrap();
    let by_time = BlogPost::find()
        .keyset((BlogPost::created_at.asc_key(), BlogPost::id.asc_key()))
        .size(3);
    let time_cursor = by_time.clone().fetch(&db).await.unwrap().next.unwrap();
    for (q, c) in [
        (by_time.clone(), slug_cursor),
        (by_slug.clone(), time_cursor),
    ] {
        let m = usage(q.after(c).fetch(&db).await);
        assert!(m.starts_with("malformed keyset cursor"), "{m}");
    }
    // Cursor values are bound parameters, never SQL text.
    let hostile = "post-10' OR '1'='1";
    let cursor = Cursor::encode(&[Value::from(hostile)]).unwrap();
    let decoded: Cursor = cursor.to_string().parse().unwrap();
    let page = by_slug.size(100).after(decoded).fetch(&db).await.unwrap();
    let mut want: Vec<&BlogPost> = rows.iter().filter(|p| p.slug.as_str() > hostile).collect();
    want.sort_by(|a, b| a.slug.cmp(&b.slug));
    let got: Vec<&str> = page.rows.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(
        got,
        want.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>()
    );
    assert!(!got.is_empty() && got.len() < rows.len());
}
