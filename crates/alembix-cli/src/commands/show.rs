//! `alembix show`: one revision (or the revisions a target names).

use super::Project;
use crate::args::Format;
use crate::connect::connect;
use crate::error::Res;
use crate::output;

/// Prints the revisions `rev` resolves to.
pub(crate) async fn run(p: &Project, rev: &str, format: Format) -> Res<i32> {
    let g = &p.m.graph;
    let rows = p.optional_current().await?;
    let ids = g.resolve(rev, &rows)?;
    let log = match p.cfg.database_url.as_deref() {
        Some(_) => p.m.log(&connect(&p.cfg).await?).await?,
        None => Vec::new(),
    };
    for id in ids {
        let r = g.get(&id).expect("resolved ids exist");
        match format {
            Format::Json => p.out.json(&output::revision_json(g, r, &rows, Some(&log))),
            Format::Text => p.out.block(&output::verbose_block(g, r, &rows, &log)),
        }
    }
    Ok(0)
}
