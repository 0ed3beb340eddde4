//! Pure tests of the comparison: literal schemas on both sides, no database.

use alembix_schema::{
    Check, Column, ColumnType, Dialect, EnumType, ForeignKey, Index, Op, ReferentialAction, Schema,
    Table, UniqueConstraint, render_plan,
};

use super::{Diff, DiffOptions, diff, downgrade, glob_match, ops_json};

use alembix_schema::Dialect::{MySql as MY, Postgres as PG, Sqlite as LITE};

fn id_table(name: &str) -> Table {
    Table::new(name)
        .column(Column::new("id", ColumnType::BigInt))
        .primary_key(&["id"])
}

fn schema(tables: Vec<Table>) -> Schema {
    Schema {
        tables,
        enums: vec![],
        ..Default::default()
    }
}

fn fk(name: &str, column: &str, ref_table: &str) -> ForeignKey {
    ForeignKey::new(name, &[column], ref_table, &["id"])
}

/// A table `name` with a column `<ref>_id` referencing `ref_table`.
fn child(name: &str, ref_table: &str) -> Table {
    let col = format!("{ref_table}_id");
    let mut t = id_table(name).column(Column::new(&col, ColumnType::BigInt).nullable());
    t.foreign_keys
        .push(fk(&format!("fk_{name}_{ref_table}"), &col, ref_table));
    t
}

fn index(name: &str, columns: &[&str]) -> Index {
    Index {
        name: name.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    }
}

