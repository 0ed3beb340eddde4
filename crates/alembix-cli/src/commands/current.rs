//! `alembix current`: the revisions the database is at.

use alembix_migrate::Revision;

use super::Project;
use crate::args::Format;
use crate::connect::connect;
use crate::error::Res;
use crate::output;

/// Prints the current rows; `verbose` adds details and drift warnings.
/// With `check_heads`, exits 1 (naming the heads not applied) unless the
/// database is at every head.
pub(crate) async fn run(p: &Project, verbose: bool, check_heads: bool, format: Format) -> Res<i32> {
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
    if check_heads {
        return Ok(heads_check(p, &rows, halfway.is_some()));
    }
    Ok(0)
}

/// `--check-heads`: 1 with the heads not applied on stderr, else 0.
fn heads_check(p: &Project, rows: &[String], halfway: bool) -> i32 {
    let applied = p.m.graph.ancestors(rows);
    let missing: Vec<String> =
        p.m.graph
            .heads()
            .iter()
            .filter(|h| !applied.contains(&h.id))
            .map(|h| format!("{} ({})", h.id, h.message.lines().next().unwrap_or("")))
            .collect();
    if missing.is_empty() && !halfway {
        return 0;
    }
    if missing.is_empty() {
        p.out.error(
            "the database is at every head but a run stopped half-way; run `alembix upgrade`",
        );
    } else {
        p.out.error(&format!(
            "the database is not at every head; not applied: {}; run `alembix upgrade heads`",
            missing.join(", ")
        ));
    }
    1
}
