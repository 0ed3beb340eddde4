//! Output: plain lines (coloured on a terminal), JSON, progress bars.

use std::io::IsTerminal;

use alembix_migrate::{Direction, Holder, LogDirection, LogEntry, Revision, RevisionGraph};
use console::Style;
use serde_json::{Value, json};

/// Where and how output goes.
pub(crate) struct Out {
    colour: bool,
    colour_err: bool,
    tty_err: bool,
}

impl Out {
    pub fn new() -> Out {
        let no_colour = std::env::var_os("NO_COLOR").is_some();
        let tty_err = std::io::stderr().is_terminal();
        Out {
            colour: !no_colour && std::io::stdout().is_terminal(),
            colour_err: !no_colour && tty_err,
            tty_err,
        }
    }

    /// What a run waiting for the migration lock tells on stderr.
    pub fn lock_notice(&self) -> LockNotice {
        LockNotice {
            tty: self.tty_err,
            last: None,
        }
    }

    fn paint(&self, on: bool, style: Style, s: &str) -> String {
        if on {
            style.apply_to(s).to_string()
        } else {
            s.to_string()
        }
    }

    pub fn line(&self, s: &str) {
        println!("{}", self.highlight(s));
    }

    /// Revision ids and markers stand out on a terminal.
    fn highlight(&self, s: &str) -> String {
        if !self.colour {
            return s.to_string();
        }
        let mut out = String::new();
        for (i, word) in s.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let bare = word.trim_end_matches(',');
            if bare.len() == 12 && bare.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.push_str(&self.paint(true, Style::new().yellow(), word));
            } else if word.starts_with('(') && word.ends_with(')') {
                out.push_str(&self.paint(true, Style::new().cyan(), word));
            } else {
                out.push_str(word);
            }
        }
        out
    }

    pub fn block(&self, s: &str) {
        for l in s.lines() {
            self.line(l);
        }
        println!();
    }

    pub fn json(&self, v: &Value) {
        println!(
            "{}",
            serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
        );
    }

    /// A unified diff: `-` lines red, `+` lines green on a terminal.
    pub fn diff(&self, text: &str) {
        for l in text.lines() {
            let style = if l.starts_with("+++") || l.starts_with("---") {
                Style::new().bold()
            } else if l.starts_with('+') {
                Style::new().green()
            } else if l.starts_with('-') {
                Style::new().red()
            } else if l.starts_with("@@") {
                Style::new().cyan()
            } else {
                Style::new()
            };
            println!("{}", self.paint(self.colour, style, l));
        }
    }

    pub fn warn(&self, s: &str) {
        eprintln!(
            "{} {s}",
            self.paint(self.colour_err, Style::new().yellow().bold(), "warning:")
        );
    }

    pub fn error(&self, s: &str) {
        eprintln!(
            "{} {s}",
            self.paint(self.colour_err, Style::new().red().bold(), "error:")
        );
    }

    /// True when a question can be asked: stdin and stderr are terminals.
    pub fn interactive(&self) -> bool {
        self.tty_err && std::io::stdin().is_terminal()
    }

    pub fn progress(&self) -> Progress {
        Progress {
            tty: std::io::stderr().is_terminal(),
            bar: None,
        }
    }
}

/// Waiting for the migration lock: on a terminal, a line every few
/// seconds; otherwise (logs) one line when the wait starts.
pub(crate) struct LockNotice {
    tty: bool,
    last: Option<std::time::Instant>,
}

/// How often a terminal hears that the run still waits.
const NOTICE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

impl LockNotice {
    /// Another try failed; `holder` holds the lock, when known.
    pub fn waiting(&mut self, holder: Option<&Holder>) {
        let due = match self.last {
            None => true,
            Some(at) => self.tty && at.elapsed() >= NOTICE_EVERY,
        };
        if due {
            self.last = Some(std::time::Instant::now());
            let who = holder.map_or_else(|| "another session".to_string(), |h| h.to_string());
            eprintln!("waiting for the migration lock held by {who}");
        }
    }
}