fn mood(values: &[&str]) -> ColumnType {
    ColumnType::Enum {
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn mood_enum(values: &[&str]) -> EnumType {
    EnumType {
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

/// A schema with one table `people` whose `mood` column uses the enum.
fn with_mood(values: &[&str], named: bool) -> Schema {
    let t = id_table("people").column(Column::new("mood", mood(values)));
    Schema {
        tables: vec![t],
        enums: if named {
            vec![mood_enum(values)]
        } else {
            vec![]
        },
        ..Default::default()
    }
}

fn run(current: &Schema, target: &Schema, d: Dialect) -> Diff {
    diff(current, target, target, d, &DiffOptions::default())
}

/// `kind table` (or `kind name` for enum ops) per op.
fn shape(d: &Diff) -> Vec<String> {
    d.ops
        .iter()
        .map(|op| match op.table() {
            Some(t) => format!("{} {t}", op.kind()),
            None => format!(
                "{} {}",
                op.kind(),
                ops_json(std::slice::from_ref(op))[0]["name"]
                    .as_str()
                    .unwrap_or_default()
            ),
        })
        .collect()
}

fn warned(d: &Diff, needle: &str) -> bool {
    d.warnings.iter().any(|(_, w)| w.contains(needle))
}

/// The schema with tables and their parts sorted by name and rename hints
/// cleared: two schemas equal under this hold the same objects.
fn norm(s: &Schema) -> Schema {
    let mut s = s.clone();
    s.tables.sort_by(|a, b| a.name.cmp(&b.name));
    s.enums.sort_by(|a, b| a.name.cmp(&b.name));
    for t in &mut s.tables {
        t.renamed_from.clear();
        t.columns.iter_mut().for_each(|c| c.renamed_from.clear());
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }
    s
}

fn applied(start: &Schema, ops: &[Op]) -> Schema {
    let mut s = start.clone();
    ops.iter().for_each(|op| s.apply(op));
    s
}

// ---- identity, tables, renames -------------------------------------------

#[test]
fn equal_schemas_have_no_ops_on_any_backend() {
    let mut users = id_table("users").column(Column::new("email", ColumnType::Text));
    users.indexes.push(index("ix_users_email", &["email"]));
    let s = schema(vec![users, child("posts", "users")]);
    for d in Dialect::ALL {
        let out = run(&s, &s, d);
        assert!(out.ops.is_empty(), "{d:?}: {:?}", out.ops);
        assert!(out.warnings.is_empty() && out.notes.is_empty());
    }
}

#[test]
fn a_new_table_is_created_with_its_indexes_after_it() {
    let mut t = id_table("users").column(Column::new("email", ColumnType::Text));
    t.indexes.push(index("ix_users_email", &["email"]));
    let out = run(&Schema::default(), &schema(vec![t]), PG);
    assert_eq!(shape(&out), ["create_table users", "create_index users"]);
    let Op::CreateTable { table } = &out.ops[0] else {
        panic!()
    };
    assert!(table.indexes.is_empty());
}

#[test]
fn a_table_no_model_describes_is_dropped_with_a_warning() {
    let out = run(&schema(vec![id_table("old")]), &Schema::default(), PG);
    assert_eq!(shape(&out), ["drop_table old"]);
    assert_eq!(
        out.warnings,
        [(0, "drops table `old` and its rows".to_string())]
    );
}

#[test]
fn a_table_renamed_from_is_a_rename() {
    let mut people = id_table("people");
    people.renamed_from.push("users".into());
    let out = run(&schema(vec![id_table("users")]), &schema(vec![people]), PG);
    assert_eq!(shape(&out), ["rename_table people"]);
    assert_eq!(
        out.ops[0],
        Op::RenameTable {
            table: "people".into(),
            from: "users".into()
        }
    );
}

#[test]
fn renamed_from_a_table_the_models_still_have_is_a_create() {
    let mut people = id_table("people");
    people.renamed_from.push("users".into());
    let cur = schema(vec![id_table("users")]);
    let out = run(&cur, &schema(vec![id_table("users"), people]), PG);
    assert_eq!(shape(&out), ["create_table people"]);
}

#[test]
fn a_column_renamed_from_is_a_rename() {
    let cur = schema(vec![
        id_table("users").column(Column::new("mail", ColumnType::Text)),
    ]);
    let mut email = Column::new("email", ColumnType::Text);
    email.renamed_from.push("mail".into());
    let out = run(&cur, &schema(vec![id_table("users").column(email)]), MY);
    assert_eq!(shape(&out), ["rename_column users"]);
    assert!(out.notes.is_empty());
}

#[test]
fn a_renamed_and_changed_column_is_renamed_then_altered() {
    let cur = schema(vec![
        id_table("users").column(Column::new("n", ColumnType::Integer)),
    ]);
    let mut m = Column::new("m", ColumnType::BigInt);
    m.renamed_from.push("n".into());
    let out = run(&cur, &schema(vec![id_table("users").column(m)]), PG);
    assert_eq!(shape(&out), ["rename_column users", "alter_column users"]);
    let Op::AlterColumn { from, to, .. } = &out.ops[1] else {
        panic!()
    };
    assert_eq!((from.name.as_str(), to.name.as_str()), ("m", "m"));
    assert_eq!(from.ty, ColumnType::Integer);
}

#[test]
fn a_drop_and_add_of_the_same_type_notes_a_possible_rename() {
    let cur = schema(vec![
        id_table("users").column(Column::new("mail", ColumnType::Text)),
    ]);
    let tgt = schema(vec![
        id_table("users").column(Column::new("email", ColumnType::Text)),
    ]);
    let out = run(&cur, &tgt, PG);
    assert_eq!(shape(&out), ["drop_column users", "add_column users"]);
    assert_eq!(out.notes.len(), 1);
    assert!(out.notes[0].contains("#[column(renamed_from = \"mail\")] to `email`"));
    assert!(warned(&out, "drops column `users.mail` and its values"));
}

// ---- columns ----------------------------------------------------------------

#[test]
fn a_narrowed_column_is_altered_with_a_warning() {
    let cur = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::BigInt)),
    ]);
    let tgt = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer)),
    ]);
    let out = run(&cur, &tgt, PG);
    assert_eq!(shape(&out), ["alter_column t"]);
    assert_eq!(
        out.warnings[0].1,
        "narrows `t.n` from bigint to integer: existing values may not fit"
    );
}

