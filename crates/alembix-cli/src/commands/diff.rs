//! `alembix diff`: the changes between the models and the database, as
//! descriptions and per-table DDL diffs; writes nothing.

use alembix_autogen::diff::Diff;
use alembix_schema::{Dialect, Op, Schema};

use super::{Project, Refuse, compare};
use crate::args::Format;
use crate::connect::connect;
use crate::error::Res;
use crate::output::Out;

/// Prints the differences (`allow_empty`: model files without models are
/// compared, as "no tables").
pub(crate) async fn run(p: &Project, format: Format, allow_empty: bool) -> Res<i32> {
    let out = &p.out;
    let db = connect(&p.cfg).await?;
    let refuse = Refuse {
        empty: !allow_empty,
        unfilled: true,
    };
    let d = compare(&p.cfg, &db, refuse).await?;
    match format {
        Format::Json => out.json(&alembix_autogen::diff::ops_json(&d.ops)),
        Format::Text => {
            if d.ops.is_empty() {
                out.line("No changes: the database matches the models");
            }
            for op in &d.ops {
                out.line(&alembix_autogen::autogen::describe(op));
            }
            print_schema_diff(out, &d, db.dialect());
            for (_, w) in &d.warnings {
                out.warn(w);
            }
            for n in &d.notes {
                out.warn(n);
            }
        }
    }
    Ok(0)
}

/// A table's DDL (table, then its indexes); empty when the schema lacks it.
fn table_ddl(schema: &Schema, name: &str, dialect: Dialect) -> String {
    let Some(t) = schema.table(name) else {
        return String::new();
    };
    let mut text = String::new();
    let mut only = t.clone();
    let indexes = std::mem::take(&mut only.indexes);
    let mut ops = vec![Op::CreateTable { table: only }];
    ops.extend(indexes.into_iter().map(|index| Op::CreateIndex {
        table: t.name.clone(),
        index,
    }));
    for op in ops {
        if let Ok(stmts) = alembix_schema::render_op(&op, dialect) {
            for s in stmts {
                text.push_str(&s);
                text.push_str(";\n");
            }
        }
    }
    text
}

/// Each changed table's DDL before and after, as a unified diff.
fn print_schema_diff(out: &Out, d: &Diff, dialect: Dialect) {
    let mut after = d.current.clone();
    for op in &d.ops {
        after.apply(op);
    }
    let mut tables: Vec<String> = d
        .ops
        .iter()
        .filter_map(|o| o.table().map(str::to_string))
        .collect();
    tables.sort();
    tables.dedup();
    for name in tables {
        // A renamed table: its DDL before is under the old name.
        let from_name = d
            .ops
            .iter()
            .find_map(|o| match o {
                Op::RenameTable { table, from } if *table == name => Some(from.clone()),
                _ => None,
            })
            .unwrap_or_else(|| name.clone());
        let before = table_ddl(&d.current, &from_name, dialect);
        let after_text = table_ddl(&after, &name, dialect);
        if before == after_text {
            continue;
        }
        out.line("");
        let diff = similar::TextDiff::from_lines(&before, &after_text);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{from_name} (database)"),
                &format!("{name} (models)"),
            )
            .to_string();
        out.diff(&text);
    }
}
