//! The `-- WARNING:` lines of the revisions a run is about to apply, shown
//! before they run, and the question a downgrade that loses data asks on a
//! terminal.

use std::io::{BufRead, Write};

use alembix_migrate::Step;

use super::Project;

/// The warnings of the planned steps, one block per revision:
/// `revision R (file): <text>` (printed after `warning:`).
pub(super) fn lines(p: &Project, steps: &[Step]) -> Vec<String> {
    let mut out = Vec::new();
    for step in steps {
        let Some(rev) = p.m.graph.get(&step.revision) else {
            continue;
        };
        for (_, text) in rev.warnings(step.direction) {
            out.push(format!(
                "revision {} ({}): {text}",
                rev.id,
                rev.path.display()
            ));
        }
    }
    out
}

/// Prints the warnings of the planned steps on stderr; true when there were any.
pub(super) fn print(p: &Project, steps: &[Step]) -> bool {
    let lines = lines(p, steps);
    for l in &lines {
        p.out.warn(l);
    }
    !lines.is_empty()
}

/// Whether a run whose plan has data-loss warnings goes ahead: with
/// `--yes` or without a terminal it does (the warnings were printed); on a
/// terminal `answer` is asked for and must be `y` or `yes`.
pub(crate) fn proceed(terminal: bool, yes: bool, answer: impl FnOnce() -> Option<String>) -> bool {
    if yes || !terminal {
        return true;
    }
    answer().is_some_and(|a| matches!(a.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// Asks `Proceed? [y/N]` on stderr and reads a line from stdin (`None` at
/// end of input or on a read error).
fn ask() -> Option<String> {
    eprint!("Proceed? [y/N] ");
    std::io::stderr().flush().ok()?;
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line),
    }
}

/// For a downgrade on a terminal without `--yes`: the plan read from the
/// database, its warnings printed and the question asked when there are
/// any. True when the run goes ahead; `shown` tells whether the warnings
/// were printed here already.
pub(super) async fn confirm_downgrade(
    p: &Project,
    db: &alembix_migrate::Database,
    target: &str,
    yes: bool,
    shown: &mut bool,
) -> crate::error::Res<bool> {
    if yes || !p.out.interactive() {
        return Ok(true);
    }
    let current = p.m.current(db).await?;
    let steps = p.m.graph.plan_downgrade(&current, target)?;
    if !print(p, &steps) {
        return Ok(true);
    }
    *shown = true;
    Ok(proceed(true, yes, ask))
}

#[cfg(test)]
mod tests {
    use super::proceed;

    fn never() -> Option<String> {
        panic!("no question without a terminal or with --yes")
    }

    #[test]
    fn no_terminal_or_yes_goes_ahead_without_asking() {
        assert!(proceed(false, false, never));
        assert!(proceed(false, true, never));
        assert!(proceed(true, true, never));
    }

    #[test]
    fn terminal_needs_a_yes() {
        for a in ["y\n", "Y", " yes \n", "YES"] {
            assert!(proceed(true, false, || Some(a.into())), "{a:?}");
        }
        for a in ["", "\n", "n\n", "no", "maybe", "yess"] {
            assert!(!proceed(true, false, || Some(a.into())), "{a:?}");
        }
        assert!(!proceed(true, false, || None));
    }
}
