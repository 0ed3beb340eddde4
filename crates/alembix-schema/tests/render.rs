//! Snapshot tests of the SQL rendered for every op on every dialect, side by
//! side. Each snapshot shows PostgreSQL, MySQL and SQLite in turn; a
//! statement that cannot be rendered shows the error.

use std::fmt::Write;

use alembix_schema::{
    Check, Column, ColumnType, Dialect, EnumType, ForeignKey, Index, Op, PrimaryKey,
    ReferentialAction, Table, UniqueConstraint, render_op,
};

const DIALECTS: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

/// The SQL of some ops on the three dialects, as one text.
fn sql(ops: &[Op]) -> String {
    let mut out = String::new();
    for d in DIALECTS {
        writeln!(out, "-- {d:?}").unwrap();
        for op in ops {
            match render_op(op, d) {
                Ok(stmts) if stmts.is_empty() => writeln!(out, "-- (nothing)").unwrap(),
                Ok(stmts) => {
                    for s in stmts {
                        writeln!(out, "{s};").unwrap();
                    }
                }
                Err(e) => writeln!(out, "-- ERROR: {e}").unwrap(),
            }
        }
    }
    out
}

fn mood() -> ColumnType {
    ColumnType::Enum {
        name: "mood".into(),
        values: vec!["happy".into(), "sad".into()],
    }
}

fn fk(name: &str, columns: &[&str], ref_table: &str, on_delete: ReferentialAction) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ref_table: ref_table.into(),
        ref_schema: None,
        ref_columns: vec!["id".into()],
        on_delete,
        on_update: ReferentialAction::NoAction,
    }
}

fn users() -> Table {
    let mut t = Table::new("users")
        .column(Column::new("id", ColumnType::BigInt).auto_increment())
        .column(Column::new("email", ColumnType::Varchar(Some(255))))
        .column(
            Column::new("status", ColumnType::Varchar(Some(20)))
                .nullable()
                .default("'active'"),
        )
        .column(Column::new("org_id", ColumnType::BigInt))
        .column(Column::new("mood", mood()).nullable())
        .column(
            Column::new(
                "balance",
                ColumnType::Decimal {
                    precision: Some(12),
                    scale: Some(2),
                },
            )
            .default("0"),
        )
        .column(Column::new("age", ColumnType::Integer))
        .column(Column::new("created_at", ColumnType::TimestampTz).default("CURRENT_TIMESTAMP"))
        .primary_key(&["id"]);
    t.columns[1].comment = Some("login e-mail".into());
    t.comment = Some("people who log in".into());
    t.uniques.push(UniqueConstraint {
        name: "uq_users_email".into(),
        columns: vec!["email".into()],
    });
    t.foreign_keys.push(ForeignKey {
        on_update: ReferentialAction::Restrict,
        ..fk(
            "fk_users_org_id_orgs",
            &["org_id"],
            "orgs",
            ReferentialAction::Cascade,
        )
    });
    t.checks.push(Check {
        name: "ck_users_age".into(),
        expr: "age >= 0".into(),
    });
    t.indexes.push(Index {
        name: "ix_users_org_id".into(),
        columns: vec!["org_id".into()],
        unique: false,
        ..Default::default()
    });
    t
}

#[test]
fn create_table() {
    insta::assert_snapshot!(sql(&[Op::CreateTable { table: users() }]));
}

#[test]
fn create_table_composite_key_and_schema() {
    let mut t = Table::new("memberships")
        .column(Column::new("user_id", ColumnType::BigInt))
        .column(Column::new("org_id", ColumnType::BigInt))
        .column(Column::new("role", ColumnType::Text).default("'member'"))
        .primary_key(&["user_id", "org_id"]);
    t.schema = Some("app".into());
    t.foreign_keys.push(ForeignKey {
        ref_schema: Some("app".into()),
        on_update: ReferentialAction::Cascade,
        ..fk(
            "fk_memberships_user_id_users",
            &["user_id"],
            "users",
            ReferentialAction::NoAction,
        )
    });
    insta::assert_snapshot!(sql(&[
        Op::CreateTable { table: t.clone() },
        Op::DropTable { table: t }
    ]));
}

