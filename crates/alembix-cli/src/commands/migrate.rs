//! `alembix upgrade` and `alembix downgrade`: the same run in two
//! directions, online or as an SQL script (`--sql`).

use alembix_migrate::{Direction, Event, describe_versions, offline};

use super::Project;
use crate::connect::{connect, dialect_of};
use crate::error::Res;

/// Runs `upgrade` or `downgrade` to `target`.
pub(crate) async fn run(p: &Project, dir: Direction, target: &str, sql: bool) -> Res<i32> {
    if sql {
        let steps = offline::plan_range(&p.m.graph, dir, target)?;
        print!(
            "{}",
            offline::script(&p.m.graph, &p.m.settings, dialect_of(&p.cfg)?, &steps)?
        );
        return Ok(0);
    }
    let db = connect(&p.cfg).await?;
    let mut progress = p.out.progress();
    let mut notice = p.out.lock_notice();
    let graph = &p.m.graph;
    let mut on_event = |e: &Event| match e {
        Event::LockWaiting { holder, .. } => notice.waiting(holder.as_ref()),
        Event::Planned { steps } => progress.start(steps.len()),
        Event::StepStarted { step, message } => {
            let r = graph.get(&step.revision);
            let parents = r.map(|r| r.down_revisions.join(", ")).unwrap_or_default();
            let parents = if parents.is_empty() {
                "<base>".to_string()
            } else {
                parents
            };
            let line = match step.direction {
                Direction::Up => {
                    format!("Running upgrade {parents} -> {}, {message}", step.revision)
                }
                Direction::Down => format!(
                    "Running downgrade {} -> {parents}, {message}",
                    step.revision
                ),
            };
            progress.step(&line);
        }
        Event::StepFinished { .. } => progress.done_one(),
    };
    let result = match dir {
        Direction::Up => p.m.upgrade(&db, target, &mut on_event).await,
        Direction::Down => p.m.downgrade(&db, target, &mut on_event).await,
    };
    progress.finish();
    let steps = result?;
    if steps.is_empty() {
        let rows = p.m.current(&db).await?;
        p.out.line(&format!(
            "Nothing to do: the database is already at {target} (current: {})",
            describe_versions(&rows)
        ));
    }
    db.close().await;
    Ok(0)
}
