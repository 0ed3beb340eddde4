//! Message texts of [`Error`](super::Error) variants that need more than a
//! format string (lists, singular/plural, `base` for no revision).

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::graph::BASE;

fn list_heads(out: &mut String, heads: &[(String, String)]) {
    if heads.is_empty() {
        out.push_str("  (no revisions)\n");
    }
    for (id, msg) in heads {
        let _ = writeln!(out, "  {id}  {msg}");
    }
}

pub(super) fn unknown_revisions(unknown: &[String], heads: &[(String, String)]) -> String {
    let mut s = format!(
        "the database is stamped at {} {} that no revision file defines \
         (a deleted branch or a renamed file?).\nKnown heads:\n",
        if unknown.len() == 1 {
            "revision"
        } else {
            "revisions"
        },
        unknown.join(", ")
    );
    list_heads(&mut s, heads);
    s.push_str(
        "Once the schema is known to match revision REV, run `alembix stamp REV --purge` \
         to replace the version table's rows",
    );
    s
}

pub(super) fn multiple_heads(heads: &[(String, String)]) -> String {
    let mut s = format!("there are {} heads:\n", heads.len());
    list_heads(&mut s, heads);
    s.push_str(
        "Join them with `alembix merge heads -m \"...\"`, or name one (`alembix upgrade REV`) \
         or all (`alembix upgrade heads`)",
    );
    s
}

pub(super) use crate::graph::describe_versions as versions;

/// A walk's start: the revision, or `base`.
pub(super) fn or_base(id: &Option<String>) -> &str {
    id.as_deref().unwrap_or(BASE)
}

/// `id (file) -> id (file) -> ...`.
pub(super) fn cycle(revisions: &[(String, PathBuf)]) -> String {
    revisions
        .iter()
        .map(|(id, path)| format!("{id} ({})", path.display()))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// One `  id  message` line per revision.
pub(super) fn revision_list(revisions: &[(String, String)]) -> String {
    revisions
        .iter()
        .map(|(id, message)| format!("  {id}  {message}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A hex key can only be an id; anything else may also be a label.
pub(super) fn no_such_revision(key: &str) -> &'static str {
    let hex = !key.is_empty() && key.bytes().all(|b| b.is_ascii_hexdigit());
    if hex {
        "no revision has this id"
    } else {
        "no revision has this id or branch label"
    }
}

/// The labels joined with `, `, or `(none)`.
pub(super) fn label_list(labels: &[String]) -> String {
    if labels.is_empty() {
        "(none)".into()
    } else {
        labels.join(", ")
    }
}

pub(super) fn nothing_applied(label: Option<&str>) -> String {
    match label {
        Some(l) => format!("nothing of branch `{l}` is applied"),
        None => "nothing is applied; there is nothing to downgrade".into(),
    }
}

pub(super) fn squash_undone(undo_failures: &[String]) -> String {
    if undo_failures.is_empty() {
        "nothing was changed: no new revision file was written and every replaced file is where it was".into()
    } else {
        format!(
            "undoing the steps before it failed too ({}); put those files back by hand",
            undo_failures.join("; ")
        )
    }
}
