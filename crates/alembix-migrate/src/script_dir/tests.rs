//! Which entries of a script directory are revisions, and squashes applied
//! to a directory all or nothing.

use std::path::Path;

use super::*;
use crate::RevisionGraph;
use crate::graph::Squash;

fn id(name: &str) -> String {
    format!("{name:0<12}")
}

fn rev_text(name: &str, parent: &str, transaction: bool) -> String {
    let parent = if parent.is_empty() {
        String::new()
    } else {
        id(parent)
    };
    format!(
        "-- revision: {}\n-- down_revision: {parent}\n-- message: make {name}\n{}\n-- migrate:upgrade\nCREATE TABLE {name} (x int);\n\n-- migrate:downgrade\nDROP TABLE {name};\n",
        id(name),
        if transaction {
            ""
        } else {
            "-- transaction: false\n"
        }
    )
}

/// Entry names of `dir`, sorted (hidden ones included).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A directory with revisions a → b → c → d, one file each.
fn four(transactions: [bool; 4]) -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    for (i, (name, parent)) in [("a", ""), ("b", "a"), ("c", "b"), ("d", "c")]
        .into_iter()
        .enumerate()
    {
        std::fs::write(
            dir.path().join(format!("{i}_{name}.sql")),
            rev_text(name, parent, transactions[i]),
        )
        .unwrap();
    }
    dir
}

fn plan(dir: &Path) -> Squash {
    RevisionGraph::load(dir)
        .unwrap()
        .squash(&id("a"), &id("c"), "a to c")
        .unwrap()
}

#[test]
fn revision_file_names() {
    for yes in ["a.sql", "a.SQL", "a.Sql", ".a.sql", "x.y.sql"] {
        assert!(is_revision_file_name(yes), "{yes}");
    }
    for no in [
        ".sql",
        "a.sql~",
        "a.sql.bak",
        "a.sq",
        "README",
        "aé.sq",
        "é",
    ] {
        assert!(!is_revision_file_name(no), "{no}");
    }
}

#[test]
fn scan_sorts_out_revisions_ignored_and_hidden_entries() {
    let dir = tempfile::TempDir::new().unwrap();
    let d = dir.path();
    for f in ["1_a.sql", "2_b.SQL", "README.md", "3_c.sql.orig", ".x.swp"] {
        std::fs::write(d.join(f), "").unwrap();
    }
    for sub in ["old", ".squashed", ".git"] {
        std::fs::create_dir(d.join(sub)).unwrap();
    }
    std::fs::write(d.join("old/4_d.sql"), "").unwrap();
    let files = scan(d).unwrap();
    assert_eq!(files.revisions, vec![d.join("1_a.sql"), d.join("2_b.SQL")]);
    let ignored: Vec<(String, IgnoredKind)> = files
        .ignored
        .iter()
        .map(|i| {
            let name = i.path.file_name().unwrap().to_string_lossy().into_owned();
            (name, i.kind)
        })
        .collect();
    assert_eq!(
        ignored,
        vec![
            ("3_c.sql.orig".to_string(), IgnoredKind::NotSql),
            ("README.md".to_string(), IgnoredKind::NotSql),
            ("old".to_string(), IgnoredKind::Directory),
        ]
    );
    let text = files.ignored[2].to_string();
    assert!(
        text.contains("subdirectories") && text.contains("old"),
        "{text}"
    );
}

#[test]
fn load_reads_upper_case_extensions_and_byte_order_marks() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(dir.path().join("1_a.SQL"), rev_text("a", "", true)).unwrap();
    let b = format!("\u{feff}{}", rev_text("b", "a", true));
    std::fs::write(dir.path().join("2_b.sql"), b).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let (graph, ignored) = RevisionGraph::load_listing(dir.path()).unwrap();
    assert_eq!(graph.heads()[0].id, id("b"));
    assert!(graph.get(&id("a")).is_some());
    assert_eq!(ignored.len(), 1);
    assert_eq!(ignored[0].path, dir.path().join("notes.txt"));
}

#[test]
fn write_atomic_replaces_the_whole_file_and_leaves_no_temporary() {
    let dir = tempfile::TempDir::new().unwrap();
    let f = dir.path().join("x.sql");
    write_atomic(&f, "one\n").unwrap();
    write_atomic(&f, "two\n").unwrap();
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "two\n");
    assert_eq!(names(dir.path()), vec!["x.sql"]);
}

