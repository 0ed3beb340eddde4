//! `alembix check`: exit 0 when scripts, database and models agree, 1
//! listing what differs (a database half-way through a revision is a
//! difference: exit 1).

use alembix_migrate::Error as EngineError;

use super::{Project, compare};
use crate::connect::connect;
use crate::error::Res;

/// Lists every difference: heads, the database's place, drift, models.
pub(crate) async fn run(p: &Project) -> Res<i32> {
    let (m, cfg, out) = (&p.m, &p.cfg, &p.out);
    let db = connect(cfg).await?;
    let rows = m.current(&db).await?;
    let mut problems: Vec<String> = m
        .graph
        .head_problems(&rows)
        .iter()
        .map(problem_line)
        .collect();
    if let Some(h) = m.halfway(&db).await? {
        problems.push(format!("half-way: {h}"));
    }
    for d in m.drift(&db).await? {
        problems.push(format!(
            "drift: revision {} ({}) was changed after it was applied",
            d.revision,
            d.path.display()
        ));
    }
    // A project that keeps no models (migrations only) checks the rest.
    let no_models = !cfg.models_configured
        && alembix_autogen::scan::model_files(&cfg.root, &cfg.models)
            .map(|f| f.is_empty())
            .unwrap_or(false);
    if no_models {
        out.line(&format!(
            "(no model files match {}: the schema is not compared)",
            cfg.models.join(", ")
        ));
    } else {
        let d = compare(cfg, &db).await?;
        for op in &d.ops {
            problems.push(format!(
                "models and database differ: {}",
                alembix_autogen::autogen::describe(op)
            ));
        }
    }
    if problems.is_empty() {
        out.line("OK: the database is at head, every applied revision is unchanged, and the models match the database");
        Ok(0)
    } else {
        for p in &problems {
            out.line(p);
        }
        Ok(1)
    }
}

/// One line per problem: the several heads on one line, as a list item.
fn problem_line(problem: &EngineError) -> String {
    match problem {
        EngineError::MultipleHeads { heads } => format!(
            "there are {} heads ({}); join them with `alembix merge heads -m \"...\"`",
            heads.len(),
            heads
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}
