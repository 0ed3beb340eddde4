//! The online rendering of op lists (`render_staged`) on each backend,
//! without a database: which statements change form, and in which step
//! each runs.

use alembix_schema::plan::{RenderOptions, Staged, StagedPlan, render_staged};
use alembix_schema::{
    Check, Column, ColumnType, Dialect, ForeignKey, Index, Op, ReferentialAction, Schema, Table,
    UniqueConstraint, render_plan,
};

const ONLINE: RenderOptions = RenderOptions {
    online_ddl: true,
    step_statements: None,
};

/// The plan as text: `tx:`/`no-tx:` before each statement, `| ` before a
/// statement that starts a new transactional step, `-- op N` per op and
/// `-- tail` before the collected validations.
fn text(plan: &StagedPlan) -> String {
    let line = |s: &Staged| {
        let kind = if s.transactional { "tx" } else { "no-tx" };
        let new = if s.new_step { "| " } else { "" };
        format!("{new}{kind}: {}\n", s.sql)
    };
    let mut out = String::new();
    for (i, op) in plan.statements.iter().enumerate() {
        out.push_str(&format!("-- op {i}\n"));
        op.iter().for_each(|s| out.push_str(&line(s)));
    }
    if !plan.tail.is_empty() {
        out.push_str("-- tail\n");
        plan.tail.iter().for_each(|s| out.push_str(&line(s)));
    }
    out
}

fn online(ops: &[Op], start: &Schema, d: Dialect) -> String {
    text(&render_staged(ops, start, d, &ONLINE).unwrap())
}

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
        .column(Column::new("title", ColumnType::Text).nullable())
        .primary_key(&["id"])
}

fn schema(tables: Vec<Table>) -> Schema {
    Schema {
        tables,
        ..Default::default()
    }
}

fn index(name: &str, column: &str) -> Index {
    Index {
        name: name.into(),
        columns: vec![column.into()],
        ..Default::default()
    }
}

fn fk() -> ForeignKey {
    ForeignKey {
        name: "fk_posts_author_id_authors".into(),
        columns: vec!["author_id".into()],
        ref_table: "authors".into(),
        ref_schema: None,
        ref_columns: vec!["id".into()],
        on_delete: ReferentialAction::Cascade,
        on_update: ReferentialAction::NoAction,
    }
}

fn status(backfill: Option<&str>) -> Column {
    let mut c = Column::new("status", ColumnType::Varchar(Some(20)));
    c.backfill = backfill.map(str::to_string);
    c
}

#[test]
fn postgres_indexes_are_concurrent_on_existing_tables_only() {
    let start = schema(vec![authors()]);
    let ops = [
        Op::CreateIndex {
            table: "authors".into(),
            index: index("ix_authors_name", "name"),
        },
        Op::DropIndex {
            table: "authors".into(),
            index: index("ix_authors_old", "name"),
        },
        Op::CreateTable { table: posts() },
        Op::CreateIndex {
            table: "posts".into(),
            index: index("ix_posts_title", "title"),
        },
    ];
    let got = online(&ops, &start, Dialect::Postgres);
    assert!(got.starts_with(
        "-- op 0\nno-tx: CREATE INDEX CONCURRENTLY IF NOT EXISTS \"ix_authors_name\" ON \"authors\" (\"name\")\n\
         -- op 1\nno-tx: DROP INDEX CONCURRENTLY IF EXISTS \"ix_authors_old\"\n-- op 2\ntx: CREATE TABLE \"posts\""
    ), "{got}");
    assert!(
        got.ends_with("-- op 3\ntx: CREATE INDEX \"ix_posts_title\" ON \"posts\" (\"title\")\n"),
        "{got}"
    );
}

