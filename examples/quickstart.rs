//! A tour of Alembix on a SQLite file: models, inserts, typed queries,
//! relations, bulk updates, transactions and optimistic locking.
//!
//! Run it from the repository root (no database server needed):
//!
//! ```text
//! cargo run --example quickstart
//! RUST_LOG=alembix=debug cargo run --example quickstart   # and every SQL statement
//! ```

use alembix::{Db, Error, Model};

mod models;

use models::{Author, Post, PostStatus};

/// Errors of this example: the ORM's, or our own reason to roll back.
type AppResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> AppResult<()> {
    // 0. Tracing (optional): every statement runs in an `alembix.statement`
    //    span with its SQL, rows and duration. With RUST_LOG set (e.g.
    //    `RUST_LOG=alembix=debug`), print each one to stderr as it ends.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(std::io::stderr)
            .init();
    }

    // 1. Connect and create the tables. A real application runs migrations
    //    instead; `create_all` is for tests, prototypes and examples.
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("quickstart.db").display());
    let db = Db::connect(&url).await?;
    db.create_all(&[Author::table(), Post::table()]).await?;
    println!("connected to {url} and created `authors` and `posts`");

    // 2. Insert: one row at a time (returns the row as stored, with its new
    //    id), or many rows in as few statements as the backend allows.
    let ann = Author {
        id: 0,
        name: "Ann".into(),
        email: "ann@example.com".into(),
        bio: Some("Writes about databases".into()),
    }
    .insert(&db)
    .await?;
    let bob = Author {
        id: 0,
        name: "Bob".into(),
        email: "bob@example.com".into(),
        bio: None,
    }
    .insert(&db)
    .await?;
    println!("\ninserted {ann:?}\ninserted {bob:?}");

    // Upsert on a unique key other than the primary key: Ann's email is
    // taken, so only her bio is updated; the row comes back as stored.
    let ann = Author::upsert_by(Author::email)
        .update(Author::bio)
        .exec(
            &db,
            &Author {
                id: 0,
                name: "Ann again".into(),
                email: "ann@example.com".into(),
                bio: Some("Writes about databases and Rust".into()),
            },
        )
        .await?;
    println!("upserted by email: {ann:?}");

    let posts = [
        Post::draft(&ann, "Typed queries in Rust", 42),
        Post::draft(&ann, "Why migrations need review", 17),
        Post::draft(&ann, "SQLite in production", 3),
        Post::draft(&bob, "My first post", 8),
    ];
    let n = Post::insert_many(&db, &posts).await?;
    println!("inserted {n} posts with insert_many");

    // 3. Typed queries: columns are constants on the model, and comparing a
    //    column with a value of another type does not compile.
    let popular = Post::find()
        .filter(Post::votes.ge(10))
        .order_by(Post::votes.desc())
        .limit(2)
        .all(&db)
        .await?;
    println!("\nposts with at least 10 votes, most voted first:");
    for p in &popular {
        println!("  {:>3} votes  {}", p.votes, p.title);
    }
    let by_ann = Post::find()
        .filter(Post::author_id.eq(ann.id))
        .count(&db)
        .await?;
    println!("Ann wrote {by_ann} posts");

    // 4. Relations along the foreign key: a join, and eager loading.
    let pairs = Post::find()
        .join::<Author>()
        .filter(Author::bio.is_null())
        .all(&db)
        .await?;
    println!("\nposts by authors without a bio (join):");
    for (post, author) in &pairs {
        println!("  {:?} by {}", post.title, author.name);
    }
    let authors = Author::find().order_by(Author::name.asc()).all(&db).await?;
    let their_posts = Author::load_children::<Post>(&db, &authors).await?; // one query
    println!("posts per author (eager load):");
    for (author, posts) in authors.iter().zip(&their_posts) {
        println!("  {}: {}", author.name, posts.len());
    }

    // 5. An atomic bulk update: one `UPDATE ... SET votes = votes + 1`, so
    //    concurrent voters never lose each other's votes.
    let bumped = Post::update_many()
        .set(Post::votes, Post::votes + 1)
        .set(Post::status, PostStatus::Published)
        .filter(Post::author_id.eq(ann.id))
        .exec(&db)
        .await?;
    println!("\npublished Ann's {bumped} posts and gave each one more vote");

    // 6. Transactions: committed when the closure returns Ok, rolled back
    //    when it returns Err.
    let post = Post::draft(&bob, "Written in a transaction", 0);
    db.transaction(|tx| async move {
        post.insert(&tx).await?;
        Ok::<_, Error>(())
    })
    .await?;
    println!(
        "\ncommitted transaction: Bob now has {} posts",
        Post::find()
            .filter(Post::author_id.eq(bob.id))
            .count(&db)
            .await?
    );

    let outcome: AppResult<()> = db
        .transaction(|tx| async move {
            let deleted = Post::delete_many().exec(&tx).await?;
            println!("inside a transaction: deleted all {deleted} posts...");
            let give_up: AppResult<()> = Err("...then changed our mind".into());
            give_up
        })
        .await;
    println!(
        "rolled back ({}): {} posts are still there",
        outcome.unwrap_err(),
        Post::find().count(&db).await?
    );

    // 7. Optimistic locking: two people edit the same post. The first save
    //    wins and bumps `version`; the second is refused, not silently lost.
    let top = popular[0].id;
    let mut alice_copy = Post::get(&db, top).await?;
    let mut carol_copy = alice_copy.clone();

    alice_copy.title = "Typed queries in Rust (updated)".into();
    alice_copy.save(&db).await?;
    println!(
        "\nfirst editor saved {:?}, version is now {}",
        alice_copy.title, alice_copy.version
    );

    carol_copy.title = "Typed queries in Rust, take two".into();
    match carol_copy.save(&db).await {
        Err(Error::StaleData { model, version }) => {
            println!("second editor got StaleData: {model} moved on since version {version}");
            let fresh = Post::get(&db, top).await?;
            println!("stored title is still {:?}", fresh.title);
        }
        other => return Err(format!("expected StaleData, got {other:?}").into()),
    }

    // 8. Deleting an author cascades to their posts (on_delete = "cascade").
    bob.delete(&db).await?;
    println!(
        "\ndeleted Bob; {} posts remain, all by Ann",
        Post::find().count(&db).await?
    );

    db.close().await;
    println!("{NEXT_STEPS}");
    Ok(())
}

/// What to do next, printed at the end of the tour.
const NEXT_STEPS: &str = "
next steps in your own project (alembix: cargo install --path crates/alembix-cli):
  alembix init                        # alembix.toml and migrations/
  alembix database create             # the database alembix.toml names (a SQLite file too)
  # write your models: #[derive(Model)] structs, as in examples/models/
  alembix autogen -m \"create posts\"   # a revision from the models; review it
  alembix upgrade                     # apply it to the database
  alembix check                       # exit 0 when models, revisions and database agree
a whole service built this way: examples/axum_service";
