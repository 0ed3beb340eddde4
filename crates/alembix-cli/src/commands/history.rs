//! `alembix history`: the revisions, newest first.

use super::Project;
use crate::args::Format;
use crate::connect::connect;
use crate::error::{CliError, Res};

/// How `history` shows the revisions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Connect to mark the current revisions and when each ran.
    pub indicate_current: bool,
    /// Draw the graph (`--graph`).
    pub graph: bool,
    /// Each revision in full.
    pub verbose: bool,
    /// Text or JSON.
    pub format: Format,
}

/// Lists the revisions of `rev_range` (all by default). Reads the files
/// only, unless `indicate_current` (or a range naming `current`) asks
/// where the database is: then it connects, marks the current revisions
/// and shows when each was applied.
pub(crate) async fn run(p: &Project, rev_range: Option<&str>, o: Options) -> Res<i32> {
    // `current`, and `-N`/`+N` counted from it, need the database.
    let names_current = rev_range.is_some_and(|r| {
        r.split(':').any(|t| {
            let t = t.trim();
            t == "current" || t.starts_with(['-', '+'])
        })
    });
    let (rows, log) = match o.indicate_current || names_current {
        true => {
            let db = connect(&p.cfg).await?;
            if let Some(h) = p.m.halfway(&db).await? {
                p.out.warn(&h.to_string());
            }
            (p.m.current(&db).await?, p.m.log(&db).await?)
        }
        false => (Vec::new(), Vec::new()),
    };
    if o.graph {
        if rev_range.is_some() || o.verbose || o.format == Format::Json {
            return Err(CliError::from(alembix_migrate::Error::Usage(
                "--graph draws the whole graph as text: it does not go with -r, --verbose or --format json".into(),
            )));
        }
        for line in super::graph::ascii(&p.m.graph, &rows) {
            p.out.line(&line);
        }
        return Ok(0);
    }
    let revs = p.m.graph.range(rev_range.unwrap_or(""), &rows)?;
    p.list(&revs, &rows, o.verbose, o.format, &log);
    Ok(0)
}
