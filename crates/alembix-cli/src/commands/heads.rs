//! `alembix heads`: the head revisions.

use super::Project;
use crate::args::Format;
use crate::error::Res;

/// Lists the heads. Reads the files only: it never connects. With
/// `resolve_dependencies`, a head another revision depends on is not a
/// head (Alembic's `--resolve-dependencies`).
pub(crate) async fn run(
    p: &Project,
    verbose: bool,
    resolve_dependencies: bool,
    format: Format,
) -> Res<i32> {
    let g = &p.m.graph;
    let mut heads = g.heads();
    if resolve_dependencies {
        // Everything some revision needs through depends_on.
        let deps: Vec<String> = g
            .revisions()
            .iter()
            .flat_map(|r| r.depends_on.iter().cloned())
            .collect();
        let needed = g.ancestors(&deps);
        heads.retain(|h| !needed.contains(&h.id));
    }
    p.list(&heads, &[], verbose, format, &[]);
    Ok(0)
}
