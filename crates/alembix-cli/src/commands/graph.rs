//! Pictures of the revision graph: `history --graph` draws it in the
//! terminal as `git log --graph` does; `alembix graph --format dot|mermaid`
//! prints it for Graphviz or a Markdown page. Both read the files only
//! (`history --graph -i` marks the current revisions).

use std::collections::HashMap;

use alembix_migrate::{Revision, RevisionGraph};

use super::Project;
use crate::args::PictureFormat;
use crate::error::Res;
use crate::output;

/// The revisions newest first, each after every child: a depth-first
/// topological order that keeps a branch's revisions together (the order
/// `git log --graph` draws).
pub(crate) fn topo_order(g: &RevisionGraph) -> Vec<&Revision> {
    let mut children: HashMap<&str, usize> = HashMap::new();
    for r in g.revisions() {
        for p in &r.down_revisions {
            *children.entry(p.as_str()).or_default() += 1;
        }
    }
    let mut stack: Vec<&Revision> = g.heads();
    stack.reverse();
    let mut out = Vec::new();
    while let Some(r) = stack.pop() {
        out.push(r);
        for p in r.down_revisions.iter().rev() {
            let left = children.get_mut(p.as_str()).expect("counted");
            *left -= 1;
            if *left == 0 {
                stack.push(g.get(p).expect("parents exist"));
            }
        }
    }
    out
}

/// One drawn row: a character per lane (`*`, `|`, space), lanes two
/// columns apart.
fn row(cells: &[char]) -> String {
    let mut s = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push(*c);
    }
    s.trim_end().to_string()
}

/// A connecting row: the lanes, and a diagonal (`/` or `\`) in the gap
/// left of lane `at`, joining it to the lane on its left.
fn connector(cells: &[char], at: usize, diagonal: char) -> String {
    let mut chars: Vec<char> = row(cells).chars().collect();
    let gap = 2 * at - 1;
    if chars.len() <= gap {
        chars.resize(gap + 1, ' ');
    }
    chars[gap] = diagonal;
    let s: String = chars.into_iter().collect();
    s.trim_end().to_string()
}

/// The lanes as drawn between rows: `|` where a lane waits for a revision.
fn lanes_cells(lanes: &[Option<String>]) -> Vec<char> {
    lanes
        .iter()
        .map(|l| if l.is_some() { '|' } else { ' ' })
        .collect()
}

/// The graph drawn line by line, newest first: `*` is a revision, `|` a
/// branch going on, `/` a branch joining the line it started from (below,
/// a branch point), `\` a merge point's second parent starting a line.
pub(crate) fn ascii(g: &RevisionGraph, current: &[String]) -> Vec<String> {
    let mut lanes: Vec<Option<String>> = Vec::new();
    let mut out = Vec::new();
    for r in topo_order(g) {
        let waiting: Vec<usize> = (0..lanes.len())
            .filter(|i| lanes[*i].as_deref() == Some(r.id.as_str()))
            .collect();
        let col = match waiting.first() {
            Some(c) => *c,
            None => match lanes.iter().position(Option::is_none) {
                Some(free) => free,
                None => {
                    lanes.push(None);
                    lanes.len() - 1
                }
            },
        };
        // Branches that started here join the revision's line.
        for &j in waiting.iter().skip(1).rev() {
            lanes[j] = None;
            out.push(connector(&lanes_cells(&lanes), j, '/'));
        }
        let mut cells = lanes_cells(&lanes);
        cells[col] = '*';
        out.push(format!("{} {}", row(&cells), text(g, r, current)));
        lanes[col] = r.down_revisions.first().cloned();
        for p in r.down_revisions.iter().skip(1) {
            let lane = match (col + 1..lanes.len()).find(|i| lanes[*i].is_none()) {
                Some(free) => free,
                None => {
                    lanes.push(None);
                    lanes.len() - 1
                }
            };
            let cells = lanes_cells(&lanes);
            lanes[lane] = Some(p.clone());
            out.push(connector(&cells, lane, '\\'));
        }
        while lanes.last().is_some_and(Option::is_none) {
            lanes.pop();
        }
    }
    out
}

/// `id (labels) (head) (branchpoint) (mergepoint) (current), message`, and
/// what it depends on.
fn text(g: &RevisionGraph, r: &Revision, current: &[String]) -> String {
    let mut s = format!(
        "{}, {}",
        output::short_line(g, r, current),
        r.message.lines().next().unwrap_or("")
    );
    if !r.depends_on.is_empty() {
        s.push_str(&format!(" (depends on {})", r.depends_on.join(", ")));
    }
    s
}

/// A node's label in dot and mermaid: the short id, labels and message.
fn node_label(r: &Revision) -> String {
    let mut s = r.id[..8.min(r.id.len())].to_string();
    if !r.branch_labels.is_empty() {
        s.push_str(&format!(" ({})", r.branch_labels.join(", ")));
    }
    let msg = r.message.lines().next().unwrap_or("");
    if !msg.is_empty() {
        s.push_str("\\n");
        s.push_str(msg);
    }
    s.replace('"', "'")
}

/// The graph in Graphviz dot: parent → child edges, dependencies dashed,
/// heads drawn bold.
pub(crate) fn dot(g: &RevisionGraph) -> String {
    let mut s = String::from(
        "digraph revisions {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    for r in g.revisions() {
        let style = if g.is_head(&r.id) { ", style=bold" } else { "" };
        s.push_str(&format!(
            "  \"{}\" [label=\"{}\"{style}];\n",
            r.id,
            node_label(r)
        ));
    }
    for r in g.revisions() {
        for p in &r.down_revisions {
            s.push_str(&format!("  \"{p}\" -> \"{}\";\n", r.id));
        }
        for d in &r.depends_on {
            s.push_str(&format!(
                "  \"{d}\" -> \"{}\" [style=dashed, label=\"depends\"];\n",
                r.id
            ));
        }
    }
    s.push_str("}\n");
    s
}

/// The graph as a Mermaid flowchart (bottom to top, as the graph grows).
pub(crate) fn mermaid(g: &RevisionGraph) -> String {
    let mut s = String::from("flowchart BT\n");
    for r in g.revisions() {
        let label = node_label(r).replace("\\n", "<br/>");
        s.push_str(&format!("  r{}[\"{label}\"]\n", r.id));
    }
    for r in g.revisions() {
        for p in &r.down_revisions {
            s.push_str(&format!("  r{p} --> r{}\n", r.id));
        }
        for d in &r.depends_on {
            s.push_str(&format!("  r{d} -. depends .-> r{}\n", r.id));
        }
    }
    s
}

/// `alembix graph --format dot|mermaid`.
pub(crate) fn run(p: &Project, format: PictureFormat) -> Res<i32> {
    print!(
        "{}",
        match format {
            PictureFormat::Dot => dot(&p.m.graph),
            PictureFormat::Mermaid => mermaid(&p.m.graph),
        }
    );
    Ok(0)
}

#[cfg(test)]
mod tests;
