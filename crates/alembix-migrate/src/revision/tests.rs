use super::*;
use crate::error::Error;
use alembix_schema::Dialect::{Postgres, Sqlite};

fn line_of(e: Error) -> (usize, String) {
    match e {
        Error::Parse { line, message, .. } => (line, message),
        other => panic!("expected a parse error, got {other}"),
    }
}

const GOOD: &str = "-- revision: 3f2a9c1b7d4e\n-- down_revision: 1a2b3c4d5e6f\n-- branch_labels:\n-- depends_on:\n-- message: add status to users\n-- created: 2026-11-22T09:15:00Z\n\n-- migrate:upgrade\nALTER TABLE \"users\" ADD COLUMN \"status\" varchar(20) DEFAULT 'active';\n\n-- migrate:downgrade\nALTER TABLE \"users\" DROP COLUMN \"status\";\n";

#[test]
fn parses_the_contract_example() {
    let r = Revision::parse("a.sql", GOOD).unwrap();
    assert_eq!(r.id, "3f2a9c1b7d4e");
    assert_eq!(r.down_revisions, vec!["1a2b3c4d5e6f"]);
    assert!(r.branch_labels.is_empty() && r.depends_on.is_empty());
    assert_eq!(r.message, "add status to users");
    assert_eq!(r.created.as_deref(), Some("2026-11-22T09:15:00Z"));
    assert!(r.transactional);
    assert_eq!(r.upgrade_line, 9);
    assert!(r.upgrade.starts_with("ALTER TABLE \"users\" ADD"));
    assert_eq!(r.downgrade_line, 12);
    assert_eq!(
        r.downgrade.trim(),
        "ALTER TABLE \"users\" DROP COLUMN \"status\";"
    );
    assert_eq!(
        r.file_name(),
        "20261122_0915_3f2a9c1b7d4e_add_status_to_users.sql"
    );
}

#[test]
fn render_round_trips() {
    let mut r = Revision::parse("a.sql", GOOD).unwrap();
    r.branch_labels = vec!["feature".into()];
    r.depends_on = vec!["aaaabbbbcccc".into()];
    r.down_revisions.push("0123456789ab".into());
    r.transactional = false;
    r.replaces = vec!["111111111111".into(), "222222222222".into()];
    let back = Revision::parse("a.sql", &r.render()).unwrap();
    assert_eq!(back.id, r.id);
    assert_eq!(back.down_revisions, r.down_revisions);
    assert_eq!(back.branch_labels, r.branch_labels);
    assert_eq!(back.depends_on, r.depends_on);
    assert_eq!(back.message, r.message);
    assert_eq!(back.created, r.created);
    assert_eq!(back.transactional, r.transactional);
    assert_eq!(back.replaces, r.replaces);
    assert_eq!(back.upgrade, r.upgrade);
    assert_eq!(back.downgrade, r.downgrade);
    assert_eq!(back.render(), r.render());
}

#[test]
fn errors_name_the_line() {
    let (id, up) = ("-- revision: 3f2a9c1b7d4e\n", "-- migrate:upgrade\n");
    // (file, the line the error names when checked, what its message says)
    let cases = [
        (
            format!("{id}-- colour: red\n{up}"),
            Some(2),
            "unknown header key `colour`",
        ),
        (
            format!("-- message: x\n\n{up}SELECT 1;\n"),
            Some(1),
            "missing `-- revision",
        ),
        (
            format!("-- revision: 3F2A9C1B7D4E\n{up}"),
            Some(1),
            "12 lowercase hex",
        ),
        (format!("{id}\nSELECT 1;\n"), Some(3), "SQL before"),
        (
            format!("{id}-- message: x\n"),
            None,
            "no `-- migrate:upgrade` section",
        ),
        (
            format!("{id}{up}-- migrate:downgrade\n-- migrate:downgrade\n"),
            Some(4),
            "second",
        ),
        (
            format!("{id}-- message: a\n-- message: b\n{up}"),
            Some(3),
            "twice",
        ),
        (
            format!("{id}-- branch_labels: head\n{up}"),
            Some(2),
            "reserved",
        ),
    ];
    for (text, line, wanted) in cases {
        let (l, m) = line_of(Revision::parse("a.sql", &text).unwrap_err());
        if let Some(line) = line {
            assert_eq!(l, line, "{text:?}: {m}");
        }
        assert!(m.contains(wanted), "{text:?}: {m}");
    }
}