#[test]
fn not_null_without_default_warns() {
    let cur = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer).nullable()),
    ]);
    let tgt = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer)),
    ]);
    let out = run(&cur, &tgt, MY);
    assert!(warned(&out, "makes `t.n` NOT NULL without a default"));
    let with_default = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer).default("0")),
    ]);
    assert!(run(&cur, &with_default, MY).warnings.is_empty());
}

#[test]
fn types_compare_as_the_backend_writes_them() {
    let cur = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer)),
    ]);
    let tgt = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::BigInt)),
    ]);
    // SQLite writes both as `integer`.
    assert!(run(&cur, &tgt, LITE).ops.is_empty());
    assert_eq!(shape(&run(&cur, &tgt, PG)), ["alter_column t"]);
}

#[test]
fn column_comments_count_except_on_sqlite() {
    let cur = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer)),
    ]);
    let mut c = Column::new("n", ColumnType::Integer);
    c.comment = Some("count".into());
    let tgt = schema(vec![id_table("t").column(c)]);
    assert!(run(&cur, &tgt, LITE).ops.is_empty());
    let out = run(&cur, &tgt, MY);
    assert_eq!(
        ops_json(&out.ops)[0]["changes"],
        serde_json::json!(["comment"])
    );
}

#[test]
fn table_comments_count_except_on_sqlite() {
    let mut t = id_table("t");
    t.comment = Some("things".into());
    let (cur, tgt) = (schema(vec![id_table("t")]), schema(vec![t]));
    assert_eq!(shape(&run(&cur, &tgt, PG)), ["alter_table_comment t"]);
    assert!(run(&cur, &tgt, LITE).ops.is_empty());
}

#[test]
fn an_alter_lists_only_what_differs_on_the_backend() {
    // SQLite: varchar(20) and text are both `text`; only nullability differs.
    let cur = schema(vec![
        id_table("t").column(Column::new("s", ColumnType::Text)),
    ]);
    let tgt =
        schema(vec![id_table("t").column(
            Column::new("s", ColumnType::Varchar(Some(20))).nullable(),
        )]);
    let out = run(&cur, &tgt, LITE);
    assert_eq!(
        ops_json(&out.ops)[0]["changes"],
        serde_json::json!(["nullable"])
    );
}

// ---- keys and constraints -------------------------------------------------

#[test]
fn a_primary_key_change_drops_then_adds() {
    let cur = schema(vec![
        id_table("t").column(Column::new("k", ColumnType::Integer)),
    ]);
    let tgt = schema(vec![
        Table::new("t")
            .column(Column::new("id", ColumnType::BigInt))
            .column(Column::new("k", ColumnType::Integer))
            .primary_key(&["id", "k"]),
    ]);
    let out = run(&cur, &tgt, PG);
    assert_eq!(shape(&out), ["drop_primary_key t", "add_primary_key t"]);
}

#[test]
fn auto_increment_goes_before_its_key_and_comes_after_it() {
    // Losing it: before the key is dropped.
    let cur = schema(vec![
        Table::new("t")
            .column(Column::new("id", ColumnType::BigInt).auto_increment())
            .primary_key(&["id"]),
    ]);
    let tgt = schema(vec![
        Table::new("t").column(Column::new("id", ColumnType::BigInt)),
    ]);
    let out = run(&cur, &tgt, MY);
    assert_eq!(shape(&out), ["alter_column t", "drop_primary_key t"]);
    // Gaining it: after the key is added.
    let out = run(&tgt, &cur, MY);
    assert_eq!(shape(&out), ["add_primary_key t", "alter_column t"]);
}