#[test]
fn squash_moves_the_replaced_files_into_squashed() {
    let dir = four([true; 4]);
    let sq = plan(dir.path());
    let done = sq.apply(dir.path(), false).unwrap();
    let new_name = sq.revision.file_name();
    let mut expected = vec![".squashed".to_string(), "3_d.sql".into(), new_name.clone()];
    expected.sort();
    assert_eq!(names(dir.path()), expected);
    let kept = names(&dir.path().join(SQUASHED_DIR));
    assert_eq!(kept, vec!["0_a.sql", "1_b.sql", "2_c.sql"]);
    assert_eq!(done.kept.len(), 3);
    assert_eq!(done.path, dir.path().join(&new_name));
    assert!(done.leftover.is_none());
    // The result loads; a second squash of the same ids keeps both backups.
    let graph = RevisionGraph::load(dir.path()).unwrap();
    assert_eq!(graph.get(&id("c")).unwrap().replaces, [id("a"), id("b")]);
    let store = dir.path().join(SQUASHED_DIR);
    assert_eq!(
        replace::free_name(&store, Path::new("0_a.sql")),
        store.join("0_a.1.sql")
    );
}

#[test]
fn squash_with_delete_removes_the_replaced_files() {
    let dir = four([true; 4]);
    let sq = plan(dir.path());
    let done = sq.apply(dir.path(), true).unwrap();
    let mut expected = vec!["3_d.sql".to_string(), sq.revision.file_name()];
    expected.sort();
    assert_eq!(names(dir.path()), expected);
    assert!(done.kept.is_empty() && done.leftover.is_none());
}

#[test]
fn squash_keeps_each_parts_transaction_mode_with_step_markers() {
    let dir = four([true, false, true, true]);
    let sq = plan(dir.path());
    let r = &sq.revision;
    assert!(
        r.transactional,
        "a mixed squash is not `transaction: false`"
    );
    assert_eq!(
        r.upgrade,
        format!(
            "-- step: transaction\n-- from {a}: make a\nCREATE TABLE a (x int);\n\n\
             -- step: no-transaction\n-- from {b}: make b\nCREATE TABLE b (x int);\n\n\
             -- step: transaction\n-- from {c}: make c\nCREATE TABLE c (x int);\n",
            a = id("a"),
            b = id("b"),
            c = id("c")
        )
    );
    assert!(
        r.downgrade.starts_with(&format!(
            "-- step: transaction\n-- from {}: make c\nDROP TABLE c;\n\n-- step: no-transaction\n-- from {}",
            id("c"),
            id("b")
        )),
        "{}",
        r.downgrade
    );
    // Written and read back, the markers are still there.
    sq.apply(dir.path(), false).unwrap();
    let graph = RevisionGraph::load(dir.path()).unwrap();
    assert_eq!(graph.get(&id("c")).unwrap().upgrade, r.upgrade);
    // All alike: no markers, the common mode in the header.
    let dir = four([false, false, false, true]);
    let r = plan(dir.path()).revision;
    assert!(!r.transactional && !r.upgrade.contains("-- step:"), "{r:?}");
    let dir = four([true; 4]);
    let r = plan(dir.path()).revision;
    assert!(r.transactional && !r.upgrade.contains("-- step:"), "{r:?}");
}

#[test]
fn a_failed_move_undoes_everything() {
    let dir = four([true; 4]);
    let sq = plan(dir.path());
    let before = names(dir.path());
    // The second file disappears between planning and applying: moving the
    // first has succeeded when moving the second fails.
    let b = std::fs::read_to_string(dir.path().join("1_b.sql")).unwrap();
    std::fs::remove_file(dir.path().join("1_b.sql")).unwrap();
    let e = sq.apply(dir.path(), false).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(&e, Error::SquashFiles { undo_failures, .. } if undo_failures.is_empty()),
        "{msg}"
    );
    assert!(
        msg.contains("cannot move")
            && msg.contains("1_b.sql")
            && msg.contains("nothing was changed"),
        "{msg}"
    );
    std::fs::write(dir.path().join("1_b.sql"), b).unwrap();
    assert_eq!(
        names(dir.path()),
        before,
        "no new file, no .squashed, no temporary"
    );
    // The same with --delete: the files come back from the staging directory.
    std::fs::remove_file(dir.path().join("2_c.sql")).unwrap();
    sq.apply(dir.path(), true).unwrap_err();
    let mut without_c = before.clone();
    without_c.retain(|n| n != "2_c.sql");
    assert_eq!(names(dir.path()), without_c);
}

#[test]
fn a_squashed_path_that_is_a_file_fails_before_any_change() {
    let dir = four([true; 4]);
    std::fs::write(dir.path().join(SQUASHED_DIR), "not a directory").unwrap();
    let before = names(dir.path());
    let e = plan(dir.path()).apply(dir.path(), false).unwrap_err();
    assert!(e.to_string().contains(".squashed"), "{e}");
    assert_eq!(names(dir.path()), before);
}

#[test]
fn a_new_file_name_taken_by_another_file_fails_before_any_change() {
    let dir = four([true; 4]);
    let sq = plan(dir.path());
    std::fs::write(dir.path().join(sq.revision.file_name()), "mine").unwrap();
    let before = names(dir.path());
    let e = sq.apply(dir.path(), false).unwrap_err();
    assert!(e.to_string().contains("exists"), "{e}");
    assert_eq!(names(dir.path()), before);
}
