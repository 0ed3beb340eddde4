//! Revision sections with online DDL, without a database: step markers,
//! warnings in front of their statements, and what the engine makes of the
//! text (steps, statements, lint).

use alembix_autogen::autogen::{Sections, render_sections, render_sections_with};
use alembix_autogen::diff::{DiffOptions, diff};
use alembix_migrate::lint::{Severity, lint_revision};
use alembix_migrate::{Direction, Revision};
use alembix_schema::plan::RenderOptions;
use alembix_schema::{Column, ColumnType, Dialect, ForeignKey, Index, ReferentialAction, Schema};
use alembix_schema::{Table, UniqueConstraint};

const ONLINE: RenderOptions = RenderOptions {
    online_ddl: true,
    step_statements: None,
};

fn authors() -> Table {
    Table::new("authors")
        .column(Column::new("id", ColumnType::BigInt).auto_increment())
        .column(Column::new("name", ColumnType::Varchar(Some(100))))
        .primary_key(&["id"])
}

fn posts() -> Table {
    Table::new("posts")
        .column(Column::new("id", ColumnType::BigInt).auto_increment())
        .column(Column::new("author_id", ColumnType::BigInt))
        .column(Column::new("title", ColumnType::Varchar(Some(200))))
        .primary_key(&["id"])
}

/// The models of the end-to-end scenario: an index, a foreign key, a unique
/// constraint and a backfilled NOT NULL column on existing tables.
fn models() -> Schema {
    let mut a = authors();
    a.uniques.push(UniqueConstraint {
        name: "uq_authors_name".into(),
        columns: vec!["name".into()],
    });
    let mut p = posts();
    let mut status = Column::new("status", ColumnType::Varchar(Some(20)));
    status.backfill = Some("'draft'".into());
    p.columns.push(status);
    p.indexes.push(Index {
        name: "ix_posts_title".into(),
        columns: vec!["title".into()],
        ..Default::default()
    });
    p.foreign_keys.push(ForeignKey {
        name: "fk_posts_author_id_authors".into(),
        columns: vec!["author_id".into()],
        ref_table: "authors".into(),
        ref_schema: None,
        ref_columns: vec!["id".into()],
        on_delete: ReferentialAction::NoAction,
        on_update: ReferentialAction::NoAction,
    });
    Schema {
        tables: vec![a, p],
        ..Default::default()
    }
}

fn current() -> Schema {
    Schema {
        tables: vec![authors(), posts()],
        ..Default::default()
    }
}

/// The sections as a revision file reads them.
fn revision(s: &Sections) -> Revision {
    let tx = if s.transactional {
        ""
    } else {
        "-- transaction: false\n"
    };
    let text = format!(
        "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: m\n{tx}\n-- migrate:upgrade\n{}\n-- migrate:downgrade\n{}",
        s.upgrade, s.downgrade
    );
    Revision::parse("x.sql", &text).unwrap()
}

