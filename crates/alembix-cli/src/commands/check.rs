//! `alembix check`: exit 0 when scripts, database and models agree, 1
//! listing what differs (a database half-way through a revision is a
//! difference).
//!
//! The output is one line per problem, then one summary line that states
//! each of the three findings — where the database is against the heads,
//! drift, the models — as it is; built in one place ([`report`]) so no two
//! lines can disagree.

use alembix_migrate::Error as EngineError;

use super::{Project, Refuse, compare};
use crate::connect::connect;
use crate::error::Res;

/// What `check` found about the models.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Models {
    /// Not compared: `models` is not set and its default globs match no
    /// file (a project that keeps no models).
    NotCompared { patterns: String },
    /// Compared; one line per difference (none: they match).
    Compared(Vec<String>),
}

/// What `check` found, finding by finding.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Findings {
    /// The problem line when the scripts have several heads.
    several_heads: Option<String>,
    /// The problem line when the database's rows are not the heads.
    not_at_head: Option<String>,
    /// The problem line when a run stopped half-way through a revision.
    halfway: Option<String>,
    /// One line per applied revision changed since it ran.
    drift: Vec<String>,
    /// The lint of the revisions not applied yet, when there are any.
    lint: Option<Lint>,
    models: Models,
}

/// What linting the revisions not applied yet found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Lint {
    /// How many revisions were linted.
    revisions: usize,
    /// One line per error-severity finding (each a problem).
    errors: Vec<String>,
    /// How many findings of lower severity there were.
    warnings: usize,
}

/// Lists every difference: heads, the database's place, drift, models.
pub(crate) async fn run(p: &Project) -> Res<i32> {
    let (m, cfg, out) = (&p.m, &p.cfg, &p.out);
    let db = connect(cfg).await?;
    let rows = m.current(&db).await?;
    let mut findings = Findings {
        several_heads: None,
        not_at_head: None,
        halfway: None,
        drift: Vec::new(),
        lint: lint_unapplied(p, &rows)?,
        models: Models::Compared(Vec::new()),
    };
    for problem in m.graph.head_problems(&rows) {
        match &problem {
            EngineError::MultipleHeads { .. } => {
                findings.several_heads = Some(problem_line(&problem));
            }
            _ => findings.not_at_head = Some(problem_line(&problem)),
        }
    }
    if let Some(h) = m.halfway(&db).await? {
        findings.halfway = Some(format!("half-way: {h}"));
    }
    for d in m.drift(&db).await? {
        findings.drift.push(format!(
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
    findings.models = if no_models {
        Models::NotCompared {
            patterns: cfg.models.join(", "),
        }
    } else {
        let refuse = Refuse {
            empty: false,
            unfilled: false,
        };
        let d = compare(cfg, &db, refuse).await?;
        let lines = d.ops.iter().map(|op| {
            format!(
                "models and database differ: {}",
                alembix_autogen::autogen::describe(op)
            )
        });
        Models::Compared(lines.collect())
    };
    let (lines, code) = report(&findings);
    for l in &lines {
        out.line(l);
    }
    Ok(code)
}

/// Lints the revisions the database has not applied (none: `None`), each
/// for the backend its header names, else the database's.
fn lint_unapplied(p: &Project, rows: &[String]) -> Res<Option<Lint>> {
    let applied = p.m.graph.ancestors(rows);
    let ids =
        p.m.graph
            .revisions()
            .into_iter()
            .map(|r| r.id.clone())
            .filter(|id| !applied.contains(id));
    let ids = p.m.graph.sorted(ids);
    if ids.is_empty() {
        return Ok(None);
    }
    let revs: Vec<_> = ids.iter().filter_map(|id| p.m.graph.get(id)).collect();
    let dialect = alembix_schema::Dialect::from_url(p.cfg.url()?).unwrap_or_default();
    let findings = super::lint::lint_all(p, &revs, dialect)?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let (errors, others): (Vec<_>, Vec<_>) = findings
        .iter()
        .partition(|f| f.rule.severity == alembix_migrate::lint::Severity::Error);
    Ok(Some(Lint {
        revisions: revs.len(),
        errors: errors
            .iter()
            .map(|f| format!("lint: {}", super::lint::finding_line(f, &cwd)))
            .collect(),
        warnings: others.len(),
    }))
}

/// `(the 2 revisions to apply lint clean)` and the like.
fn lint_phrase(l: &Lint) -> String {
    let revs = plural(l.revisions, "revision to apply", "revisions to apply");
    let warnings = match l.warnings {
        0 => String::new(),
        n => format!(
            ", {}; see `alembix lint`",
            plural(n, "lint warning", "lint warnings")
        ),
    };
    match l.errors.len() {
        0 => format!(" (the {revs} lint clean of errors{warnings})"),
        n => format!(
            " (the {revs} {} {}{warnings})",
            if l.revisions == 1 { "has" } else { "have" },
            plural(n, "lint error", "lint errors")
        ),
    }
}

/// `1 thing` / `2 things`.
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The lines to print and the exit code: the problem lines, then a summary
/// `OK: ...` (exit 0) or `NOT OK: ...` (exit 1) stating every finding.
fn report(f: &Findings) -> (Vec<String>, i32) {
    let mut lines: Vec<String> = f.several_heads.iter().cloned().collect();
    lines.extend(f.not_at_head.iter().cloned());
    lines.extend(f.halfway.iter().cloned());
    lines.extend(f.drift.iter().cloned());
    if let Some(l) = &f.lint {
        lines.extend(l.errors.iter().cloned());
    }
    if let Models::Compared(diffs) = &f.models {
        lines.extend(diffs.iter().cloned());
    }
    let ok = lines.is_empty();
    let heads = match (&f.several_heads, &f.not_at_head) {
        (None, None) => "the database is at head".to_string(),
        (Some(_), None) => "the scripts have several heads (the database is at all of them)".into(),
        (None, Some(_)) => "the database is not at head".into(),
        (Some(_), Some(_)) => {
            "the scripts have several heads and the database is not at them".into()
        }
    };
    let heads = match &f.halfway {
        Some(_) => format!("{heads} (a run stopped half-way through a revision)"),
        None => heads,
    };
    let heads = match &f.lint {
        Some(l) => format!("{heads}{}", lint_phrase(l)),
        None => heads,
    };
    let drift = match f.drift.len() {
        0 => "every applied revision is unchanged".to_string(),
        1 => "1 applied revision was changed after it was applied".into(),
        n => format!("{n} applied revisions were changed after they were applied"),
    };
    let models = match &f.models {
        Models::NotCompared { patterns } => format!(
            "the models were not compared with the database (no model files match {patterns})"
        ),
        Models::Compared(d) if d.is_empty() => "the models match the database".to_string(),
        Models::Compared(d) => format!(
            "the models and the database differ ({} difference{})",
            d.len(),
            if d.len() == 1 { "" } else { "s" }
        ),
    };
    let verdict = if ok { "OK" } else { "NOT OK" };
    lines.push(format!("{verdict}: {heads}, {drift}, and {models}"));
    (lines, if ok { 0 } else { 1 })
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

#[cfg(test)]
mod tests;