#[test]
fn create_table_every_type() {
    use ColumnType as T;
    let types = vec![
        ("small", T::SmallInt),
        ("int", T::Integer),
        ("big", T::BigInt),
        ("real", T::Real),
        ("double", T::Double),
        (
            "dec",
            T::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
        ),
        (
            "dec_p",
            T::Decimal {
                precision: Some(10),
                scale: None,
            },
        ),
        (
            "dec_none",
            T::Decimal {
                precision: None,
                scale: None,
            },
        ),
        ("flag", T::Boolean),
        ("code", T::Char { length: 3 }),
        ("name", T::Varchar(Some(40))),
        ("name_unbounded", T::Varchar(None)),
        ("body", T::Text),
        ("data", T::Binary),
        ("day", T::Date),
        ("at_time", T::Time),
        ("at", T::Timestamp),
        ("at_tz", T::TimestampTz),
        ("uid", T::Uuid),
        ("doc", T::Json),
        ("mood", mood()),
        (
            "custom",
            T::Custom {
                sql: "varchar(7)".into(),
            },
        ),
    ];
    let mut t = Table::new("every_type");
    for (name, ty) in types {
        t = t.column(Column::new(name, ty).nullable());
    }
    insta::assert_snapshot!(sql(&[Op::CreateTable { table: t }]));
}

#[test]
fn drop_and_rename_table() {
    insta::assert_snapshot!(sql(&[
        Op::DropTable { table: users() },
        Op::RenameTable {
            table: "accounts".into(),
            from: "users".into()
        },
    ]));
}

#[test]
fn add_column() {
    let mut commented = Column::new("nick", ColumnType::Varchar(Some(30))).nullable();
    commented.comment = Some("shown to others".into());
    insta::assert_snapshot!(sql(&[
        Op::AddColumn {
            table: "users".into(),
            column: Column::new("status", ColumnType::Varchar(Some(20)))
                .nullable()
                .default("'active'"),
        },
        Op::AddColumn {
            table: "users".into(),
            column: Column::new("score", ColumnType::Integer).default("0"),
        },
        Op::AddColumn {
            table: "users".into(),
            column: commented,
        },
        Op::AddColumn {
            table: "users".into(),
            column: Column::new("mood", mood()).nullable(),
        },
        // SQLite: NOT NULL without a default is an error.
        Op::AddColumn {
            table: "users".into(),
            column: Column::new("age", ColumnType::Integer),
        },
        // SQLite: auto-increment is an error.
        Op::AddColumn {
            table: "users".into(),
            column: Column::new("seq", ColumnType::BigInt).auto_increment(),
        },
    ]));
}

#[test]
fn drop_and_rename_column() {
    insta::assert_snapshot!(sql(&[
        Op::DropColumn {
            table: "users".into(),
            column: Column::new("age", ColumnType::Integer),
        },
        Op::RenameColumn {
            table: "users".into(),
            column: "full_name".into(),
            from: "fullname".into(),
        },
    ]));
}

fn alter(from: Column, to: Column) -> Op {
    Op::AlterColumn {
        table: "users".into(),
        from,
        to,
    }
}

#[test]
fn alter_column_type() {
    let n = |ty| Column::new("n", ty);
    insta::assert_snapshot!(sql(&[
        alter(n(ColumnType::Integer), n(ColumnType::BigInt)),
        alter(
            n(ColumnType::Varchar(Some(20))),
            n(ColumnType::Varchar(Some(50)))
        ),
        // text to enum, and the default survives the type change.
        alter(
            n(ColumnType::Text).default("'happy'"),
            n(mood()).default("'happy'")
        ),
    ]));
}

#[test]
fn alter_column_nullable_default_comment() {
    let c = || Column::new("status", ColumnType::Varchar(Some(20)));
    let mut commented = c();
    commented.comment = Some("current state".into());
    insta::assert_snapshot!(sql(&[
        alter(c(), c().nullable()),
        alter(c().nullable(), c()),
        alter(c(), c().default("'active'")),
        alter(c().default("'active'"), c()),
        alter(c(), commented.clone()),
        alter(commented, c()),
    ]));
}

