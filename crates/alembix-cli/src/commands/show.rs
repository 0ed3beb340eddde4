//! `alembix show`: one revision (or the revisions a target names).

use super::Project;
use crate::args::Format;
use crate::error::Res;
use crate::output;

/// Prints the revisions `rev` resolves to. Reads the files only: it never
/// connects (`current` and relative targets need `history -i` or `current`).
pub(crate) async fn run(p: &Project, rev: &str, format: Format) -> Res<i32> {
    let g = &p.m.graph;
    let rows: Vec<String> = Vec::new();
    let ids = g.resolve(rev, &rows)?;
    let log = Vec::new();
    for id in ids {
        let r = g.get(&id).expect("resolved ids exist");
        match format {
            Format::Json => p.out.json(&output::revision_json(g, r, &rows, Some(&log))),
            Format::Text => p.out.block(&output::verbose_block(g, r, &rows, &log)),
        }
    }
    Ok(0)
}