#[test]
fn downgrade_section_is_optional() {
    let r = Revision::parse(
        "a.sql",
        "-- revision: 3f2a9c1b7d4e\n-- migrate:upgrade\nSELECT 1;\n",
    )
    .unwrap();
    assert_eq!(r.upgrade, "SELECT 1;\n");
    assert_eq!(r.downgrade, "");
    assert_eq!(r.downgrade_line, 0);
}

#[test]
fn ids_and_slugs() {
    let id = new_id();
    assert!(is_revision_id(&id), "{id}");
    assert_ne!(new_id(), new_id());
    assert_eq!(slug("Add status, to  Users!"), "add_status_to_users");
    assert_eq!(slug("  "), "revision");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let with_bom = format!("\u{feff}{GOOD}");
    let r = Revision::parse("a.sql", &with_bom).unwrap();
    assert_eq!(r, Revision::parse("a.sql", GOOD).unwrap());
    assert_eq!(r.upgrade_line, 9);
    // Only at the very start: elsewhere it is text like any other.
    let late = GOOD.replace("-- message:", "\u{feff}-- message:");
    assert!(Revision::parse("a.sql", &late).is_err());
}

#[test]
fn step_markers_stay_in_the_section_text() {
    let text = "-- revision: 3f2a9c1b7d4e\n\n-- migrate:upgrade\nCREATE TABLE a (id int);\n-- step: no-transaction\nCREATE INDEX CONCURRENTLY ix ON a (id);\n-- step: transaction\nDROP TABLE b;\n\n-- migrate:downgrade\n-- step: no-transaction\nDROP INDEX CONCURRENTLY ix;\n";
    let r = Revision::parse("a.sql", text).unwrap();
    assert_eq!(
        r.upgrade,
        "CREATE TABLE a (id int);\n-- step: no-transaction\nCREATE INDEX CONCURRENTLY ix ON a (id);\n-- step: transaction\nDROP TABLE b;\n"
    );
    assert_eq!(
        r.downgrade,
        "-- step: no-transaction\nDROP INDEX CONCURRENTLY ix;\n"
    );
    assert!(r.transactional);
    let back = Revision::parse("a.sql", &r.render()).unwrap();
    assert_eq!((back.upgrade, back.downgrade), (r.upgrade, r.downgrade));
}

const STEPS: &str = "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: steps\n\n-- migrate:upgrade\nCREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n-- step: no-transaction\nCREATE INDEX CONCURRENTLY ix ON a (x);\nSELECT 1;\n-- step: transaction\n-- statement: begin\nCREATE FUNCTION f() RETURNS int AS 'SELECT 1;\n-- step: no-transaction\n' LANGUAGE sql;\n-- statement: end\n\n-- migrate:downgrade\nDROP TABLE a;\n";

#[test]
fn steps_split_a_section() {
    let r = Revision::parse("s.sql", STEPS).unwrap();
    let steps = r.steps(Direction::Up, Postgres).unwrap();
    let shape: Vec<(bool, usize, usize)> = steps
        .iter()
        .map(|s| (s.transactional, s.first, s.statements.len()))
        .collect();
    assert_eq!(shape, vec![(true, 1, 2), (false, 3, 2), (true, 5, 1)]);
    assert_eq!(steps[1].statements[0].line, 9);
    assert_eq!(steps[1].statements[1].sql, "SELECT 1");
    assert!(
        steps[2].statements[0]
            .sql
            .contains("-- step: no-transaction")
    );
    assert_eq!(steps[2].statements[0].line, 13);
    assert_eq!(r.statements(Direction::Up, Postgres).unwrap().len(), 5);
    // `transaction: false` makes the statements before the first marker a
    // no-transaction step.
    let mut r = r;
    r.transactional = false;
    let steps = r.steps(Direction::Up, Sqlite).unwrap();
    assert!(!steps[0].transactional && steps[2].transactional);
}

#[test]
fn unknown_step_kind_names_the_line() {
    let text = STEPS.replace("-- step: transaction\n", "-- step: transactional\n");
    let (l, m) = line_of(Revision::parse("s.sql", &text).unwrap_err());
    assert_eq!(l, 11);
    assert!(m.contains("`transactional`"), "{m}");
    let text = STEPS.replace("DROP TABLE a;", "-- step: later\nDROP TABLE a;");
    let (l, _) = line_of(Revision::parse("s.sql", &text).unwrap_err());
    assert_eq!(l, 19);
}
