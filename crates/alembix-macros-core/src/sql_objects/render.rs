//! Declared objects written back as the source of one `sql_objects!` block.

use alembix_schema::{ObjectKind, SqlObject};

use super::sequence::sequence_options;

/// A string literal for `s`: a plain one when it has no `"`, `\` or line
/// break, else a raw one with enough `#`s.
fn literal(s: &str) -> String {
    if !s.contains(['"', '\\', '\n', '\r']) {
        return format!("\"{s}\"");
    }
    let mut hashes = 1;
    while s.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let h = "#".repeat(hashes);
    format!("r{h}\"{s}\"{h}")
}

fn keyword(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::MaterializedView => "materialized view",
        k => k.as_str(),
    }
}

/// The options between parentheses, if any.
fn options(o: &SqlObject) -> Vec<String> {
    let mut opts: Vec<String> = o
        .renamed_from
        .iter()
        .map(|r| format!("renamed_from = {}", literal(r)))
        .collect();
    if let Some(d) = o.backend {
        opts.push(format!("backend = \"{}\"", d.name()));
    }
    if o.kind == ObjectKind::Sequence {
        for (k, v) in sequence_options(&o.definition).unwrap_or_default() {
            opts.push(match k.as_str() {
                "data_type" => format!("{k} = {}", literal(&v)),
                _ => format!("{k} = {v}"),
            });
        }
    }
    opts
}

/// The source of one `alembix::sql_objects! { ... }` block declaring
/// `objects` (for source generated from a live database); parsing the
/// block gives the objects back.
///
/// A sequence's definition must be in the form introspection reads
/// (`AS bigint INCREMENT BY 1 ... NO CYCLE`); other text is left out.
///
/// ```
/// use alembix_macros_core::{parse_sql_objects, render_sql_objects};
/// use alembix_schema::{ObjectKind, SqlObject};
/// let objects = vec![
///     SqlObject::new(ObjectKind::View, "active", "SELECT id FROM users WHERE s = 'a'"),
///     SqlObject::new(ObjectKind::Trigger, "trg", "CREATE TRIGGER trg\nAFTER INSERT ON users BEGIN SELECT \"x\"; END").on("users"),
/// ];
/// let src = render_sql_objects(&objects);
/// assert!(src.starts_with("alembix::sql_objects! {\n    view \"active\" = "));
/// let body = src.trim_start_matches("alembix::sql_objects! {").trim_end().trim_end_matches('}');
/// assert_eq!(parse_sql_objects(body.parse().unwrap()).unwrap(), objects);
/// ```
pub fn render_sql_objects(objects: &[SqlObject]) -> String {
    let mut out = String::from("alembix::sql_objects! {\n");
    for o in objects {
        out.push_str(&format!("    {} {}", keyword(o.kind), literal(&o.name)));
        let opts = options(o);
        if !opts.is_empty() {
            out.push_str(&format!(" ({})", opts.join(", ")));
        }
        if let Some(t) = &o.table {
            out.push_str(&format!(" on {}", literal(t)));
        }
        if !matches!(o.kind, ObjectKind::Extension | ObjectKind::Sequence) {
            out.push_str(&format!(" = {}", literal(&o.definition)));
        }
        out.push_str(";\n");
    }
    out.push_str("}\n");
    out
}
