//! The whole comparison (introspect, normalise, diff) and the rendering of
//! its ops into a revision's upgrade and downgrade sections.

use alembix_migrate::Database;
use alembix_schema::{Dialect, Op, Schema, render_op};

use crate::diff::{Diff, DiffOptions, diff};
use crate::error::Result;
use crate::introspect::{IntrospectOptions, introspect};
use crate::normalize::normalized_target;

/// Compares the database with the models.
pub async fn compare(
    db: &Database,
    models: &Schema,
    version_table: &str,
    log_table: &str,
    opts: &DiffOptions,
) -> Result<Diff> {
    let iopts = IntrospectOptions {
        exclude_tables: vec![version_table.to_string(), log_table.to_string()],
        ..IntrospectOptions::default()
    };
    let current = introspect(db, &iopts).await?;
    let target = normalized_target(db, models).await?;
    let mut opts = opts.clone();
    opts.exclude_tables.push(version_table.to_string());
    opts.exclude_tables.push(log_table.to_string());
    Ok(diff(&current, &target, models, db.dialect(), &opts))
}

/// The upgrade and downgrade sections for the ops: statements ending in
/// `;`, destructive ones preceded by `-- WARNING:` lines.
pub fn render_sections(d: &Diff, dialect: Dialect) -> Result<(String, String)> {
    let mut up = String::new();
    for (i, op) in d.ops.iter().enumerate() {
        for (_, w) in d.warnings.iter().filter(|(at, _)| *at == i) {
            up.push_str(&format!("-- WARNING: {w}\n"));
        }
        for stmt in render_op(op, dialect)? {
            up.push_str(stmt.trim_end_matches(';'));
            up.push_str(";\n");
        }
    }
    let mut down = String::new();
    let reversed: Vec<Op> = d.ops.iter().rev().map(Op::reverse).collect();
    for (i, op) in d.ops.iter().rev().enumerate() {
        let rev = reversed[i].clone();
        // An index of a table the downgrade drops goes with the table (and
        // MySQL refuses to drop an index a foreign key needs).
        if let Op::DropIndex { table, .. } = &rev
            && reversed[i + 1..]
                .iter()
                .any(|o| matches!(o, Op::DropTable { table: t } if &t.name == table))
        {
            continue;
        }
        if matches!(rev, Op::DropTable { .. } | Op::DropColumn { .. }) {
            down.push_str(&format!(
                "-- WARNING: {} undoes a {} of this revision\n",
                rev.kind(),
                op.kind()
            ));
        }
        for stmt in render_op(&rev, dialect)? {
            down.push_str(stmt.trim_end_matches(';'));
            down.push_str(";\n");
        }
    }
    Ok((up, down))
}

/// One line per op, for people.
pub fn describe(op: &Op) -> String {
    let v = crate::diff::ops_json(std::slice::from_ref(op));
    let o = &v[0];
    let mut s = o["op"].as_str().unwrap_or_default().to_string();
    for key in ["table", "column", "name", "from"] {
        if let Some(x) = o[key].as_str() {
            s.push_str(&format!(" {key}={x}"));
        }
    }
    if let Some(ch) = o["changes"].as_array() {
        let ch: Vec<&str> = ch.iter().filter_map(|c| c.as_str()).collect();
        s.push_str(&format!(" changes={}", ch.join(",")));
    }
    s
}
