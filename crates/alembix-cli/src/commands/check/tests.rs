//! Every combination of `check`'s findings gives one consistent report.

use super::*;

fn findings(heads: (bool, bool, bool), drift: usize, models: &Models) -> Findings {
    Findings {
        several_heads: heads.0.then(|| "there are 2 heads (a, b)".to_string()),
        not_at_head: heads.1.then(|| "the database is not at head".to_string()),
        halfway: heads
            .2
            .then(|| "half-way: revision r, statement 2 of 3".to_string()),
        drift: (0..drift).map(|i| format!("drift: revision {i}")).collect(),
        lint: None,
        models: models.clone(),
    }
}

fn model_cases() -> Vec<Models> {
    vec![
        Models::NotCompared {
            patterns: "src/**/*.rs".into(),
        },
        Models::Compared(Vec::new()),
        Models::Compared(vec!["models and database differ: create table t".into()]),
        Models::Compared(vec![
            "models and database differ: create table t".into(),
            "models and database differ: drop table u".into(),
        ]),
    ]
}

#[test]
fn every_combination_is_consistent() {
    for several in [false, true] {
        for (behind, halfway) in [(false, false), (true, false), (true, true)] {
            for drift in [0, 1, 2] {
                for models in model_cases() {
                    let f = findings((several, behind, halfway), drift, &models);
                    let (lines, code) = report(&f);
                    let case = format!("{f:?} -> {lines:#?}");
                    let diffs = match &models {
                        Models::Compared(d) => d.len(),
                        Models::NotCompared { .. } => 0,
                    };
                    let problems = usize::from(several)
                        + usize::from(behind)
                        + usize::from(halfway)
                        + drift
                        + diffs;
                    assert_eq!(lines.len(), problems + 1, "{case}");
                    assert_eq!(code, i32::from(problems > 0), "{case}");
                    let summary = lines.last().unwrap();
                    assert_eq!(summary.starts_with("OK: "), problems == 0, "{case}");
                    assert_eq!(summary.starts_with("NOT OK: "), problems > 0, "{case}");
                    // Each finding is stated once, as it is.
                    assert_eq!(
                        summary.contains("the database is at head"),
                        !several && !behind,
                        "{case}"
                    );
                    assert_eq!(summary.contains("several heads"), several, "{case}");
                    assert_eq!(summary.contains("is not at"), behind, "{case}");
                    assert_eq!(summary.contains("half-way"), halfway, "{case}");
                    assert_eq!(
                        summary.contains("every applied revision is unchanged"),
                        drift == 0,
                        "{case}"
                    );
                    assert_eq!(
                        summary.contains("was changed") || summary.contains("were changed"),
                        drift > 0,
                        "{case}"
                    );
                    let not_compared = matches!(models, Models::NotCompared { .. });
                    assert_eq!(summary.contains("not compared"), not_compared, "{case}");
                    assert_eq!(
                        summary.contains("models match"),
                        !not_compared && diffs == 0,
                        "{case}"
                    );
                    assert_eq!(summary.contains("differ ("), diffs > 0, "{case}");
                    // No line anywhere claims a comparison that was not made.
                    if not_compared {
                        assert!(
                            lines
                                .iter()
                                .all(|l| !l.contains("models match") && !l.contains("differ")),
                            "{case}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn exact_reports() {
    let not_compared = Models::NotCompared {
        patterns: "src/**/*.rs".into(),
    };
    assert_eq!(
        report(&findings((false, false, false), 0, &Models::Compared(Vec::new()))),
        (
            vec!["OK: the database is at head, every applied revision is unchanged, and the models match the database".to_string()],
            0
        )
    );
    assert_eq!(
        report(&findings((false, false, false), 0, &not_compared)),
        (
            vec!["OK: the database is at head, every applied revision is unchanged, and the models were not compared with the database (no model files match src/**/*.rs)".to_string()],
            0
        )
    );
    assert_eq!(
        report(&findings((false, true, false), 1, &not_compared)),
        (
            vec![
                "the database is not at head".to_string(),
                "drift: revision 0".into(),
                "NOT OK: the database is not at head, 1 applied revision was changed after it was applied, and the models were not compared with the database (no model files match src/**/*.rs)".into(),
            ],
            1
        )
    );
}

#[test]
fn lint_of_revisions_to_apply() {
    let mut f = findings((false, true, false), 0, &Models::Compared(Vec::new()));
    f.lint = Some(Lint {
        revisions: 2,
        errors: vec!["lint: m/a.sql:9: error[non-concurrent-index]: ...".into()],
        warnings: 1,
    });
    let (lines, code) = report(&f);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "the database is not at head",
            "lint: m/a.sql:9: error[non-concurrent-index]: ...",
            "NOT OK: the database is not at head (the 2 revisions to apply have 1 lint error, 1 lint warning; see `alembix lint`), every applied revision is unchanged, and the models match the database",
        ]
    );
    f.lint = Some(Lint {
        revisions: 1,
        errors: Vec::new(),
        warnings: 0,
    });
    let (lines, _) = report(&f);
    assert!(
        lines[1].contains("(the 1 revision to apply lint clean of errors)"),
        "{lines:?}"
    );
}