#[test]
fn postgres_index_in_another_schema_and_partial() {
    let mut t = authors();
    t.name = "audit.authors".into();
    let ix = Index {
        name: "ix_authors_lower_name".into(),
        expr: Some("lower(name)".into()),
        predicate: Some("name IS NOT NULL".into()),
        unique: true,
        ..Default::default()
    };
    let ops = [
        Op::CreateIndex {
            table: "audit.authors".into(),
            index: ix.clone(),
        },
        Op::DropIndex {
            table: "audit.authors".into(),
            index: ix,
        },
    ];
    assert_eq!(
        online(&ops, &schema(vec![t]), Dialect::Postgres),
        "-- op 0\nno-tx: CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"ix_authors_lower_name\" ON \"audit\".\"authors\" (lower(name)) WHERE name IS NOT NULL\n\
         -- op 1\nno-tx: DROP INDEX CONCURRENTLY IF EXISTS \"audit\".\"ix_authors_lower_name\"\n"
    );
}

#[test]
fn postgres_constraints_not_valid_then_validated_at_the_end() {
    let start = schema(vec![authors(), posts()]);
    let ops = [
        Op::AddForeignKey {
            table: "posts".into(),
            foreign_key: fk(),
        },
        Op::AddCheck {
            table: "posts".into(),
            check: Check {
                name: "ck_posts_title".into(),
                expr: "length(title) > 0".into(),
            },
        },
        Op::AddUnique {
            table: "authors".into(),
            unique: UniqueConstraint {
                name: "uq_authors_name".into(),
                columns: vec!["name".into()],
            },
        },
    ];
    assert_eq!(
        online(&ops, &start, Dialect::Postgres),
        "-- op 0\ntx: ALTER TABLE \"posts\" ADD CONSTRAINT \"fk_posts_author_id_authors\" FOREIGN KEY (\"author_id\") REFERENCES \"authors\" (\"id\") ON DELETE CASCADE NOT VALID\n\
         -- op 1\ntx: ALTER TABLE \"posts\" ADD CONSTRAINT \"ck_posts_title\" CHECK (length(title) > 0) NOT VALID\n\
         -- op 2\nno-tx: CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"uq_authors_name\" ON \"authors\" (\"name\")\n\
         tx: ALTER TABLE \"authors\" ADD CONSTRAINT \"uq_authors_name\" UNIQUE USING INDEX \"uq_authors_name\"\n\
         -- tail\n| tx: ALTER TABLE \"posts\" VALIDATE CONSTRAINT \"fk_posts_author_id_authors\"\n\
         tx: ALTER TABLE \"posts\" VALIDATE CONSTRAINT \"ck_posts_title\"\n"
    );
}

#[test]
fn postgres_validation_runs_before_a_later_change_of_its_table() {
    let start = schema(vec![authors(), posts()]);
    let ops = [
        Op::AddForeignKey {
            table: "posts".into(),
            foreign_key: fk(),
        },
        Op::RenameTable {
            table: "articles".into(),
            from: "posts".into(),
        },
    ];
    assert_eq!(
        online(&ops, &start, Dialect::Postgres),
        "-- op 0\ntx: ALTER TABLE \"posts\" ADD CONSTRAINT \"fk_posts_author_id_authors\" FOREIGN KEY (\"author_id\") REFERENCES \"authors\" (\"id\") ON DELETE CASCADE NOT VALID\n\
         | tx: ALTER TABLE \"posts\" VALIDATE CONSTRAINT \"fk_posts_author_id_authors\"\n\
         -- op 1\ntx: ALTER TABLE \"posts\" RENAME TO \"articles\"\n"
    );
}

#[test]
fn postgres_set_not_null_behind_a_validated_check() {
    let mut t = posts();
    t.checks.push(Check {
        name: "ck_posts_title_not_null".into(),
        expr: "true".into(),
    });
    let from = Column::new("title", ColumnType::Text).nullable();
    let to = Column::new("title", ColumnType::Varchar(Some(200))).default("''");
    let ops = [Op::AlterColumn {
        table: "posts".into(),
        from,
        to,
    }];
    // The name a check already has gets a number.
    assert_eq!(
        online(&ops, &schema(vec![t]), Dialect::Postgres),
        "-- op 0\n\
         tx: ALTER TABLE \"posts\" ALTER COLUMN \"title\" TYPE varchar(200) USING \"title\"::varchar(200)\n\
         tx: ALTER TABLE \"posts\" ALTER COLUMN \"title\" SET DEFAULT ''\n\
         tx: ALTER TABLE \"posts\" ADD CONSTRAINT \"ck_posts_title_not_null_2\" CHECK (\"title\" IS NOT NULL) NOT VALID\n\
         | tx: ALTER TABLE \"posts\" VALIDATE CONSTRAINT \"ck_posts_title_not_null_2\"\n\
         | tx: ALTER TABLE \"posts\" ALTER COLUMN \"title\" SET NOT NULL\n\
         tx: ALTER TABLE \"posts\" DROP CONSTRAINT \"ck_posts_title_not_null_2\"\n"
    );
}