#[test]
fn alter_column_auto_increment() {
    let c = || Column::new("id", ColumnType::BigInt);
    insta::assert_snapshot!(sql(&[
        alter(c(), c().auto_increment()),
        alter(c().auto_increment(), c()),
    ]));
}

#[test]
fn alter_column_several_changes() {
    let from = Column::new("score", ColumnType::Integer)
        .nullable()
        .default("0");
    let mut to = Column::new("score", ColumnType::BigInt).default("1");
    to.comment = Some("points".into());
    insta::assert_snapshot!(sql(&[alter(from, to)]));
}

#[test]
fn indexes() {
    let ix = Index {
        name: "ix_users_org_id_created_at".into(),
        columns: vec!["org_id".into(), "created_at".into()],
        unique: false,
        ..Default::default()
    };
    let uix = Index {
        name: "ix_users_email".into(),
        columns: vec!["email".into()],
        unique: true,
        ..Default::default()
    };
    insta::assert_snapshot!(sql(&[
        Op::CreateIndex {
            table: "users".into(),
            index: ix.clone()
        },
        Op::CreateIndex {
            table: "users".into(),
            index: uix
        },
        Op::DropIndex {
            table: "users".into(),
            index: ix
        },
    ]));
}

#[test]
fn unique_constraints() {
    let uq = UniqueConstraint {
        name: "uq_users_org_id_email".into(),
        columns: vec!["org_id".into(), "email".into()],
    };
    insta::assert_snapshot!(sql(&[
        Op::AddUnique {
            table: "users".into(),
            unique: uq.clone()
        },
        Op::DropUnique {
            table: "users".into(),
            unique: uq
        },
    ]));
}

#[test]
fn foreign_keys() {
    let f = ForeignKey {
        on_update: ReferentialAction::SetDefault,
        ..fk(
            "fk_users_org_id_orgs",
            &["org_id"],
            "orgs",
            ReferentialAction::SetNull,
        )
    };
    let plain = fk(
        "fk_users_team_id_teams",
        &["team_id"],
        "teams",
        ReferentialAction::NoAction,
    );
    insta::assert_snapshot!(sql(&[
        Op::AddForeignKey {
            table: "users".into(),
            foreign_key: f.clone()
        },
        Op::AddForeignKey {
            table: "users".into(),
            foreign_key: plain
        },
        Op::DropForeignKey {
            table: "users".into(),
            foreign_key: f
        },
    ]));
}

#[test]
fn checks() {
    let ck = Check {
        name: "ck_users_age".into(),
        expr: "age >= 0 AND age < 200".into(),
    };
    insta::assert_snapshot!(sql(&[
        Op::AddCheck {
            table: "users".into(),
            check: ck.clone()
        },
        Op::DropCheck {
            table: "users".into(),
            check: ck
        },
    ]));
}

#[test]
fn primary_keys() {
    let pk = PrimaryKey {
        name: "pk_memberships".into(),
        columns: vec!["user_id".into(), "org_id".into()],
    };
    insta::assert_snapshot!(sql(&[
        Op::AddPrimaryKey {
            table: "memberships".into(),
            primary_key: pk.clone()
        },
        Op::DropPrimaryKey {
            table: "memberships".into(),
            primary_key: pk
        },
    ]));
}

#[test]
fn enums() {
    let e = EnumType {
        name: "mood".into(),
        values: vec!["happy".into(), "sad".into(), "it's complicated".into()],
    };
    let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    insta::assert_snapshot!(sql(&[
        Op::CreateEnum {
            enum_type: e.clone()
        },
        Op::AlterEnum {
            name: "mood".into(),
            from: v(&["happy", "sad"]),
            to: v(&["happy", "sad", "angry"]),
        },
        Op::AlterEnum {
            name: "mood".into(),
            from: v(&["happy", "sad"]),
            to: v(&["calm", "zen", "happy", "meh", "sad", "angry"]),
        },
        Op::AlterEnum {
            name: "mood".into(),
            from: v(&["happy", "sad"]),
            to: v(&["happy"]),
        },
        Op::AlterEnum {
            name: "mood".into(),
            from: v(&["happy", "sad"]),
            to: v(&["sad", "happy"]),
        },
        Op::DropEnum { enum_type: e },
    ]));
}