#[test]
fn indexes_are_added_dropped_and_changed() {
    let base = id_table("t")
        .column(Column::new("a", ColumnType::Integer))
        .column(Column::new("b", ColumnType::Integer));
    let mut cur = base.clone();
    cur.indexes = vec![index("ix_a", &["a"]), index("ix_gone", &["b"])];
    let mut tgt = base;
    tgt.indexes = vec![index("ix_a", &["a", "b"]), index("ix_new", &["b"])];
    let out = run(&schema(vec![cur]), &schema(vec![tgt]), PG);
    let names: Vec<String> = ops_json(&out.ops)
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                o["op"].as_str().unwrap(),
                o["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "drop_index ix_a",
            "drop_index ix_gone",
            "create_index ix_a",
            "create_index ix_new"
        ]
    );
}

#[test]
fn checks_and_uniques_are_added_and_dropped() {
    let base = id_table("t").column(Column::new("a", ColumnType::Integer));
    let mut cur = base.clone();
    cur.checks.push(Check {
        name: "ck_a".into(),
        expr: "a > 0".into(),
    });
    cur.uniques.push(UniqueConstraint {
        name: "uq_old".into(),
        columns: vec!["a".into()],
    });
    let mut tgt = base;
    tgt.checks.push(Check {
        name: "ck_a".into(),
        expr: "a > 1".into(),
    });
    tgt.uniques.push(UniqueConstraint {
        name: "uq_new".into(),
        columns: vec!["a".into()],
    });
    let out = run(&schema(vec![cur]), &schema(vec![tgt]), PG);
    assert_eq!(
        shape(&out),
        [
            "drop_unique t",
            "drop_check t",
            "add_unique t",
            "add_check t"
        ]
    );
}

#[test]
fn mysql_unique_constraint_equals_a_unique_index_of_the_same_name() {
    let base = id_table("users").column(Column::new("email", ColumnType::Varchar(Some(99))));
    let mut db = base.clone();
    db.uniques.push(UniqueConstraint {
        name: "uq_users_email".into(),
        columns: vec!["email".into()],
    });
    let mut model = base;
    let mut ix = index("uq_users_email", &["email"]);
    ix.unique = true;
    model.indexes.push(ix);
    let (cur, tgt) = (schema(vec![db]), schema(vec![model]));
    assert!(run(&cur, &tgt, MY).ops.is_empty());
    // Elsewhere they are two kinds of object.
    assert_eq!(
        shape(&run(&cur, &tgt, PG)),
        ["drop_unique users", "create_index users"]
    );
}

#[test]
fn sqlite_index_sql_compares_as_sqlite_reads_it() {
    let base = id_table("t").column(Column::new("email", ColumnType::Text));
    let special = |expr: &str| Index {
        name: "ix_lower".into(),
        expr: Some(expr.into()),
        ..Default::default()
    };
    let mut cur = base.clone();
    cur.indexes.push(special("lower( Email )"));
    let mut tgt = base;
    tgt.indexes.push(special("LOWER(email)"));
    let (cur, tgt) = (schema(vec![cur]), schema(vec![tgt]));
    assert!(run(&cur, &tgt, LITE).ops.is_empty());
    assert_eq!(
        shape(&run(&cur, &tgt, PG)),
        ["drop_index t", "create_index t"]
    );
}

#[test]
fn a_changed_foreign_key_is_dropped_first_and_added_last() {
    let cur = schema(vec![id_table("users"), child("posts", "users")]);
    let mut changed = child("posts", "users");
    changed.foreign_keys[0].on_delete = ReferentialAction::Cascade;
    changed.comment = Some("c".into());
    let tgt = schema(vec![id_table("users"), changed]);
    let out = run(&cur, &tgt, PG);
    assert_eq!(
        shape(&out),
        [
            "drop_foreign_key posts",
            "add_foreign_key posts",
            "alter_table_comment posts"
        ]
    );
}

// ---- ordering ---------------------------------------------------------------

