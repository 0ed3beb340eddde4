//! `alembix stamp`: sets the version table without running SQL.

use alembix_migrate::offline;

use super::Project;
use crate::connect::{connect, dialect_of};
use crate::error::Res;

/// Stamps `targets`, online or as an SQL script (`--sql`, where a single
/// `FROM:TO` target stamps from FROM).
pub(crate) async fn run(p: &Project, targets: &[String], purge: bool, sql: bool) -> Res<i32> {
    let (m, out) = (&p.m, &p.out);
    if sql {
        let (from, targets) = match targets {
            [one] if one.contains(':') => {
                let (f, t) = one.split_once(':').expect("checked");
                (m.graph.resolve(f, &[])?, vec![t.to_string()])
            }
            _ => (Vec::new(), targets.to_vec()),
        };
        let change = m.graph.plan_stamp(&from, &targets, purge)?;
        print!(
            "{}",
            offline::stamp_script(&m.graph, &m.settings, dialect_of(&p.cfg)?, &change)
        );
        return Ok(0);
    }
    let db = connect(&p.cfg).await?;
    let halfway = m.halfway(&db).await?;
    let change = m.stamp(&db, targets, purge).await?;
    if let Some(h) = &halfway {
        out.line(&format!(
            "Cleared the half-way mark of revision {} ({}): {} of {} statement(s) had finished; the rest is left as the database has it",
            h.revision,
            h.direction.as_str(),
            h.statements_done,
            h.statements
        ));
    }
    if change.is_empty() && halfway.is_none() {
        out.line("Nothing to stamp: the version table already says so");
    }
    for d in &change.delete {
        out.line(&format!("Removed {d} from {}", p.cfg.version_table));
    }
    for i in &change.insert {
        out.line(&format!("Stamped {i}"));
    }
    Ok(0)
}
