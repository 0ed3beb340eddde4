//! The drawings of small graphs, exactly.

use super::*;

fn rev(id: &str, parents: &str, extra: &str) -> String {
    format!(
        "-- revision: {id}\n-- down_revision: {parents}\n{extra}-- message: make {}\n\n-- migrate:upgrade\nSELECT 1;\n",
        NAMES.iter().find(|n| self::id(n) == id).unwrap()
    )
}

fn id(name: &str) -> String {
    name.repeat(12 / name.len())
}

const NAMES: [&str; 7] = ["a", "b", "c1", "d1", "c2", "d2", "e"];

/// `a` → `b`, then `c1` → `d1` and, on branch `feat`, `c2` → `d2`, joined
/// by merge `e`.
fn graph(merged: bool) -> RevisionGraph {
    let mut files = vec![
        rev(&id("a"), "", ""),
        rev(&id("b"), &id("a"), ""),
        rev(&id("c1"), &id("b"), ""),
        rev(&id("d1"), &id("c1"), ""),
        rev(&id("c2"), &id("b"), "-- branch_labels: feat\n"),
        rev(&id("d2"), &id("c2"), ""),
    ];
    if merged {
        files.push(rev(&id("e"), &format!("{}, {}", id("d1"), id("d2")), ""));
    }
    let names: Vec<String> = (0..files.len()).map(|i| format!("{i}.sql")).collect();
    let refs: Vec<(&str, &str)> = names
        .iter()
        .zip(&files)
        .map(|(n, f)| (n.as_str(), f.as_str()))
        .collect();
    RevisionGraph::from_sources(&refs).unwrap()
}

/// The drawing with ids shortened to their names.
fn drawn(g: &RevisionGraph, current: &[String]) -> Vec<String> {
    ascii(g, current)
        .into_iter()
        .map(|l| NAMES.iter().fold(l, |l, n| l.replace(&id(n), n)))
        .collect()
}

#[test]
fn merge_point_and_branch_point() {
    let g = graph(true);
    let lines = drawn(&g, &[id("d1"), id("d2")]);
    let want = [
        "* e (head) (mergepoint), make e",
        "|\\",
        "* | d1 (current), make d1",
        "* | c1, make c1",
        "| * d2 (current), make d2",
        "| * c2 (feat), make c2",
        "|/",
        "* b (branchpoint), make b",
        "* a, make a",
    ];
    assert_eq!(lines, want, "{}", lines.join("\n"));
}

#[test]
fn two_heads() {
    let g = graph(false);
    let lines = drawn(&g, &[]);
    let stars: Vec<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(lines.len(), 7, "{}", lines.join("\n"));
    assert_eq!(stars.iter().filter(|s| **s == "*").count(), 4);
    assert!(lines[2].starts_with("| * "), "{}", lines.join("\n"));
    assert_eq!(lines[4], "|/");
    assert!(lines[0].contains("(head)") && lines[2].contains("(head)"));
}

#[test]
fn dot_and_mermaid_have_every_edge() {
    let g = graph(true);
    let d = dot(&g);
    assert!(d.starts_with("digraph revisions {"));
    assert_eq!(d.matches(" -> ").count(), 7, "{d}");
    assert!(d.contains(&format!("\"{}\" -> \"{}\";", id("d2"), id("e"))));
    let m = mermaid(&g);
    assert!(m.starts_with("flowchart BT\n"));
    assert_eq!(m.matches(" --> ").count(), 7, "{m}");
    assert!(m.contains("(feat)<br/>make c2"), "{m}");
}