/// Lines per step, and a bar on a terminal for runs of several revisions.
pub(crate) struct Progress {
    tty: bool,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub fn start(&mut self, n: usize) {
        if self.tty && n > 1 {
            let bar = indicatif::ProgressBar::new(n as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} revisions {msg}")
            {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
    }

    pub fn step(&mut self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => println!("{line}"),
        }
    }

    /// A line on stderr while steps run (above the bar on a terminal).
    pub fn note(&mut self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    pub fn done_one(&mut self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

fn markers(g: &RevisionGraph, r: &Revision, current: &[String]) -> String {
    let mut m = String::new();
    if g.is_head(&r.id) {
        m.push_str(" (head)");
    }
    if g.is_branch_point(&r.id) {
        m.push_str(" (branchpoint)");
    }
    if g.is_merge_point(&r.id) {
        m.push_str(" (mergepoint)");
    }
    if current.contains(&r.id) {
        m.push_str(" (current)");
    }
    m
}

fn labels(r: &Revision) -> String {
    if r.branch_labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", r.branch_labels.join(", "))
    }
}

/// `id (labels) (head) (current)`.
pub(crate) fn short_line(g: &RevisionGraph, r: &Revision, current: &[String]) -> String {
    format!("{}{}{}", r.id, labels(r), markers(g, r, current))
}

/// `parents -> id (labels) (head) (branchpoint) (mergepoint) (current), message`.
pub(crate) fn history_line(g: &RevisionGraph, r: &Revision, current: &[String]) -> String {
    let parents = if r.down_revisions.is_empty() {
        "<base>".to_string()
    } else {
        r.down_revisions.join(", ")
    };
    format!(
        "{parents} -> {}{}{}, {}",
        r.id,
        labels(r),
        markers(g, r, current),
        r.message
    )
}

fn last_applied<'a>(log: &'a [LogEntry], id: &str) -> Option<&'a LogEntry> {
    log.iter().rev().find(|e| {
        e.revision == id
            && matches!(
                e.direction,
                LogDirection::Step(Direction::Up) | LogDirection::Stamp
            )
    })
}

/// Several lines about one revision.
pub(crate) fn verbose_block(
    g: &RevisionGraph,
    r: &Revision,
    current: &[String],
    log: &[LogEntry],
) -> String {
    let mut s = format!("Rev: {}{}\n", r.id, markers(g, r, current));
    s.push_str(&format!(
        "Parent: {}\n",
        if r.down_revisions.is_empty() {
            "<base>".to_string()
        } else {
            r.down_revisions.join(", ")
        }
    ));
    let covering = g.labels_covering(&r.id);
    if !covering.is_empty() {
        s.push_str(&format!("Branch names: {}\n", covering.join(", ")));
    }
    if !r.depends_on.is_empty() {
        s.push_str(&format!("Depends on: {}\n", r.depends_on.join(", ")));
    }
    if !r.replaces.is_empty() {
        s.push_str(&format!("Replaces: {}\n", r.replaces.join(", ")));
    }
    s.push_str(&format!("Path: {}\n", r.path.display()));
    if let Some(c) = &r.created {
        s.push_str(&format!("Created: {c}\n"));
    }
    if let Some(e) = last_applied(log, &r.id) {
        s.push_str(&format!(
            "Applied: {} ({}, {} ms)\n",
            e.applied_at.format("%Y-%m-%d %H:%M:%S UTC"),
            match e.direction {
                LogDirection::Stamp => "stamped",
                _ => "upgrade",
            },
            e.duration_ms
        ));
    }
    s.push_str(&format!("\n    {}\n", r.message));
    s
}

/// The contract object of one revision.
pub(crate) fn revision_json(
    g: &RevisionGraph,
    r: &Revision,
    current: &[String],
    log: Option<&[LogEntry]>,
) -> Value {
    let mut v = json!({
        "revision": r.id,
        "down_revision": r.down_revisions,
        "branch_labels": r.branch_labels,
        "depends_on": r.depends_on,
        "message": r.message,
        "is_head": g.is_head(&r.id),
        "is_current": current.contains(&r.id),
    });
    if let Some(log) = log
        && let Some(e) = last_applied(log, &r.id)
    {
        v["applied_at"] = json!(e.applied_at.to_rfc3339());
    }
    v
}

pub(crate) fn revisions_json(
    g: &RevisionGraph,
    revs: &[&Revision],
    current: &[String],
    log: Option<&[LogEntry]>,
) -> Value {
    Value::Array(
        revs.iter()
            .map(|r| revision_json(g, r, current, log))
            .collect(),
    )
}
