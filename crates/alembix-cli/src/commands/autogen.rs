//! `alembix autogen`: compares the models with the database and writes a
//! revision with the difference.

use alembix_migrate::Error as EngineError;
use alembix_schema::Op;
use alembix_schema::plan::RenderOptions;

use super::{Project, Refuse, compare, write_revision};
use crate::args::NewRevisionArgs;
use crate::connect::connect;
use crate::error::{CliError, Res};

/// What `autogen` accepts that it refuses by default.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Allow {
    /// Model files that hold no model (`--allow-empty`).
    pub empty: bool,
    /// A revision that drops every table (`--allow-drop-all`).
    pub drop_all: bool,
}

/// The tables dropped when the ops drop every table the database holds
/// (and create or rename none): the revision would empty the database.
fn drops_every_table(d: &alembix_autogen::diff::Diff) -> Option<Vec<String>> {
    let dropped: Vec<String> = d
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::DropTable { table } => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    let all =
        !d.current.tables.is_empty() && d.current.tables.iter().all(|t| dropped.contains(&t.name));
    all.then_some(dropped)
}

/// Writes the revision (placed as `new` says), or says that nothing
/// changed.
pub(crate) async fn run(
    p: &Project,
    message: String,
    new: &NewRevisionArgs,
    allow: Allow,
) -> Res<i32> {
    let (m, cfg, out) = (&p.m, &p.cfg, &p.out);
    let dir = cfg.version_path(new.version_path.as_deref())?;
    let db = connect(cfg).await?;
    let rows = m.current(&db).await?;
    // The database must be at every head, or the difference would repeat
    // revisions not yet applied; with several (labelled) heads, --head
    // says which one the revision continues.
    m.graph.require_head(&rows).map_err(|e| match e {
        EngineError::NotAtHead { .. } => CliError::AutogenNotAtHead(e),
        other => other.into(),
    })?;
    if m.graph.heads().len() > 1 && new.head.is_none() {
        return Err(CliError::AutogenWhichHead {
            heads: m.graph.head_summaries(),
        });
    }
    let refuse = Refuse {
        empty: !allow.empty,
        unfilled: true,
    };
    let d = compare(cfg, &db, refuse).await?;
    if !allow.drop_all
        && let Some(tables) = drops_every_table(&d)
    {
        return Err(CliError::DropsEveryTable { tables });
    }
    for n in &d.notes {
        out.warn(n);
    }
    if d.ops.is_empty() {
        out.line("No changes detected: the database matches the models; nothing written");
        return Ok(0);
    }
    let opts = RenderOptions {
        online_ddl: cfg.online_ddl,
        step_statements: cfg.statements_per_step,
    };
    let sections = alembix_autogen::autogen::render_sections_with(&d, db.dialect(), &opts)?;
    let mut rev = m.graph.new_revision(new.revision(message))?;
    rev.upgrade = sections.upgrade;
    rev.downgrade = sections.downgrade;
    rev.transactional = sections.transactional;
    // The SQL is this backend's: running it on another is an error.
    rev.dialect = Some(db.dialect());
    let path = write_revision(&dir, &rev)?;
    super::post_write(p, &path);
    for op in &d.ops {
        out.line(&format!("  {}", alembix_autogen::autogen::describe(op)));
    }
    for (_, w) in &d.warnings {
        out.warn(w);
    }
    out.line(&format!("Generating {} ... done", path.display()));
    Ok(0)
}