#[test]
fn new_tables_are_created_parents_first() {
    let tgt = schema(vec![
        child("a_comments", "b_posts"),
        child("b_posts", "c_users"),
        id_table("c_users"),
    ]);
    let out = run(&Schema::default(), &tgt, PG);
    assert_eq!(
        shape(&out),
        [
            "create_table c_users",
            "create_table b_posts",
            "create_table a_comments"
        ]
    );
}

#[test]
fn dropped_tables_go_children_first() {
    let cur = schema(vec![
        id_table("a_users"),
        child("b_posts", "a_users"),
        child("c_comments", "b_posts"),
    ]);
    let out = run(&cur, &Schema::default(), MY);
    assert_eq!(
        shape(&out),
        [
            "drop_table c_comments",
            "drop_table b_posts",
            "drop_table a_users"
        ]
    );
    assert_eq!(out.warnings.len(), 3);
}

#[test]
fn a_foreign_key_cycle_among_new_tables_is_closed_afterwards() {
    let tgt = schema(vec![child("a", "b"), child("b", "a")]);
    let out = run(&Schema::default(), &tgt, PG);
    assert_eq!(
        shape(&out),
        ["create_table b", "create_table a", "add_foreign_key b"]
    );
    let Op::CreateTable { table: b } = &out.ops[0] else {
        panic!()
    };
    assert!(b.foreign_keys.is_empty());
    let Op::CreateTable { table: a } = &out.ops[1] else {
        panic!()
    };
    assert_eq!(a.foreign_keys.len(), 1);
}

#[test]
fn a_foreign_key_cycle_among_dropped_tables_is_opened_first() {
    let cur = schema(vec![child("a", "b"), child("b", "a")]);
    let out = run(&cur, &Schema::default(), PG);
    assert_eq!(
        shape(&out),
        ["drop_foreign_key b", "drop_table a", "drop_table b"]
    );
    // The downgrade recreates both and closes the cycle last.
    let down = downgrade(&out.ops);
    assert_eq!(down.last().unwrap().kind(), "add_foreign_key");
    assert_eq!(norm(&applied(&Schema::default(), &down)), norm(&cur));
}

#[test]
fn a_self_reference_stays_in_create_table() {
    let tgt = schema(vec![child("nodes", "nodes")]);
    let out = run(&Schema::default(), &tgt, PG);
    assert_eq!(shape(&out), ["create_table nodes"]);
}

#[test]
fn buckets_come_in_their_fixed_order() {
    let mut cur_users = id_table("users").column(Column::new("old", ColumnType::Text));
    cur_users.indexes.push(index("ix_old", &["old"]));
    let cur = schema(vec![cur_users, child("posts", "users"), id_table("gone")]);
    let mut users = id_table("users").column(Column::new("new", ColumnType::Integer));
    users.indexes.push(index("ix_new", &["new"]));
    let tgt = schema(vec![users, id_table("posts"), id_table("fresh")]);
    let out = run(&cur, &tgt, PG);
    assert_eq!(
        shape(&out),
        [
            "drop_foreign_key posts",
            "drop_index users",
            "drop_column users",
            "drop_column posts",
            "drop_table gone",
            "create_table fresh",
            "add_column users",
            "create_index users",
        ]
    );
}

// ---- enums ----------------------------------------------------------------

#[test]
fn postgres_enum_label_added_is_an_alter_enum() {
    let out = run(
        &with_mood(&["ok"], true),
        &with_mood(&["ok", "sad"], true),
        PG,
    );
    assert_eq!(shape(&out), ["alter_enum mood"]);
    assert!(out.warnings.is_empty());
}

#[test]
fn postgres_enum_label_removed_warns() {
    let out = run(
        &with_mood(&["ok", "sad"], true),
        &with_mood(&["ok"], true),
        PG,
    );
    assert_eq!(shape(&out), ["alter_enum mood"]);
    assert!(warned(&out, "removes labels from enum `mood`"));
}