#[test]
fn table_comment() {
    insta::assert_snapshot!(sql(&[
        Op::AlterTableComment {
            table: "users".into(),
            from: None,
            to: Some("people who log in".into()),
        },
        Op::AlterTableComment {
            table: "users".into(),
            from: Some("people who log in".into()),
            to: None,
        },
    ]));
}

/// Reserved words, mixed case and quote characters in identifiers; quotes and
/// a backslash in comments and enum labels.
#[test]
fn awkward_identifiers_and_literals() {
    let odd = r#"we"ird`name"#;
    let mut order = Table::new("order")
        .column(Column::new("id", ColumnType::Integer).auto_increment())
        .column(Column::new("User", ColumnType::Integer).nullable())
        .column(Column::new("select", ColumnType::Text).nullable())
        .column(
            Column::new(
                odd,
                ColumnType::Enum {
                    name: "Odd\"Type".into(),
                    values: vec!["it's".into(), r"back\slash".into()],
                },
            )
            .nullable(),
        )
        .primary_key(&["id"]);
    order.comment = Some(r"O'Reilly's \ orders".into());
    order.columns[1].comment = Some("who's \"that\"".into());
    order.foreign_keys.push(fk(
        r#"fk_"order"_User"#,
        &["User"],
        "User",
        ReferentialAction::Cascade,
    ));
    order.uniques.push(UniqueConstraint {
        name: r#"uq_"order"_select"#.into(),
        columns: vec!["select".into()],
    });
    let index = Index {
        name: r#"ix_"order"_`User`"#.into(),
        columns: vec!["User".into(), odd.into()],
        unique: false,
        ..Default::default()
    };
    insta::assert_snapshot!(sql(&[
        Op::CreateTable { table: order },
        Op::CreateIndex {
            table: "order".into(),
            index: index.clone()
        },
        Op::DropIndex {
            table: "order".into(),
            index
        },
        Op::RenameColumn {
            table: "order".into(),
            column: "Group".into(),
            from: odd.into(),
        },
        Op::AlterTableComment {
            table: "order".into(),
            from: None,
            to: Some("it's".into()),
        },
        Op::DropForeignKey {
            table: "order".into(),
            foreign_key: fk(
                r#"fk_"order"_User"#,
                &["User"],
                "User",
                ReferentialAction::Cascade
            ),
        },
    ]));
}

#[test]
fn sqlite_rebuild_ops_are_errors_not_panics() {
    let c = || Column::new("n", ColumnType::Integer);
    let ops = [
        alter(c(), c().nullable()),
        Op::AddForeignKey {
            table: "t".into(),
            foreign_key: fk("fk", &["n"], "u", ReferentialAction::NoAction),
        },
        Op::DropForeignKey {
            table: "t".into(),
            foreign_key: fk("fk", &["n"], "u", ReferentialAction::NoAction),
        },
        Op::AddCheck {
            table: "t".into(),
            check: Check {
                name: "ck".into(),
                expr: "n > 0".into(),
            },
        },
        Op::DropCheck {
            table: "t".into(),
            check: Check {
                name: "ck".into(),
                expr: "n > 0".into(),
            },
        },
    ];
    for op in &ops {
        let err = render_op(op, Dialect::Sqlite).unwrap_err();
        assert_eq!(err.op, op.kind());
        assert!(err.message.contains("rebuil"), "{err}");
    }
}

