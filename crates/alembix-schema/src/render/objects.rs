//! Declared objects (views, functions, triggers, sequences, extensions):
//! their `CREATE`, `DROP`, replacement and rename statements. What differs
//! between backends is asked of the dialect's rules
//! ([`SqlDialect::drop_trigger`](crate::SqlDialect::drop_trigger),
//! [`SqlDialect::rename_object`](crate::SqlDialect::rename_object)).

use super::{Dialect, Rendered};
use crate::objects::{ObjectKind, SqlObject};

/// Whether the backend has objects of this kind.
pub(crate) fn check_kind(o: &SqlObject, d: Dialect) -> Result<(), String> {
    if d.caps().object_kinds.contains(&o.kind) {
        return Ok(());
    }
    Err(format!(
        "{} has no {}s (declared: {} \"{}\"); remove it or give it `backend = \"...\"`",
        d.caps().title,
        o.kind,
        o.kind,
        o.name
    ))
}

/// The statement that creates `o`.
pub(crate) fn create_object(o: &SqlObject, d: Dialect) -> Rendered {
    check_kind(o, d)?;
    let name = d.quote_ident(&o.name);
    let def = o.definition.trim().trim_end_matches(';').trim_end();
    Ok(vec![match o.kind {
        ObjectKind::Extension => format!("CREATE EXTENSION IF NOT EXISTS {name}"),
        ObjectKind::Sequence if def.is_empty() => format!("CREATE SEQUENCE {name}"),
        ObjectKind::Sequence => format!("CREATE SEQUENCE {name} {def}"),
        ObjectKind::View | ObjectKind::MaterializedView => {
            format!("CREATE {} {name} AS {def}", o.kind.sql_keyword())
        }
        ObjectKind::Function | ObjectKind::Procedure | ObjectKind::Trigger => def.to_string(),
    }])
}

/// The statement that drops `o`.
pub(crate) fn drop_object(o: &SqlObject, d: Dialect) -> Rendered {
    check_kind(o, d)?;
    let name = d.quote_ident(&o.name);
    Ok(vec![match o.kind {
        ObjectKind::Trigger => d.rules().drop_trigger(o),
        kind => format!("DROP {} {name}", kind.sql_keyword()),
    }])
}

/// `from` given the definition of `to` (same kind and name): a sequence
/// is altered, a function or procedure replaced in place (so triggers that
/// call it stay), anything else dropped and created again.
pub(crate) fn replace_object(from: &SqlObject, to: &SqlObject, d: Dialect) -> Rendered {
    check_kind(to, d)?;
    match to.kind {
        ObjectKind::Sequence => Ok(vec![format!(
            "ALTER SEQUENCE {} {}",
            d.quote_ident(&to.name),
            to.definition.trim()
        )]),
        ObjectKind::Function | ObjectKind::Procedure if d.rules().replaces_routines() => {
            Ok(vec![or_replace(to.definition.trim().trim_end_matches(';'))])
        }
        _ => {
            let mut out = drop_object(from, d)?;
            out.extend(create_object(to, d)?);
            Ok(out)
        }
    }
}

/// The statements that rename `from` to `object.name`: in place where the
/// backend can, else a drop and a create of the same definition.
pub(crate) fn rename_object(object: &SqlObject, from: &str, d: Dialect) -> Rendered {
    check_kind(object, d)?;
    if let Some(stmt) = d.rules().rename_object(object, from) {
        return Ok(vec![stmt]);
    }
    let old = SqlObject {
        name: from.to_string(),
        ..object.clone()
    };
    let mut out = drop_object(&old, d)?;
    out.extend(create_object(object, d)?);
    Ok(out)
}

/// `CREATE FUNCTION ...` → `CREATE OR REPLACE FUNCTION ...` (a definition
/// that already says `OR REPLACE` is left as it is).
///
/// ```
/// use alembix_schema::render::or_replace;
/// assert_eq!(or_replace("create function f() returns int"), "CREATE OR REPLACE function f() returns int");
/// assert_eq!(or_replace("CREATE OR REPLACE FUNCTION f()"), "CREATE OR REPLACE FUNCTION f()");
/// ```
pub fn or_replace(def: &str) -> String {
    let words: Vec<&str> = def.split_whitespace().take(3).collect();
    let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
    if upper.first().map(String::as_str) != Some("CREATE") || upper.get(1) == Some(&"OR".into()) {
        return def.to_string();
    }
    let rest = def.trim_start()[6..].trim_start();
    format!("CREATE OR REPLACE {rest}")
}
