//! `alembix branches`: the branch points.

use alembix_migrate::Revision;

use super::Project;
use crate::args::Format;
use crate::error::Res;
use crate::output;

/// Lists the branch points; the short text form shows their children too.
/// Reads the files only: it never connects.
pub(crate) async fn run(p: &Project, verbose: bool, format: Format) -> Res<i32> {
    let rows: Vec<String> = Vec::new();
    let g = &p.m.graph;
    let points: Vec<&Revision> = g
        .revisions()
        .into_iter()
        .filter(|r| g.is_branch_point(&r.id))
        .collect();
    if format == Format::Text && !verbose {
        for r in &points {
            p.out.line(&output::short_line(g, r, &rows));
            for c in g.children(&r.id) {
                let child = g.get(c).expect("children exist");
                p.out
                    .line(&format!("  -> {}", output::short_line(g, child, &rows)));
            }
        }
        return Ok(0);
    }
    p.list(&points, &rows, verbose, format, &[]);
    Ok(0)
}
