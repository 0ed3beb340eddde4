//! `alembix history`: the revisions, newest first.

use super::Project;
use crate::args::Format;
use crate::connect::connect;
use crate::error::Res;

/// Lists the revisions of `rev_range` (all by default). Reads the files
/// only, unless `indicate_current` (or a range naming `current`) asks
/// where the database is: then it connects, marks the current revisions
/// and shows when each was applied.
pub(crate) async fn run(
    p: &Project,
    rev_range: Option<&str>,
    indicate_current: bool,
    verbose: bool,
    format: Format,
) -> Res<i32> {
    let names_current = rev_range.is_some_and(|r| r.split(':').any(|t| t.trim() == "current"));
    let (rows, log) = match indicate_current || names_current {
        true => {
            let db = connect(&p.cfg).await?;
            if let Some(h) = p.m.halfway(&db).await? {
                p.out.warn(&h.to_string());
            }
            (p.m.current(&db).await?, p.m.log(&db).await?)
        }
        false => (Vec::new(), Vec::new()),
    };
    let revs = p.m.graph.range(rev_range.unwrap_or(""), &rows)?;
    p.list(&revs, &rows, verbose, format, &log);
    Ok(0)
}