#[test]
fn postgres_enum_labels_reordered_is_an_alter_enum() {
    let out = run(
        &with_mood(&["a", "b"], true),
        &with_mood(&["b", "a"], true),
        PG,
    );
    assert_eq!(
        out.ops,
        [Op::AlterEnum {
            name: "mood".into(),
            from: vec!["a".into(), "b".into()],
            to: vec!["b".into(), "a".into()],
        }]
    );
}

#[test]
fn postgres_enum_alter_comes_before_the_columns_using_the_labels() {
    let cur = with_mood(&["ok"], true);
    let mut tgt = with_mood(&["ok", "sad"], true);
    tgt.tables[0]
        .columns
        .push(Column::new("was", mood(&["ok", "sad"])).default("'sad'"));
    let out = run(&cur, &tgt, PG);
    assert_eq!(shape(&out), ["alter_enum mood", "add_column people"]);
}

#[test]
fn postgres_enums_are_created_first_and_dropped_last() {
    let cur = Schema {
        tables: vec![],
        enums: vec![EnumType {
            name: "old".into(),
            values: vec!["x".into()],
        }],
        ..Default::default()
    };
    let out = run(&cur, &with_mood(&["ok"], true), PG);
    assert_eq!(
        shape(&out),
        ["create_enum mood", "create_table people", "drop_enum old"]
    );
}

#[test]
fn an_enum_of_an_excluded_table_stays() {
    let cur = with_mood(&["ok"], true);
    let opts = DiffOptions {
        exclude_tables: vec!["peo*".into()],
        ..Default::default()
    };
    let out = diff(&cur, &Schema::default(), &Schema::default(), PG, &opts);
    assert!(out.ops.is_empty(), "{:?}", out.ops);
}

#[test]
fn mysql_and_sqlite_enum_labels_are_a_column_type_change() {
    for d in [MY, LITE] {
        let out = run(
            &with_mood(&["ok"], false),
            &with_mood(&["ok", "sad"], false),
            d,
        );
        assert_eq!(shape(&out), ["alter_column people"], "{d:?}");
        let out = run(
            &with_mood(&["ok", "sad"], false),
            &with_mood(&["ok"], false),
            d,
        );
        assert_eq!(shape(&out), ["alter_column people"], "{d:?}");
        assert!(warned(&out, "narrows `people.mood`"), "{d:?}");
        // Enum types are PostgreSQL's: none are created or dropped here.
        let out = run(&Schema::default(), &with_mood(&["ok"], true), d);
        assert_eq!(shape(&out), ["create_table people"], "{d:?}");
    }
}

// ---- options --------------------------------------------------------------

#[test]
fn excluded_tables_and_the_version_table_stay() {
    let cur = schema(vec![
        id_table("audit_2024"),
        id_table("alembix_version"),
        id_table("alembix_log"),
        id_table("temp"),
    ]);
    let opts = DiffOptions {
        exclude_tables: vec!["audit_*".into(), "t?mp".into()],
        ..Default::default()
    };
    let out = diff(&cur, &Schema::default(), &Schema::default(), LITE, &opts);
    assert!(out.ops.is_empty(), "{:?}", out.ops);
    assert!(glob_match("a*b?", "axxbc") && !glob_match("a*b?", "axxb"));
}

#[test]
fn a_model_wins_over_exclude_tables() {
    let opts = DiffOptions {
        exclude_tables: vec!["*".into()],
        ..Default::default()
    };
    let tgt = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer)),
    ]);
    let out = diff(&schema(vec![id_table("t")]), &tgt, &tgt, PG, &opts);
    assert_eq!(shape(&out), ["add_column t"]);
}

