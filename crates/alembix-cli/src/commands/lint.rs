//! `alembix lint`: checks revision SQL against the lint rules. Reads files
//! only, never connects.

use std::path::{Path, PathBuf};

use alembix_migrate::Revision;
use alembix_migrate::lint::{self, Finding, Severity};
use alembix_schema::Dialect;
use serde_json::json;

use super::Project;
use crate::args::Format;
use crate::error::Res;

/// Lints the revisions of `range` (all by default), oldest first; 1 when
/// an error-severity finding remains, else 0.
pub(crate) fn run(p: &Project, range: Option<&str>, format: Format) -> Res<i32> {
    let mut revs = p.m.graph.range(range.unwrap_or(""), &[])?;
    revs.reverse();
    let fallback = p
        .cfg
        .database_url
        .as_deref()
        .and_then(|u| Dialect::from_url(u).ok())
        .unwrap_or_default();
    let findings = lint_all(p, &revs, fallback)?;
    let cwd = std::env::current_dir().unwrap_or_default();
    match format {
        Format::Json => p.out.json(&json!(
            findings
                .iter()
                .map(|f| finding_json(f, &cwd))
                .collect::<Vec<_>>()
        )),
        Format::Text => {
            for f in &findings {
                p.out.line(&finding_line(f, &cwd));
                p.out.line(&format!("    safe form: {}", f.rule.safe));
            }
        }
    }
    let failed = findings.iter().any(|f| f.rule.severity == Severity::Error);
    Ok(i32::from(failed))
}

/// The findings of `revs`, in order: each linted for the backend its
/// `-- dialect:` header names, else for `fallback`, with the config's
/// `[lint] allow` applied.
pub(crate) fn lint_all(p: &Project, revs: &[&Revision], fallback: Dialect) -> Res<Vec<Finding>> {
    let mut findings = Vec::new();
    for rev in revs {
        let dialect = header_dialect(rev).unwrap_or(fallback);
        findings.extend(lint::lint_revision(rev, dialect, &p.cfg.lint_allow)?);
    }
    Ok(findings)
}

/// `file:line: severity[rule]: message`, the file relative to `cwd`.
pub(crate) fn finding_line(f: &Finding, cwd: &Path) -> String {
    format!(
        "{}:{}: {}[{}]: {}",
        shown(&f.file, cwd).display(),
        f.line,
        f.rule.severity.as_str(),
        f.rule.id,
        f.message
    )
}

/// The `-- dialect:` header of the revision's file, when it has one.
fn header_dialect(rev: &Revision) -> Option<Dialect> {
    let text = std::fs::read_to_string(&rev.path).ok()?;
    lint::header_dialect(&text)
}

/// A path relative to the working directory when it is under it.
fn shown(path: &Path, cwd: &Path) -> PathBuf {
    path.strip_prefix(cwd).unwrap_or(path).to_path_buf()
}

fn finding_json(f: &Finding, cwd: &Path) -> serde_json::Value {
    json!({
        "rule": f.rule.id,
        "severity": f.rule.severity.as_str(),
        "file": shown(&f.file, cwd).display().to_string(),
        "line": f.line,
        "revision": f.revision,
        "statement": f.statement,
        "message": f.message,
    })
}