#[test]
fn postgres_identity_is_added_after_set_not_null() {
    let t = Table::new("codes")
        .column(Column::new("n", ColumnType::BigInt).nullable())
        .column(Column::new("label", ColumnType::Text));
    let ops = [Op::AlterColumn {
        table: "codes".into(),
        from: Column::new("n", ColumnType::BigInt).nullable(),
        to: Column::new("n", ColumnType::BigInt).auto_increment(),
    }];
    let got = online(&ops, &schema(vec![t]), Dialect::Postgres);
    let set = got.find("SET NOT NULL").unwrap();
    let identity = got.find("ADD GENERATED BY DEFAULT AS IDENTITY").unwrap();
    assert!(set < identity, "{got}");
}

#[test]
fn postgres_backfill_in_batches_along_the_key() {
    let start = schema(vec![posts()]);
    let ops = [Op::AddColumn {
        table: "posts".into(),
        column: status(Some("'draft'")),
    }];
    let plan = render_staged(&ops, &start, Dialect::Postgres, &ONLINE).unwrap();
    let s = &plan.statements[0];
    assert_eq!(
        s[0],
        Staged::tx("ALTER TABLE \"posts\" ADD COLUMN \"status\" varchar(20)")
    );
    assert!(!s[1].transactional);
    let block = &s[1].sql;
    assert!(
        block.starts_with(
            "DO $$\nDECLARE\n  alembix_last_1 bigint;\n  alembix_next_1 bigint;\nBEGIN\n"
        ),
        "{block}"
    );
    assert!(block.ends_with("\nEND\n$$"), "{block}");
    for part in [
        "SELECT \"id\" INTO alembix_next_1 FROM (SELECT \"id\" FROM \"posts\" ORDER BY \"id\" LIMIT 10000) AS batch ORDER BY \"id\" DESC LIMIT 1;",
        "UPDATE \"posts\" SET \"status\" = 'draft' WHERE \"id\" <= alembix_next_1 AND \"status\" IS NULL;\n  COMMIT;",
        "SELECT \"id\" INTO alembix_next_1 FROM (SELECT \"id\" FROM \"posts\" WHERE \"id\" > alembix_last_1 ORDER BY \"id\" LIMIT 10000) AS batch ORDER BY \"id\" DESC LIMIT 1;\n    EXIT WHEN NOT FOUND;",
        "UPDATE \"posts\" SET \"status\" = 'draft' WHERE \"id\" > alembix_last_1 AND \"id\" <= alembix_next_1 AND \"status\" IS NULL;\n    COMMIT;",
    ] {
        assert!(block.contains(part), "{part}\nnot in\n{block}");
    }
    let rest: Vec<&str> = s[2..].iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        rest,
        [
            "ALTER TABLE \"posts\" ADD CONSTRAINT \"ck_posts_status_not_null\" CHECK (\"status\" IS NOT NULL) NOT VALID",
            "ALTER TABLE \"posts\" VALIDATE CONSTRAINT \"ck_posts_status_not_null\"",
            "ALTER TABLE \"posts\" ALTER COLUMN \"status\" SET NOT NULL",
            "ALTER TABLE \"posts\" DROP CONSTRAINT \"ck_posts_status_not_null\"",
        ]
    );
}