#[test]
fn payloads_of_new_objects_come_from_the_model() {
    let tgt = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer)),
    ]);
    let mut model = tgt.clone();
    model.tables[0].columns[1].comment = Some("as written".into());
    let out = diff(
        &schema(vec![id_table("t")]),
        &tgt,
        &model,
        PG,
        &DiffOptions::default(),
    );
    let Op::AddColumn { column, .. } = &out.ops[0] else {
        panic!()
    };
    assert_eq!(column.comment.as_deref(), Some("as written"));
}

// ---- downgrade and rendering ------------------------------------------------

#[test]
fn the_downgrade_is_the_exact_inverse() {
    let mut users = id_table("users").column(Column::new("mail", ColumnType::Text));
    users.checks.push(Check {
        name: "ck".into(),
        expr: "id > 0".into(),
    });
    let cur = Schema {
        tables: vec![users, child("posts", "users"), id_table("gone")],
        enums: vec![mood_enum(&["a", "b"])],
        ..Default::default()
    };
    let mut email = Column::new("email", ColumnType::Varchar(Some(200))).nullable();
    email.renamed_from.push("mail".into());
    let mut new_users = id_table("users").column(email);
    new_users.indexes.push(index("ix_users_email", &["email"]));
    let mut fresh = child("fresh", "users");
    fresh.indexes.push(index("ix_fresh", &["users_id"]));
    let tgt = Schema {
        tables: vec![new_users, id_table("posts"), fresh],
        enums: vec![mood_enum(&["a", "c"])],
        ..Default::default()
    };
    let out = run(&cur, &tgt, PG);
    let after = applied(&cur, &out.ops);
    assert_eq!(norm(&after), norm(&tgt));
    let down = downgrade(&out.ops);
    assert_eq!(norm(&applied(&after, &down)), norm(&cur));
    // Each op of the downgrade undoes one of the upgrade, in reverse order
    // (an index of a table the downgrade drops goes with the table).
    let full: Vec<Op> = out.ops.iter().rev().map(Op::reverse).collect();
    assert_eq!(down.len(), full.len() - 1);
    assert!(
        full.iter()
            .any(|o| matches!(o, Op::DropIndex { table, .. } if table == "fresh"))
    );
    assert!(down.iter().all(|o| full.contains(o)));
}

#[test]
fn sqlite_changes_to_one_table_render_as_one_rebuild() {
    let cur = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer).nullable()),
    ]);
    let mut t = id_table("t").column(Column::new("n", ColumnType::Integer).default("0"));
    t.checks.push(Check {
        name: "ck_n".into(),
        expr: "n >= 0".into(),
    });
    t.columns
        .push(Column::new("s", ColumnType::Text).nullable());
    let out = run(&cur, &schema(vec![t]), LITE);
    assert_eq!(
        shape(&out),
        ["alter_column t", "add_column t", "add_check t"]
    );
    let plan = render_plan(&out.ops, &out.current, LITE).unwrap();
    assert!(plan.own_transaction);
    let rebuilds = plan
        .flat()
        .iter()
        .filter(|s| s.starts_with("CREATE TABLE \"_alembix_new_t\""))
        .count();
    assert_eq!(rebuilds, 1);
    assert!(plan.statements[0][0].contains("CHECK (n >= 0)"));
    assert!(plan.statements[1].is_empty() && plan.statements[2].is_empty());
    assert!(
        plan.statements[0].iter().any(|s| s
            == "INSERT INTO \"_alembix_new_t\" (\"id\", \"n\") SELECT \"id\", \"n\" FROM \"t\"")
    );
}

#[test]
fn ops_json_lists_alter_changes() {
    let cur = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::Integer).nullable()),
    ]);
    let tgt = schema(vec![
        id_table("t").column(Column::new("n", ColumnType::BigInt).default("1")),
    ]);
    let v = ops_json(&run(&cur, &tgt, PG).ops);
    assert_eq!(
        v,
        serde_json::json!([{
            "op": "alter_column", "table": "t", "column": "n",
            "changes": ["type", "nullable", "default"]
        }])
    );
}
