//! `alembix erd --format dot|mermaid`: the models' tables, their columns
//! and foreign keys, for Graphviz or a Markdown page. Reads the model
//! files only; column types are shown as the configured database's backend
//! stores them (PostgreSQL's when no URL is set).

use alembix_schema::{Dialect, Schema, Table};

use super::Project;
use crate::args::PictureFormat;
use crate::error::Res;

/// `schema.table` or `table`.
fn full_name(t: &Table) -> String {
    match &t.schema {
        Some(s) => format!("{s}.{}", t.name),
        None => t.name.clone(),
    }
}

/// A name Mermaid and dot take as an identifier.
fn node(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn is_key(t: &Table, column: &str) -> bool {
    t.primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
}

/// The diagram in Graphviz dot: one record per table, an edge per foreign key.
pub(crate) fn dot(schema: &Schema, d: Dialect) -> String {
    let mut s = String::from(
        "digraph erd {\n  rankdir=LR;\n  node [shape=plaintext, fontname=\"monospace\"];\n",
    );
    for t in &schema.tables {
        let mut rows = format!(
            "<tr><td bgcolor=\"lightgrey\"><b>{}</b></td></tr>",
            html(&full_name(t))
        );
        for c in &t.columns {
            let key = if is_key(t, &c.name) { " (PK)" } else { "" };
            let null = if c.nullable { "" } else { " NOT NULL" };
            rows.push_str(&format!(
                "<tr><td align=\"left\">{}: {}{null}{key}</td></tr>",
                html(&c.name),
                html(&d.rules().column_type(&c.ty))
            ));
        }
        s.push_str(&format!(
            "  {} [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\">{rows}</table>>];\n",
            node(&full_name(t))
        ));
    }
    for t in &schema.tables {
        for fk in &t.foreign_keys {
            s.push_str(&format!(
                "  {} -> {} [label=\"{}\"];\n",
                node(&full_name(t)),
                node(&fk_target(fk)),
                fk.columns.join(", ")
            ));
        }
    }
    s.push_str("}\n");
    s
}

fn fk_target(fk: &alembix_schema::ForeignKey) -> String {
    match &fk.ref_schema {
        Some(s) => format!("{s}.{}", fk.ref_table),
        None => fk.ref_table.clone(),
    }
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The diagram as a Mermaid `erDiagram`.
pub(crate) fn mermaid(schema: &Schema, d: Dialect) -> String {
    let mut s = String::from("erDiagram\n");
    for t in &schema.tables {
        s.push_str(&format!("  {} {{\n", node(&full_name(t))));
        for c in &t.columns {
            let ty = node(&d.rules().column_type(&c.ty));
            let key = if is_key(t, &c.name) {
                " PK"
            } else if t.foreign_keys.iter().any(|f| f.columns.contains(&c.name)) {
                " FK"
            } else {
                ""
            };
            s.push_str(&format!("    {ty} {}{key}\n", node(&c.name)));
        }
        s.push_str("  }\n");
    }
    for t in &schema.tables {
        for fk in &t.foreign_keys {
            // Many rows of the table point at one row of the referenced one.
            let optional = fk
                .columns
                .iter()
                .any(|c| t.columns.iter().any(|col| &col.name == c && col.nullable));
            let one = if optional { "|o" } else { "||" };
            s.push_str(&format!(
                "  {} }}o--{one} {} : \"{}\"\n",
                node(&full_name(t)),
                node(&fk_target(fk)),
                fk.columns.join(", ")
            ));
        }
    }
    s
}

/// Scans the models and prints the diagram.
pub(crate) fn run(p: &Project, format: PictureFormat) -> Res<i32> {
    let schema = alembix_autogen::scan::scan(&p.cfg.root, &p.cfg.models)?;
    let d = p
        .cfg
        .database_url
        .as_deref()
        .and_then(|u| Dialect::from_url(u).ok())
        .unwrap_or_default();
    print!(
        "{}",
        match format {
            PictureFormat::Dot => dot(&schema, d),
            PictureFormat::Mermaid => mermaid(&schema, d),
        }
    );
    Ok(0)
}