#[test]
fn postgres_backfill_on_a_composite_key_compares_rows() {
    let t = Table::new("memberships")
        .column(Column::new("org_id", ColumnType::BigInt))
        .column(Column::new("user_id", ColumnType::Uuid))
        .column(Column::new("role", ColumnType::Text).nullable())
        .primary_key(&["org_id", "user_id"]);
    let mut role = Column::new("role", ColumnType::Text);
    role.backfill = Some("'member'".into());
    let ops = [Op::AlterColumn {
        table: "memberships".into(),
        from: Column::new("role", ColumnType::Text).nullable(),
        to: role,
    }];
    let plan = render_staged(&ops, &schema(vec![t]), Dialect::Postgres, &ONLINE).unwrap();
    let block = &plan.statements[0][0].sql;
    assert!(block.contains("  alembix_last_2 uuid;\n"), "{block}");
    assert!(block.contains(
        "WHERE (\"org_id\", \"user_id\") > (alembix_last_1, alembix_last_2) AND (\"org_id\", \"user_id\") <= (alembix_next_1, alembix_next_2) AND \"role\" IS NULL"
    ), "{block}");
    assert!(
        block.contains("ORDER BY \"org_id\" DESC, \"user_id\" DESC LIMIT 1"),
        "{block}"
    );
}

#[test]
fn postgres_backfill_without_a_key_is_one_update() {
    let t = Table::new("log").column(Column::new("line", ColumnType::Text));
    let ops = [Op::AddColumn {
        table: "log".into(),
        column: status(Some("'new'")),
    }];
    let plan = render_staged(&ops, &schema(vec![t]), Dialect::Postgres, &ONLINE).unwrap();
    assert_eq!(
        plan.statements[0][1],
        Staged::tx("UPDATE \"log\" SET \"status\" = 'new' WHERE \"status\" IS NULL")
    );
}

#[test]
fn postgres_backfill_with_dollars_gets_a_tagged_quote() {
    let ops = [Op::AddColumn {
        table: "posts".into(),
        column: status(Some("$$draft$$")),
    }];
    let plan = render_staged(&ops, &schema(vec![posts()]), Dialect::Postgres, &ONLINE).unwrap();
    let block = &plan.statements[0][1].sql;
    assert!(
        block.starts_with("DO $alembix1$\n") && block.ends_with("$alembix1$"),
        "{block}"
    );
}

#[test]
fn mysql_online_clauses() {
    let mut a = authors();
    a.indexes.push(index("ix_authors_name", "name"));
    a.checks.push(Check {
        name: "ck_authors_name".into(),
        expr: "name <> ''".into(),
    });
    let mut p = posts();
    p.foreign_keys.push(fk());
    let start = schema(vec![a, p]);
    let ops = [
        Op::AddColumn {
            table: "authors".into(),
            column: Column::new("bio", ColumnType::Text).nullable(),
        },
        Op::RenameColumn {
            table: "authors".into(),
            column: "full_name".into(),
            from: "name".into(),
        },
        Op::DropIndex {
            table: "authors".into(),
            index: index("ix_authors_name", "full_name"),
        },
        Op::DropCheck {
            table: "authors".into(),
            check: Check {
                name: "ck_authors_name".into(),
                expr: "name <> ''".into(),
            },
        },
        Op::DropForeignKey {
            table: "posts".into(),
            foreign_key: fk(),
        },
        Op::AddForeignKey {
            table: "posts".into(),
            foreign_key: fk(),
        },
        Op::DropColumn {
            table: "authors".into(),
            column: Column::new("bio", ColumnType::Text).nullable(),
        },
    ];
    assert_eq!(
        online(&ops, &start, Dialect::MySql),
        "-- op 0\ntx: ALTER TABLE `authors` ADD COLUMN `bio` text, ALGORITHM=INSTANT\n\
         -- op 1\ntx: ALTER TABLE `authors` RENAME COLUMN `name` TO `full_name`, ALGORITHM=INPLACE, LOCK=NONE\n\
         -- op 2\ntx: ALTER TABLE `authors` DROP INDEX `ix_authors_name`, ALGORITHM=INPLACE, LOCK=NONE\n\
         -- op 3\ntx: ALTER TABLE `authors` DROP CONSTRAINT `ck_authors_name`, ALGORITHM=INPLACE, LOCK=NONE\n\
         -- op 4\ntx: ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id_authors`, ALGORITHM=INPLACE, LOCK=NONE\n\
         tx: ALTER TABLE `posts` DROP INDEX `fk_posts_author_id_authors`, ALGORITHM=INPLACE, LOCK=NONE\n\
         -- op 5\ntx: ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_author_id_authors` FOREIGN KEY (`author_id`) REFERENCES `authors` (`id`) ON DELETE CASCADE\n\
         -- op 6\ntx: ALTER TABLE `authors` DROP COLUMN `bio`, ALGORITHM=INPLACE, LOCK=NONE\n"
    );
}

