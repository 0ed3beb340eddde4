//! `alembix current`: the revisions the database is at.

use alembix_migrate::Revision;

use super::Project;
use crate::args::Format;
use crate::connect::connect;
use crate::error::Res;
use crate::output;

/// Prints the current rows; `verbose` adds details and drift warnings.
pub(crate) async fn run(p: &Project, verbose: bool, format: Format) -> Res<i32> {
    let (m, out) = (&p.m, &p.out);
    if verbose {
        p.say_url();
    }
    let db = connect(&p.cfg).await?;
    let rows = m.current(&db).await?;
    let halfway = m.halfway(&db).await?;
    let drift = if verbose {
        m.drift(&db).await?
    } else {
        Vec::new()
    };
    let log = if verbose {
        m.log(&db).await?
    } else {
        Vec::new()
    };
    match format {
        Format::Json => {
            let revs: Vec<&Revision> = rows.iter().filter_map(|id| m.graph.get(id)).collect();
            out.json(&output::revisions_json(&m.graph, &revs, &rows, None));
            if let Some(h) = &halfway {
                out.warn(&h.to_string());
            }
        }
        Format::Text => {
            if rows.is_empty() {
                out.line("(base: no revision applied)");
            }
            for id in &rows {
                let r = m.graph.get(id).expect("checked by current()");
                if verbose {
                    out.block(&output::verbose_block(&m.graph, r, &rows, &log));
                } else {
                    out.line(&output::short_line(&m.graph, r, &rows));
                }
            }
            if let Some(h) = &halfway {
                out.block(&format!("Half-way: {h}"));
            }
            for d in &drift {
                out.warn(&format!(
                    "drift: revision {} ({}) changed after it was applied (applied checksum {}, file now {})",
                    d.revision,
                    d.path.display(),
                    &d.applied_checksum[..12.min(d.applied_checksum.len())],
                    &d.file_checksum[..12.min(d.file_checksum.len())]
                ));
            }
        }
    }
    Ok(0)
}
