//! `alembix baseline -m MSG`: adopt a database that has tables but no
//! version table. Writes a base revision whose upgrade creates the schema
//! as the database holds it (for new environments: tests, staging, a
//! developer's laptop) and stamps the database at it, in one command.

use alembix_autogen::autogen::render_sections_with;
use alembix_autogen::diff::{DiffOptions, diff};
use alembix_migrate::graph::NewRevision;
use alembix_migrate::{Migrator, RevisionGraph};
use alembix_schema::Schema;
use alembix_schema::plan::RenderOptions;

use super::{Project, write_revision};
use crate::connect::connect;
use crate::error::{CliError, Res};

fn refuse(message: String) -> CliError {
    CliError::from(alembix_migrate::Error::Usage(message))
}

/// Writes the base revision of the live schema and stamps the database.
pub(crate) async fn run(p: &Project, message: String) -> Res<i32> {
    let (m, cfg, out) = (&p.m, &p.cfg, &p.out);
    if !m.graph.is_empty() {
        return Err(refuse(format!(
            "the script directory already holds revisions (heads: {}); baseline starts a project: use `alembix autogen` for changes, or `alembix stamp REV` to mark a database as at a revision",
            m.graph
                .heads()
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let db = connect(cfg).await?;
    let has_version_table = async {
        db.pool()
            .acquire()
            .await?
            .table_exists(&cfg.version_table)
            .await
    }
    .await
    .map_err(alembix_migrate::Error::from)?;
    if has_version_table {
        return Err(refuse(format!(
            "the database already has the version table {}: it is under Alembix already; `alembix current` says where",
            cfg.version_table
        )));
    }
    // The live schema, as autogen reads it (Alembix's own tables and the
    // configured filters left out).
    let opts = DiffOptions {
        exclude_tables: cfg.exclude_tables.clone(),
        schemas: cfg.schemas.clone(),
        filters: cfg.filters.clone(),
    };
    let live = alembix_autogen::autogen::compare(
        &db,
        &Schema::default(),
        &cfg.version_table,
        &cfg.log_table,
        &opts,
    )
    .await?
    .current;
    if live.tables.is_empty() {
        return Err(refuse(
            "the database holds no table: nothing to baseline; write models and run `alembix autogen`".into(),
        ));
    }
    let dialect = db.dialect();
    let created = diff(
        &Schema::default(),
        &live,
        &live,
        dialect,
        &DiffOptions::default(),
    );
    let sections = render_sections_with(
        &created,
        dialect,
        &RenderOptions {
            online_ddl: false,
            step_statements: cfg.statements_per_step,
        },
    )?;
    let mut rev = m.graph.new_revision(NewRevision {
        message,
        head: Some("base".into()),
        ..NewRevision::default()
    })?;
    rev.upgrade = sections.upgrade;
    rev.downgrade = sections.downgrade;
    rev.transactional = sections.transactional;
    rev.dialect = Some(dialect);
    let path = write_revision(&cfg.migrations, &rev)?;
    super::post_write(p, &path);
    // Stamp with the graph that now holds the new file.
    let (graph, _) = RevisionGraph::load_dirs(&cfg.locations())?;
    let stamped = Migrator::new(graph, m.settings.clone());
    stamped
        .stamp(&db, std::slice::from_ref(&rev.id), false)
        .await?;
    db.close().await;
    out.line(&format!(
        "Generating {} ... done ({} tables, {} enum types)",
        path.display(),
        live.tables.len(),
        live.enums.len()
    ));
    out.line(&format!(
        "Stamped {}: the database is at the baseline",
        rev.id
    ));
    Ok(0)
}
