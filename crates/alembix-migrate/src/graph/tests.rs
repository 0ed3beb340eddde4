//! Graph semantics on the shapes of the issue: linear, branch, branch +
//! merge, and two lines joined by `depends_on`.

use super::*;
use crate::step::{Direction, Step};

/// `a1` → `a10000000000`: short names that are valid ids.
fn id(name: &str) -> String {
    format!("{name:0<12}")
}

fn short(id: &str) -> String {
    id.trim_end_matches('0').to_string()
}

/// (name, parents, label, depends_on)
type Spec = (&'static str, &'static str, &'static str, &'static str);

fn graph(spec: &[Spec]) -> RevisionGraph {
    let texts: Vec<(String, String)> = spec
        .iter()
        .map(|(n, parents, label, deps)| {
            let parents: Vec<String> = parents.split_whitespace().map(id).collect();
            let deps: Vec<String> = deps.split_whitespace().map(id).collect();
            (
                format!("{n}.sql"),
                format!(
                    "-- revision: {}\n-- down_revision: {}\n-- branch_labels: {label}\n-- depends_on: {}\n-- message: make {n}\n\n-- migrate:upgrade\nCREATE TABLE {n} (x int);\n\n-- migrate:downgrade\nDROP TABLE {n};\n",
                    id(n),
                    parents.join(", "),
                    deps.join(", ")
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    RevisionGraph::from_sources(&refs).unwrap()
}

/// `a` → `b` → `c` → `d` → `e`.
fn linear() -> RevisionGraph {
    let names = ["a", "b", "c", "d", "e"];
    let mut spec: Vec<Spec> = vec![(names[0], "", "", "")];
    spec.extend(names.windows(2).map(|w| (w[1], w[0], "", "")));
    graph(&spec)
}

/// `a` → `b`, then `c1` → `d1` and, on branch `feat`, `c2` → `d2`.
const BRANCHED: &[Spec] = &[
    ("a", "", "", ""),
    ("b", "a", "", ""),
    ("c1", "b", "", ""),
    ("d1", "c1", "", ""),
    ("c2", "b", "feat", ""),
    ("d2", "c2", "", ""),
];

fn branched() -> RevisionGraph {
    graph(BRANCHED)
}

/// [`BRANCHED`], with `e` merging `d1` and `d2`, then `f`.
fn merged() -> RevisionGraph {
    graph(&[BRANCHED, &[("e", "d1 d2", "", ""), ("f", "e", "", "")]].concat())
}

fn two_lines() -> RevisionGraph {
    graph(&[
        ("a1", "", "", ""),
        ("a2", "a1", "", ""),
        ("b1", "", "", ""),
        ("b2", "b1", "", "a2"),
    ])
}

fn ids(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| id(n)).collect()
}

/// Applies steps to version rows, checking each delete finds its row.
fn run(rows: &[String], steps: &[Step]) -> Vec<String> {
    let mut rows = rows.to_vec();
    for s in steps {
        for d in &s.versions.delete {
            assert!(
                rows.contains(d),
                "step {} deletes missing row {d} from {rows:?}",
                s.revision
            );
            rows.retain(|r| r != d);
        }
        for i in &s.versions.insert {
            assert!(
                !rows.contains(i),
                "step {} inserts existing row {i}",
                s.revision
            );
            rows.push(i.clone());
        }
    }
    let mut sorted: Vec<String> = rows.iter().map(|r| short(r)).collect();
    sorted.sort();
    sorted
}

fn order(steps: &[Step]) -> Vec<String> {
    steps.iter().map(|s| short(&s.revision)).collect()
}

#[test]
fn linear_up_and_down() {
    let g = linear();
    let steps = g.plan_upgrade(&[], "head").unwrap();
    assert_eq!(order(&steps), ["a", "b", "c", "d", "e"]);
    assert_eq!(run(&[], &steps), ["e"]);
    let mut rows = ids(&["e"]);
    for expect in ["d", "c", "b", "a"] {
        let steps = g.plan_downgrade(&rows, "-1").unwrap();
        assert_eq!(steps.len(), 1);
        rows = run(&rows, &steps).iter().map(|s| id(s)).collect();
        assert_eq!(rows, ids(&[expect]));
    }
    let steps = g.plan_downgrade(&rows, "-1").unwrap();
    assert!(run(&rows, &steps).is_empty());
    // Relative and absolute targets.
    assert_eq!(g.resolve("+2", &ids(&["b"])).unwrap(), ids(&["d"]));
    assert_eq!(g.resolve("-2", &ids(&["d"])).unwrap(), ids(&["b"]));
    // A range whose start counts down to base starts at base.
    let names: Vec<&str> = g
        .range("-2:current", &ids(&["b"]))
        .unwrap()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(names, [id("b"), id("a")]);
    // Past the head: the error names where the walk started.
    let err = g.resolve("+3", &ids(&["d"])).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "cannot go +3 from {}: there are only 1 revision(s)",
            id("d")
        )),
        "{err}"
    );
    assert_eq!(g.resolve("head-1", &[]).unwrap(), ids(&["d"]));
    assert_eq!(g.resolve("c0000000000", &[]).unwrap(), ids(&["c"]));
    assert_eq!(
        g.resolve(&format!("{}+1", &id("b")[..6]), &[]).unwrap(),
        ids(&["c"])
    );
    assert_eq!(
        g.resolve(&format!("{}-2", id("e")), &[]).unwrap(),
        ids(&["c"])
    );
    assert_eq!(g.resolve("+1", &[]).unwrap(), ids(&["a"]));
    assert!(g.resolve("base", &[]).unwrap().is_empty());
    assert!(g.resolve("-1", &ids(&["a"])).unwrap().is_empty());
    let e = g.resolve("+9", &ids(&["c"])).unwrap_err().to_string();
    assert!(e.contains("only 2"), "{e}");
    let e = g.resolve("-9", &ids(&["c"])).unwrap_err().to_string();
    assert!(e.contains("below"), "{e}");
    let e = g.resolve("abc", &[]).unwrap_err().to_string();
    assert!(e.contains("at least 4"), "{e}");
    let e = g.resolve("ffff", &[]).unwrap_err().to_string();
    assert!(e.contains("no revision"), "{e}");
    // Already there: nothing to do.
    assert!(g.plan_upgrade(&ids(&["e"]), "head").unwrap().is_empty());
    assert!(g.plan_upgrade(&ids(&["e"]), &id("c")).unwrap().is_empty());
    // downgrade to an applied revision, and refusing one above.
    let steps = g.plan_downgrade(&ids(&["e"]), &id("b")).unwrap();
    assert_eq!(order(&steps), ["e", "d", "c"]);
    assert!(g.plan_downgrade(&ids(&["b"]), &id("d")).is_err());
}

