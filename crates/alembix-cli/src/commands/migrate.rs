//! `alembix upgrade` and `alembix downgrade`: the same run in two
//! directions, online or as an SQL script (`--sql`).

use alembix_migrate::{Direction, Event, RunOptions, Step, describe_versions, offline};

use super::Project;
use crate::connect::{connect, connect_creating, dialect_of};
use crate::error::{CliError, Res};

mod warnings;

/// The line announcing a step: `Running upgrade PARENTS -> REV, MESSAGE`.
fn running_line(p: &Project, step: &Step, message: &str) -> String {
    let r = p.m.graph.get(&step.revision);
    let parents = r.map(|r| r.down_revisions.join(", ")).unwrap_or_default();
    let parents = if parents.is_empty() {
        "<base>".to_string()
    } else {
        parents
    };
    match step.direction {
        Direction::Up => format!("Running upgrade {parents} -> {}, {message}", step.revision),
        Direction::Down => format!(
            "Running downgrade {} -> {parents}, {message}",
            step.revision
        ),
    }
}

/// The line of a skipped statement or a resumed revision.
fn resume_line(e: &Event) -> String {
    match e {
        Event::Skipped {
            revision,
            statement,
        } => format!(
            "Skipped statement {} of revision {revision} (line {}), recorded in the log: {}",
            statement.number,
            statement.line,
            statement.sql.trim()
        ),
        Event::Resuming { halfway } => {
            let at = match &halfway.next {
                Some(n) => format!("at statement {} of {}", n.number, halfway.statements),
                None => "with its version-table change only".to_string(),
            };
            format!(
                "Resuming revision {} ({}) {at}: {}",
                halfway.revision,
                halfway.direction.as_str(),
                halfway.summary()
            )
        }
        _ => String::new(),
    }
}

/// The stderr line of a lock retry or a dropped invalid index.
fn safety_note(e: &Event) -> String {
    match e {
        Event::LockRetry {
            revision,
            path,
            line,
            statement,
            message,
            tries,
            of,
            wait,
        } => format!(
            "lock timeout: statement {statement} of revision {revision} ({}:{line}) waited longer than lock_timeout ({message}); rolled back, trying again in {:.1} s (try {} of {of})",
            path.display(),
            wait.as_secs_f64(),
            tries + 1
        ),
        Event::InvalidIndexDropped { revision, index } => format!(
            "dropped index {index}: an earlier concurrent build that did not finish left it invalid; revision {revision} builds it again"
        ),
        _ => String::new(),
    }
}

/// Runs `upgrade` or `downgrade` to `target`, printing the warnings of the
/// revisions about to run first. A downgrade with warnings asks on a
/// terminal unless `yes`; a refusal exits 2 with nothing run.
pub(crate) async fn run(
    p: &Project,
    dir: Direction,
    target: &str,
    sql: bool,
    skip_statement: bool,
    yes: bool,
) -> Res<i32> {
    if sql {
        if skip_statement {
            return Err(CliError::from(alembix_migrate::Error::Usage(
                "--skip-statement acts on a database; it does not go with --sql".into(),
            )));
        }
        let steps = offline::plan_range(&p.m.graph, dir, target)?;
        print!(
            "{}",
            offline::script(&p.m.graph, &p.m.settings, dialect_of(&p.cfg)?, &steps)?
        );
        return Ok(0);
    }
    let db = match dir {
        Direction::Up => connect_creating(&p.cfg).await?,
        Direction::Down => connect(&p.cfg).await?,
    };
    warn_pooler(p, &db).await;
    let mut shown = false;
    if dir == Direction::Down
        && !warnings::confirm_downgrade(p, &db, target, yes, &mut shown).await?
    {
        db.close().await;
        eprintln!("Downgrade cancelled: nothing was run.");
        return Ok(2);
    }
    let mut progress = p.out.progress();
    let out = &p.out;
    let mut notice = p.out.lock_notice();
    let mut on_event = |e: &Event| match e {
        Event::LockWaiting { holder, .. } => notice.waiting(holder.as_ref()),
        Event::Planned { steps } => {
            if !shown {
                warnings::print(p, steps);
            }
            progress.start(steps.len())
        }
        Event::StepStarted { step, message } => progress.step(&running_line(p, step, message)),
        Event::StepFinished { .. } => progress.done_one(),
        Event::LockRetry { .. } | Event::InvalidIndexDropped { .. } => {
            progress.note(&safety_note(e))
        }
        Event::Skipped { .. } | Event::Resuming { .. } => out.line(&resume_line(e)),
    };
    let opts = RunOptions { skip_statement };
    let result = p.m.run_with(&db, dir, target, opts, &mut on_event).await;
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

/// The warning printed when the advisory lock is configured and a
/// transaction pooler seems to stand between Alembix and PostgreSQL.
pub(crate) const POOLER_WARNING: &str = "a transaction pooler (PgBouncer?) seems to stand between alembix and \
     PostgreSQL: the advisory lock (lock = \"advisory\") does not keep two runs apart through it, \
     since its session may change between statements. Set lock = \"table\" (and statement_cache = 0 \
     before PgBouncer 1.21) in alembix.toml, or connect to the server directly; see docs/scaling-out.md";

/// Warns (stderr) when the advisory lock goes through a transaction
/// pooler; a failed check says nothing.
pub(crate) async fn warn_pooler(p: &Project, db: &alembix_migrate::Database) {
    if p.cfg.lock == alembix_migrate::LockKind::Advisory
        && let Ok(true) = db.pool().behind_pooler().await
    {
        p.out.warn(POOLER_WARNING);
    }
}
