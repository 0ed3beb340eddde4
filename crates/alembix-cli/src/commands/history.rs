//! `alembix history`: the revisions, newest first.

use super::Project;
use crate::args::Format;
use crate::connect::connect;
use crate::error::Res;

/// Lists the revisions of `rev_range` (all by default).
pub(crate) async fn run(
    p: &Project,
    rev_range: Option<&str>,
    verbose: bool,
    format: Format,
) -> Res<i32> {
    let (rows, log) = match p.cfg.database_url.as_deref() {
        Some(_) => {
            let db = connect(&p.cfg).await?;
            if let Some(h) = p.m.halfway(&db).await? {
                p.out.warn(&h.to_string());
            }
            (p.m.current(&db).await?, p.m.log(&db).await?)
        }
        None => (Vec::new(), Vec::new()),
    };
    let revs = p.m.graph.range(rev_range.unwrap_or(""), &rows)?;
    p.list(&revs, &rows, verbose, format, &log);
    Ok(0)
}