#[test]
fn ambiguous_prefix_lists_candidates() {
    let g = graph(&[("abcd1", "", "", ""), ("abcd2", "abcd1", "", "")]);
    let e = g.resolve("abcd", &[]).unwrap_err().to_string();
    assert!(
        e.contains("ambiguous") && e.contains(&id("abcd1")) && e.contains(&id("abcd2")),
        "{e}"
    );
}

#[test]
fn branch_targets_and_labels() {
    let g = branched();
    assert_eq!(g.heads().len(), 2);
    assert!(g.is_branch_point(&id("b")));
    let e = g.resolve("head", &[]).unwrap_err();
    assert!(
        matches!(e, Error::MultipleHeads { ref heads } if heads.len() == 2),
        "{e}"
    );
    assert!(e.to_string().contains("alembix merge heads"));
    assert_eq!(g.resolve("feat", &[]).unwrap(), ids(&["c2"]));
    assert_eq!(g.resolve("feat@head", &[]).unwrap(), ids(&["d2"]));
    assert_eq!(g.resolve("feat@base", &[]).unwrap(), ids(&["c2"]));
    assert_eq!(g.resolve("feat@head-1", &[]).unwrap(), ids(&["c2"]));
    assert_eq!(g.resolve("feat@+1", &ids(&["d1"])).unwrap(), ids(&["c2"]));
    assert_eq!(
        g.resolve("feat@+1", &ids(&["d1", "c2"])).unwrap(),
        ids(&["d2"])
    );
    assert_eq!(g.labels_covering(&id("d2")), vec!["feat".to_string()]);
    assert!(g.labels_covering(&id("b")).is_empty());
    assert!(g.labels_covering(&id("c1")).is_empty());
    // +2 from the branch point is ambiguous, and says why.
    let e = g.resolve("+2", &ids(&["b"])).unwrap_err().to_string();
    assert!(e.contains("branch point") && e.contains(&id("c1")), "{e}");
    let e = g
        .resolve("+1", &ids(&["d1", "d2"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("several current"), "{e}");
    // upgrade heads, then downgrade one branch.
    let steps = g.plan_upgrade(&[], "heads").unwrap();
    assert_eq!(run(&[], &steps), ["d1", "d2"]);
    let rows = ids(&["d1", "d2"]);
    let e = g.plan_downgrade(&rows, "-1").unwrap_err().to_string();
    assert!(e.contains("LABEL@-N"), "{e}");
    let steps = g.plan_downgrade(&rows, "feat@-1").unwrap();
    assert_eq!(run(&rows, &steps), ["c2", "d1"]);
    let steps = g.plan_downgrade(&rows, "feat@base").unwrap();
    assert_eq!(order(&steps), ["d2", "c2"]);
    assert_eq!(run(&rows, &steps), ["d1"]);
    let steps = g.plan_downgrade(&rows, &id("c1")).unwrap();
    assert_eq!(run(&rows, &steps), ["c1", "d2"]);
    let steps = g.plan_downgrade(&rows, &id("b")).unwrap();
    assert_eq!(run(&rows, &steps), ["b"]);
    let steps = g.plan_upgrade(&ids(&["b"]), "feat@head").unwrap();
    assert_eq!(order(&steps), ["c2", "d2"]);
    assert_eq!(run(&ids(&["b"]), &steps), ["d2"]);
    // A second branch from b: rows gain a row.
    let steps = g.plan_upgrade(&ids(&["d2"]), &id("d1")).unwrap();
    assert_eq!(run(&ids(&["d2"]), &steps), ["d1", "d2"]);
}

#[test]
fn merge_point_runs_one_branch_then_the_other() {
    let g = merged();
    assert!(g.is_merge_point(&id("e")));
    let steps = g.plan_upgrade(&ids(&["b"]), "head").unwrap();
    let o = order(&steps);
    assert!(
        o == ["c1", "d1", "c2", "d2", "e", "f"] || o == ["c2", "d2", "c1", "d1", "e", "f"],
        "{o:?}"
    );
    assert_eq!(run(&ids(&["b"]), &steps), ["f"]);
    // At d1 only, +1 goes to e and pulls in c2 and d2 first.
    let steps = g.plan_upgrade(&ids(&["d1"]), "+1").unwrap();
    assert_eq!(order(&steps), ["c2", "d2", "e"]);
    assert_eq!(run(&ids(&["d1"]), &steps), ["e"]);
    // -2 from f undoes f and the merge point e (its parents become rows);
    // -3 would have to choose a parent below e: an error that says why.
    let steps = g.plan_downgrade(&ids(&["f"]), "-2").unwrap();
    assert_eq!(run(&ids(&["f"]), &steps), ["d1", "d2"]);
    let e = g
        .plan_downgrade(&ids(&["f"]), "-3")
        .unwrap_err()
        .to_string();
    assert!(e.contains("merge point"), "{e}");
    // As a target (a revision to name), -2 from f is ambiguous already.
    let e = g.resolve("-2", &ids(&["f"])).unwrap_err().to_string();
    assert!(e.contains("merge point"), "{e}");
    // Undoing the merge point itself brings both parents back as rows.
    let steps = g.plan_downgrade(&ids(&["e"]), "-1").unwrap();
    assert_eq!(run(&ids(&["e"]), &steps), ["d1", "d2"]);
    // Downgrade to a revision on one branch keeps the other.
    let steps = g.plan_downgrade(&ids(&["f"]), &id("c1")).unwrap();
    assert_eq!(order(&steps), ["f", "e", "d1"]);
    assert_eq!(run(&ids(&["f"]), &steps), ["c1", "d2"]);
}

#[test]
fn depends_on_pulls_in_and_forces_down() {
    let g = two_lines();
    let steps = g.plan_upgrade(&[], &id("b2")).unwrap();
    let o = order(&steps);
    assert_eq!(o.last().map(String::as_str), Some("b2"));
    assert!(
        o.contains(&"a1".to_string())
            && o.contains(&"a2".to_string())
            && o.contains(&"b1".to_string())
    );
    assert_eq!(run(&[], &steps), ["b2"]);
    // b2 down: the dependency comes back as a row.
    let steps = g.plan_downgrade(&ids(&["b2"]), "-1").unwrap();
    assert_eq!(run(&ids(&["b2"]), &steps), ["a2", "b1"]);
    // a2 down forces b2 down first.
    let steps = g.plan_downgrade(&ids(&["b2"]), &id("a1")).unwrap();
    assert_eq!(order(&steps), ["b2", "a2"]);
    assert_eq!(run(&ids(&["b2"]), &steps), ["a1", "b1"]);
    // Two heads, both reached.
    let steps = g.plan_upgrade(&[], "heads").unwrap();
    assert_eq!(run(&[], &steps), ["b2"]);
}

#[test]
fn round_trips_on_every_shape() {
    for (g, tops) in [
        (linear(), vec!["e"]),
        (branched(), vec!["d1", "d2"]),
        (merged(), vec!["f"]),
        (two_lines(), vec!["b2"]),
    ] {
        let steps = g.plan_upgrade(&[], "heads").unwrap();
        let rows = run(&[], &steps);
        assert_eq!(rows, tops);
        let mut rows: Vec<String> = rows.iter().map(|s| id(s)).collect();
        let mut guard = 0;
        while !rows.is_empty() {
            guard += 1;
            assert!(guard < 20);
            // One step at a time: the newest row.
            let newest = g.sorted(rows.clone()).pop().unwrap();
            let below = g.revs[&newest].down_revisions.clone();
            let steps = if below.len() == 1 && rows.len() == 1 {
                g.plan_downgrade(&rows, "-1").unwrap()
            } else {
                // Undo just `newest`: downgrade to its parents' state.
                let mut s = g.plan_downgrade(&rows, "base").unwrap();
                s.truncate(1);
                s
            };
            assert_eq!(steps.len(), 1);
            assert_eq!(steps[0].direction, Direction::Down);
            rows = run(&rows, &steps).iter().map(|s| id(s)).collect();
        }
        let again = g.plan_upgrade(&[], "heads").unwrap();
        assert_eq!(again, steps);
    }
}

#[test]
fn stamp_changes_rows_without_sql() {
    let g = merged();
    let c = g
        .plan_stamp(&ids(&["b"]), &[id("d1"), id("d2")], false)
        .unwrap();
    assert_eq!(c.delete, ids(&["b"]));
    assert_eq!(c.insert, ids(&["d1", "d2"]));
    let c = g
        .plan_stamp(&ids(&["d1", "d2"]), &["base".into()], false)
        .unwrap();
    assert_eq!(c.delete, ids(&["d1", "d2"]));
    assert!(c.insert.is_empty());
    // Unknown rows: refused, unless purged.
    let unknown = vec!["0123456789ab".to_string()];
    let e = g.plan_stamp(&unknown, &["head".into()], false).unwrap_err();
    assert!(matches!(e, Error::UnknownRevisions { .. }));
    assert!(e.to_string().contains("stamp REV --purge"));
    let c = g.plan_stamp(&unknown, &["head".into()], true).unwrap();
    assert_eq!(c.delete, unknown);
    assert_eq!(c.insert, ids(&["f"]));
}

/// A migration file: revision `id`, with the header lines `extra`.
fn source(id: &str, extra: &str) -> String {
    format!("-- revision: {id}\n{extra}-- migrate:upgrade\n")
}

#[test]
fn graph_errors_name_files() {
    let (a, b) = ("aaaaaaaaaaaa", "bbbbbbbbbbbb");
    let down = |to: &str| format!("-- down_revision: {to}\n");
    let label = "-- branch_labels: one\n";
    // (case, files, what its error says)
    let cases = [
        (
            "dup",
            vec![source(a, ""), source(a, "")],
            &["x.sql", "y.sql", "twice"][..],
        ),
        ("missing", vec![source(a, &down(b))], &["x.sql", b]),
        (
            "cycle",
            vec![source(a, &down(b)), source(b, &down(a))],
            &["cycle"],
        ),
        (
            "labels",
            vec![source(a, label), source(b, label)],
            &["`one`", "x.sql"],
        ),
        (
            "dep",
            vec![source(a, "-- depends_on: nolabel\n")],
            &["depends_on", "nolabel"],
        ),
    ];
    for (case, texts, wanted) in cases {
        let files: Vec<(&str, &str)> = ["x.sql", "y.sql"]
            .into_iter()
            .zip(texts.iter().map(String::as_str))
            .collect();
        let err = RevisionGraph::from_sources(&files).unwrap_err().to_string();
        for w in wanted {
            assert!(err.contains(w), "{case}: `{w}` missing from {err}");
        }
    }
}

#[test]
fn unknown_and_squashed_rows() {
    let g = linear();
    let e = g
        .check_current(&["999999999999".into()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("999999999999") && e.contains(&id("e")) && e.contains("--purge"),
        "{e}"
    );
    let sq = g.squash(&id("b"), &id("d"), "b to d").unwrap();
    assert_eq!(sq.revision.id, id("d"));
    assert_eq!(sq.revision.down_revisions, ids(&["a"]));
    assert_eq!(sq.revision.replaces, ids(&["b", "c"]));
    assert_eq!(sq.remove.len(), 3);
    let up = &sq.revision.upgrade;
    assert!(up.find("CREATE TABLE b").unwrap() < up.find("CREATE TABLE d").unwrap());
    let down = &sq.revision.downgrade;
    assert!(down.find("DROP TABLE d").unwrap() < down.find("DROP TABLE b").unwrap());
    // The new graph: a, d(squashed), e.
    let mut revs: Vec<Revision> = ["a", "e"]
        .iter()
        .map(|n| g.get(&id(n)).unwrap().clone())
        .collect();
    revs.push(sq.revision.clone());
    let g2 = RevisionGraph::from_revisions(revs).unwrap();
    let e = g2.check_current(&ids(&["c"])).unwrap_err();
    assert!(matches!(e, Error::Squashed { .. }), "{e}");
    assert!(e.to_string().contains("squashed into"), "{e}");
    assert!(g2.check_current(&ids(&["d"])).is_ok());
    assert!(g2.plan_upgrade(&ids(&["d"]), "head").unwrap().len() == 1);
}

#[test]
fn authoring_rules() {
    let g = branched();
    let e = g
        .new_revision(NewRevision {
            message: "x".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(e, Error::MultipleHeads { .. }));
    let e = g
        .new_revision(NewRevision {
            message: "x".into(),
            head: Some(id("b")),
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
    assert!(e.contains("--splice"), "{e}");
    let r = g
        .new_revision(NewRevision {
            message: "x".into(),
            head: Some(id("b")),
            splice: true,
            depends_on: vec!["feat".into()],
            rev_id: Some("abcdefabcdef".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.id, "abcdefabcdef");
    assert_eq!(r.down_revisions, ids(&["b"]));
    assert_eq!(r.depends_on, ids(&["c2"]));
    assert!(
        g.new_revision(NewRevision {
            rev_id: Some("XYZ".into()),
            head: Some("base".into()),
            ..Default::default()
        })
        .is_err()
    );
    assert!(
        g.new_revision(NewRevision {
            head: Some("base".into()),
            branch_labels: vec!["feat".into()],
            ..Default::default()
        })
        .is_err()
    );
    let m = g.merge_revision(&["heads".into()], "merge").unwrap();
    assert_eq!(m.down_revisions, ids(&["d1", "d2"]));
    assert!(g.merge_revision(&[id("b"), id("d1")], "m").is_err());
    let parsed = Revision::parse("m.sql", &m.render()).unwrap();
    assert_eq!(parsed.down_revisions, m.down_revisions);
}
