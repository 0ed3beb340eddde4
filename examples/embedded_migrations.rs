//! An application that migrates itself at start-up: the revisions in
//! `migrations/` (at the repository root) are embedded at compile time with
//! `alembix::migrate!` and applied under the migration lock, so several
//! instances starting together still apply each revision once.
//!
//! ```text
//! cargo run --example embedded_migrations
//! ```

use alembix::migrate::EmbeddedMigrations;
use alembix::{Db, Model};

#[allow(dead_code)]
mod models;

use models::{Author, Post, PostStatus};

/// The root `migrations/` directory, embedded in the binary.
static MIGRATIONS: EmbeddedMigrations = alembix::migrate!("migrations");

#[tokio::main]
async fn main() -> Result<(), alembix::Error> {
    let dir = tempfile::tempdir().map_err(|e| alembix::Error::Usage(e.to_string()))?;
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    let db = Db::connect(&url).await?;

    println!("embedded revisions: {}", MIGRATIONS.files().len());
    println!("current before: {:?}", MIGRATIONS.current(&db).await?);

    // Four instances start at once; each runs the same start-up migration.
    let mut instances = Vec::new();
    for n in 1..=4 {
        let url = url.clone();
        instances.push(tokio::spawn(async move {
            let db = Db::connect(&url).await?;
            let steps = MIGRATIONS.upgrade(&db, "head").await?;
            Ok::<_, alembix::Error>((n, steps.len()))
        }));
    }
    for handle in instances {
        let (n, ran) = handle
            .await
            .map_err(|e| alembix::Error::Usage(e.to_string()))??;
        println!("instance {n} applied {ran} revision(s)");
    }
    let current = MIGRATIONS.current(&db).await?;
    println!(
        "current after: {current:?} (heads: {:?})",
        MIGRATIONS.heads()?
    );
    assert_eq!(current, MIGRATIONS.heads()?);

    // The tables the revisions created are the models' tables.
    let ann = Author {
        id: 0,
        name: "Ann".into(),
        email: "ann@example.com".into(),
        bio: None,
    }
    .insert(&db)
    .await?;
    let post = Post::draft(&ann, "Migrated at start-up", 1)
        .insert(&db)
        .await?;
    assert_eq!(post.status, PostStatus::Draft);
    println!("inserted {post:?}");

    // Step back one revision and forward again.
    MIGRATIONS.downgrade(&db, "-1").await?;
    println!("after downgrade -1: {:?}", MIGRATIONS.current(&db).await?);
    MIGRATIONS.upgrade(&db, "head").await?;
    println!("after upgrade head: {:?}", MIGRATIONS.current(&db).await?);
    Ok(())
}
