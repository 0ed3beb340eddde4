//! `alembix heads`: the head revisions.

use super::Project;
use crate::args::Format;
use crate::error::Res;

/// Lists the heads, marking the current ones when a database is configured.
pub(crate) async fn run(p: &Project, verbose: bool, format: Format) -> Res<i32> {
    let rows = p.optional_current().await?;
    let heads = p.m.graph.heads();
    p.list(&heads, &rows, verbose, format, &[]);
    Ok(0)
}
