//! `alembix heads`: the head revisions.

use super::Project;
use crate::args::Format;
use crate::error::Res;

/// Lists the heads. Reads the files only: it never connects.
pub(crate) async fn run(p: &Project, verbose: bool, format: Format) -> Res<i32> {
    let heads = p.m.graph.heads();
    p.list(&heads, &[], verbose, format, &[]);
    Ok(0)
}