/// A type change that renders the same SQL on a dialect needs nothing there.
#[test]
fn alter_column_type_that_renders_the_same() {
    let n = |ty| Column::new("n", ty);
    let mood3 = ColumnType::Enum {
        name: "mood".into(),
        values: vec!["happy".into(), "sad".into(), "angry".into()],
    };
    insta::assert_snapshot!(sql(&[
        // SQLite: both `integer`.
        alter(n(ColumnType::Integer), n(ColumnType::BigInt)),
        // MySQL: both `datetime(6)`.
        alter(n(ColumnType::Timestamp), n(ColumnType::TimestampTz)),
        // PostgreSQL: the labels belong to the type (`alter_enum`).
        alter(n(mood()), n(mood3)),
    ]));
}

#[test]
fn expression_and_partial_indexes() {
    let lower = Index {
        name: "ix_users_lower_email".into(),
        expr: Some("lower(email)".into()),
        unique: true,
        ..Default::default()
    };
    let live = Index {
        name: "ix_users_org_id_live".into(),
        columns: vec!["org_id".into()],
        predicate: Some("deleted_at IS NULL".into()),
        ..Default::default()
    };
    for d in [Dialect::Postgres, Dialect::Sqlite] {
        assert_eq!(
            render_op(
                &Op::CreateIndex {
                    table: "users".into(),
                    index: lower.clone()
                },
                d
            )
            .unwrap(),
            vec![r#"CREATE UNIQUE INDEX "ix_users_lower_email" ON "users" (lower(email))"#]
        );
        assert_eq!(
            render_op(
                &Op::CreateIndex {
                    table: "users".into(),
                    index: live.clone()
                },
                d
            )
            .unwrap(),
            vec![
                r#"CREATE INDEX "ix_users_org_id_live" ON "users" ("org_id") WHERE deleted_at IS NULL"#
            ]
        );
    }
    for ix in [lower, live] {
        let err = render_op(
            &Op::CreateIndex {
                table: "users".into(),
                index: ix,
            },
            Dialect::MySql,
        )
        .unwrap_err();
        assert!(
            err.message.contains("which MySQL/MariaDB does not have"),
            "{err}"
        );
    }
}

#[test]
fn tables_outside_the_default_schema() {
    let pg = |op: Op| render_op(&op, Dialect::Postgres).unwrap();
    let ix = Index {
        name: "ix_events_note".into(),
        columns: vec!["note".into()],
        ..Default::default()
    };
    assert_eq!(
        pg(Op::CreateIndex {
            table: "audit.events".into(),
            index: ix.clone()
        }),
        vec![r#"CREATE INDEX "ix_events_note" ON "audit"."events" ("note")"#]
    );
    assert_eq!(
        pg(Op::DropIndex {
            table: "audit.events".into(),
            index: ix
        }),
        vec![r#"DROP INDEX "audit"."ix_events_note""#]
    );
    assert_eq!(
        pg(Op::RenameTable {
            table: "audit.entries".into(),
            from: "audit.events".into()
        }),
        vec![r#"ALTER TABLE "audit"."events" RENAME TO "entries""#]
    );
    assert_eq!(
        pg(Op::RenameTable {
            table: "audit.entries".into(),
            from: "events".into()
        }),
        vec![
            r#"ALTER TABLE "events" SET SCHEMA "audit""#,
            r#"ALTER TABLE "audit"."events" RENAME TO "entries""#
        ]
    );
    assert_eq!(
        pg(Op::DropColumn {
            table: "audit.events".into(),
            column: Column::new("note", ColumnType::Text)
        }),
        vec![r#"ALTER TABLE "audit"."events" DROP COLUMN "note""#]
    );
    assert_eq!(
        pg(Op::DropCheck {
            table: "audit.events".into(),
            check: Check {
                name: "ck_events_note".into(),
                expr: "note <> ''".into()
            }
        }),
        vec![r#"ALTER TABLE "audit"."events" DROP CONSTRAINT "ck_events_note""#]
    );
    // No schemas elsewhere: a dot is part of the name.
    assert_eq!(
        render_op(
            &Op::DropColumn {
                table: "a.b".into(),
                column: Column::new("note", ColumnType::Text)
            },
            Dialect::Sqlite
        )
        .unwrap(),
        vec![r#"ALTER TABLE "a.b" DROP COLUMN "note""#]
    );
}
