//! Malformed revision files and header lines: the parser and the graph
//! builder return errors, never panic.

use alembix_migrate::{Revision, RevisionGraph};
use proptest::prelude::*;

const VALID: &str = "-- revision: 3f2a9c1b7d4e\n-- down_revision: 1a2b3c4d5e6f\n-- branch_labels: feat\n-- depends_on:\n-- message: add status\n-- created: 2026-11-22T09:15:00Z\n\n-- migrate:upgrade\nALTER TABLE users ADD COLUMN status text;\n\n-- migrate:downgrade\nALTER TABLE users DROP COLUMN status;\n";

/// Header-like lines, markers and SQL fragments to splice into files.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-- migrate:upgrade".to_string()),
        Just("-- migrate:downgrade".to_string()),
        Just("-- revision: 3f2a9c1b7d4e".to_string()),
        Just("-- revision:".to_string()),
        Just("-- down_revision: 3f2a9c1b7d4e, 3f2a9c1b7d4e".to_string()),
        Just("-- depends_on: head".to_string()),
        Just("-- branch_labels: @x, , ::".to_string()),
        Just("-- transaction: maybe".to_string()),
        Just("-- created: not a date".to_string()),
        "-- [a-z_]{0,12}: [ -~]{0,20}",
        "[ -~]{0,40}",
        "\\PC{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,400}") {
        let _ = Revision::parse("x.sql", &s);
    }

    #[test]
    fn spliced_files_never_panic(lines in proptest::collection::vec(fragment(), 0..12), at in 0usize..14) {
        let mut all: Vec<String> = VALID.lines().map(str::to_string).collect();
        let at = at.min(all.len());
        for (n, l) in lines.into_iter().enumerate() {
            all.insert((at + n).min(all.len()), l);
        }
        let text = all.join("\n");
        if let Ok(r) = Revision::parse("x.sql", &text) {
            // A file that parses renders to one that parses the same.
            let back = Revision::parse("x.sql", &r.render()).expect("render parses");
            prop_assert_eq!(back.id, r.id);
            prop_assert_eq!(back.down_revisions, r.down_revisions);
        }
        let _ = RevisionGraph::from_sources(&[("x.sql", text.as_str()), ("y.sql", VALID)]);
    }

    #[test]
    fn graphs_of_random_edges_never_panic(edges in proptest::collection::vec((0u8..6, proptest::option::of(0u8..6)), 1..8)) {
        let files: Vec<(String, String)> = edges
            .iter()
            .enumerate()
            .map(|(n, (id, parent))| {
                (
                    format!("{n}.sql"),
                    format!(
                        "-- revision: {id:012x}\n-- down_revision: {}\n-- migrate:upgrade\nSELECT 1;\n",
                        parent.map(|p| format!("{p:012x}")).unwrap_or_default()
                    ),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        if let Ok(g) = RevisionGraph::from_sources(&refs) {
            for target in ["head", "heads", "base", "+1", "-1", "+2", "0000"] {
                let _ = g.plan_upgrade(&[], target);
                let heads: Vec<String> = g.heads().iter().map(|r| r.id.clone()).collect();
                let _ = g.plan_downgrade(&heads, target);
            }
        }
    }
}