#[test]
fn postgres_steps_and_statements() {
    let m = models();
    let d = diff(
        &current(),
        &m,
        &m,
        Dialect::Postgres,
        &DiffOptions::default(),
    );
    let s = render_sections_with(&d, Dialect::Postgres, &ONLINE).unwrap();
    let rev = revision(&s);
    let steps = rev.steps(Direction::Up, Dialect::Postgres).unwrap();
    let kinds: Vec<(bool, usize)> = steps
        .iter()
        .map(|st| (st.transactional, st.statements.len()))
        .collect();
    // add column | DO | add check | validate | set not null, drop check |
    // unique index | attach | index | fk | validate fk
    assert_eq!(
        kinds,
        [
            (true, 1),
            (false, 1),
            (true, 1),
            (true, 1),
            (true, 2),
            (false, 1),
            (true, 1),
            (false, 1),
            (true, 1),
            (true, 1)
        ],
        "{}",
        s.upgrade
    );
    // The `DO` block is one statement, its `COMMIT`s inside.
    let block = &steps[1].statements[0].sql;
    assert!(
        block.starts_with("DO $$") && block.ends_with("$$"),
        "{block}"
    );
    assert_eq!(block.matches("COMMIT;").count(), 2);
    let found = lint_revision(&rev, Dialect::Postgres, &[]).unwrap();
    let errors: Vec<_> = found
        .iter()
        .filter(|f| f.rule.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{}", s.upgrade);
    let ids: Vec<&str> = found.iter().map(|f| f.rule.id).collect();
    assert!(!ids.contains(&"set-not-null"), "{ids:?}");
    assert!(!ids.contains(&"constraint-without-not-valid"), "{ids:?}");
}

#[test]
fn warnings_stay_in_front_of_their_statements() {
    // The downgrade drops the index concurrently, then the column: the
    // step line comes first, then the warning, then the statement.
    let mut m = current();
    m.tables[1]
        .columns
        .push(Column::new("body", ColumnType::Text).nullable());
    m.tables[1].indexes.push(Index {
        name: "ix_posts_body".into(),
        columns: vec!["body".into()],
        ..Default::default()
    });
    let d = diff(
        &current(),
        &m,
        &m,
        Dialect::Postgres,
        &DiffOptions::default(),
    );
    let s = render_sections_with(&d, Dialect::Postgres, &ONLINE).unwrap();
    assert_eq!(
        s.upgrade,
        "ALTER TABLE \"posts\" ADD COLUMN \"body\" text;\n\
         -- step: no-transaction\n\
         CREATE INDEX CONCURRENTLY IF NOT EXISTS \"ix_posts_body\" ON \"posts\" (\"body\");\n"
    );
    assert_eq!(
        s.downgrade,
        "-- step: no-transaction\n\
         DROP INDEX CONCURRENTLY IF EXISTS \"ix_posts_body\";\n\
         -- step: transaction\n\
         -- WARNING: drop_column drops what this revision added\n\
         ALTER TABLE \"posts\" DROP COLUMN \"body\";\n"
    );
}

#[test]
fn online_sections_lint_clean_on_every_backend() {
    let m = models();
    for dialect in Dialect::ALL {
        let d = diff(&current(), &m, &m, dialect, &DiffOptions::default());
        let s = render_sections_with(&d, dialect, &ONLINE).unwrap();
        let rev = revision(&s);
        let found = lint_revision(&rev, dialect, &[]).unwrap();
        assert!(
            found.iter().all(|f| f.rule.severity < Severity::Error),
            "{dialect:?}: {found:#?}"
        );
    }
}

#[test]
fn plain_sections_are_unchanged() {
    let m = models();
    for dialect in Dialect::ALL {
        let d = diff(&current(), &m, &m, dialect, &DiffOptions::default());
        let plain = render_sections(&d, dialect).unwrap();
        let off = render_sections_with(&d, dialect, &RenderOptions::default()).unwrap();
        assert_eq!(plain.upgrade, off.upgrade);
        assert!(!plain.upgrade.contains("-- step:"), "{}", plain.upgrade);
        for word in ["CONCURRENTLY", "NOT VALID", "ALGORITHM", "DO $$"] {
            assert!(
                !plain.upgrade.contains(word),
                "{dialect:?}: {}",
                plain.upgrade
            );
        }
    }
}

/// More statements than `step_statements` allows: several transactional
/// steps, an op's statements never cut, the order kept; a SQLite section
/// with its own transaction (a rebuild) is never cut.
#[test]
fn long_sections_are_cut_into_steps() {
    let mut tables = Vec::new();
    for i in 0..5 {
        let mut t = Table::new(format!("t{i}"))
            .column(Column::new("id", ColumnType::BigInt))
            .column(Column::new("name", ColumnType::Text));
        t.indexes.push(Index {
            name: format!("ix_t{i}_name"),
            columns: vec!["name".into()],
            ..Default::default()
        });
        tables.push(t);
    }
    let m = Schema {
        tables,
        ..Default::default()
    };
    let d = diff(
        &Schema::default(),
        &m,
        &m,
        Dialect::Postgres,
        &DiffOptions::default(),
    );
    let opts = RenderOptions {
        online_ddl: true,
        step_statements: Some(3),
    };
    let s = render_sections_with(&d, Dialect::Postgres, &opts).unwrap();
    let rev = revision(&s);
    let sizes = |dir| -> Vec<(bool, usize)> {
        rev.steps(dir, Dialect::Postgres)
            .unwrap()
            .iter()
            .map(|st| (st.transactional, st.statements.len()))
            .collect()
    };
    // Five CREATE TABLEs, five CREATE INDEXes, three a step.
    assert_eq!(
        sizes(Direction::Up),
        [(true, 3), (true, 3), (true, 3), (true, 1)],
        "{}",
        s.upgrade
    );
    assert_eq!(
        sizes(Direction::Down),
        [(true, 3), (true, 2)],
        "{}",
        s.downgrade
    );
    // The statements and their order are those of one step.
    let whole = render_sections(&d, Dialect::Postgres).unwrap();
    assert!(!whole.upgrade.contains("-- step:"), "{}", whole.upgrade);
    assert_eq!(
        s.upgrade.replace("-- step: transaction\n", ""),
        whole.upgrade
    );

    // SQLite: a rebuild makes the sections hold their own transaction.
    let current = Schema {
        tables: vec![authors(), posts()],
        ..Default::default()
    };
    let mut changed = posts();
    changed.columns[2] = Column::new("title", ColumnType::Varchar(Some(200))).nullable();
    let mut target = current.clone();
    target.tables[1] = changed;
    target
        .tables
        .push(Table::new("t9").column(Column::new("id", ColumnType::BigInt)));
    let d = diff(
        &current,
        &target,
        &target,
        Dialect::Sqlite,
        &DiffOptions::default(),
    );
    let s = render_sections_with(
        &d,
        Dialect::Sqlite,
        &RenderOptions {
            online_ddl: false,
            step_statements: Some(1),
        },
    )
    .unwrap();
    assert!(!s.transactional, "{}", s.upgrade);
    assert!(!s.upgrade.contains("-- step:"), "{}", s.upgrade);
}