#[test]
fn mysql_modify_column_takes_the_slowest_clause_or_none() {
    let start = schema(vec![posts()]);
    let alter = |from: Column, to: Column| Op::AlterColumn {
        table: "posts".into(),
        from,
        to,
    };
    let title = || Column::new("title", ColumnType::Text).nullable();
    let enum_of = |v: &[&str]| ColumnType::Enum {
        name: "s".into(),
        values: v.iter().map(|s| s.to_string()).collect(),
    };
    let cases = [
        (
            alter(title(), title().default("''")),
            Some("ALGORITHM=INSTANT"),
        ),
        (
            alter(
                title(),
                Column::new("title", ColumnType::Text).default("''"),
            ),
            Some("ALGORITHM=INPLACE, LOCK=NONE"),
        ),
        (
            alter(
                title(),
                Column::new("title", ColumnType::Varchar(Some(10))).nullable(),
            ),
            None,
        ),
        (
            alter(
                Column::new("title", enum_of(&["a", "b"])),
                Column::new("title", enum_of(&["a", "b", "c"])),
            ),
            Some("ALGORITHM=INSTANT"),
        ),
        (
            alter(
                Column::new("title", enum_of(&["a", "b"])),
                Column::new("title", enum_of(&["b", "a"])),
            ),
            None,
        ),
    ];
    for (op, clause) in cases {
        let plan =
            render_staged(std::slice::from_ref(&op), &start, Dialect::MySql, &ONLINE).unwrap();
        let sql = &plan.statements[0][0].sql;
        assert!(
            sql.starts_with("ALTER TABLE `posts` MODIFY COLUMN `title`"),
            "{sql}"
        );
        match clause {
            Some(c) => assert!(sql.ends_with(&format!(", {c}")), "{sql}"),
            None => assert!(!sql.contains("ALGORITHM"), "{sql}"),
        }
    }
}

#[test]
fn mysql_backfill_is_one_update_between_online_alters() {
    let ops = [Op::AddColumn {
        table: "posts".into(),
        column: status(Some("'draft'")),
    }];
    assert_eq!(
        online(&ops, &schema(vec![posts()]), Dialect::MySql),
        "-- op 0\ntx: ALTER TABLE `posts` ADD COLUMN `status` varchar(20), ALGORITHM=INSTANT\n\
         tx: UPDATE `posts` SET `status` = 'draft' WHERE `status` IS NULL\n\
         tx: ALTER TABLE `posts` MODIFY COLUMN `status` varchar(20) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE\n"
    );
}

#[test]
fn plain_without_online_ddl_and_on_sqlite() {
    let start = schema(vec![authors(), posts()]);
    let ops = [
        Op::CreateIndex {
            table: "authors".into(),
            index: index("ix_authors_name", "name"),
        },
        Op::AddColumn {
            table: "posts".into(),
            column: status(Some("'draft'")),
        },
        Op::AddCheck {
            table: "posts".into(),
            check: Check {
                name: "ck_posts_title".into(),
                expr: "length(title) > 0".into(),
            },
        },
    ];
    for d in Dialect::ALL {
        let plain = render_plan(&ops, &start, d).unwrap();
        let off = render_staged(&ops, &start, d, &RenderOptions::default()).unwrap();
        let want: Vec<Vec<Staged>> = plain
            .statements
            .iter()
            .map(|v| v.iter().map(Staged::tx).collect())
            .collect();
        assert_eq!(off.statements, want, "{d:?}");
        assert_eq!(off.own_transaction, plain.own_transaction);
        if d == Dialect::Sqlite {
            assert_eq!(render_staged(&ops, &start, d, &ONLINE).unwrap(), off);
            assert!(off.own_transaction);
        }
    }
}
