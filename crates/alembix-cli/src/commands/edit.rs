//! `alembix edit REV`: opens a revision's file in the user's editor.

use std::process::Command;

use super::Project;
use crate::error::{CliError, Res};

/// The editor command: `$VISUAL`, else `$EDITOR`, else `vi`. It may carry
/// arguments (`code --wait`).
fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".into())
}

/// Opens the file of the revision `rev` names (one revision) and waits for
/// the editor; its exit status is the command's failure when not zero.
pub(crate) fn run(p: &Project, rev: &str) -> Res<i32> {
    let ids = p.m.graph.resolve(rev, &[])?;
    let [id] = ids.as_slice() else {
        return Err(usage(format!(
            "`{rev}` names {} revisions; edit opens one: name it by id or prefix",
            ids.len()
        )));
    };
    let r = p.m.graph.get(id).expect("resolved ids exist");
    let cmd = editor();
    let mut words = cmd.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = Command::new(program)
        .args(words)
        .arg(&r.path)
        .status()
        .map_err(|e| {
            usage(format!(
                "cannot start the editor `{cmd}`: {e}; set VISUAL or EDITOR to a command that opens a file"
            ))
        })?;
    if !status.success() {
        return Err(usage(format!(
            "the editor `{cmd}` exited with {status} for {}",
            r.path.display()
        )));
    }
    Ok(0)
}

fn usage(message: String) -> CliError {
    CliError::from(alembix_migrate::Error::Usage(message))
}
