//! The Diesel crate: `schema.rs` as `diesel print-schema` writes it
//! (`table!`, `joinable!`, `allow_tables_to_appear_in_same_query!`), one
//! model struct per file with the usual derives; queries through
//! `inner_join` and `belonging_to`.

use std::fmt::Write;

use crate::schema::{MODELS, ModelSpec, QUERIED, models, table, type_name};
use crate::{File, cargo_toml};

pub fn files(edited: bool) -> Vec<File> {
    let dep = format!(
        "diesel = {{ version = \"{}\", {} }}",
        crate::DIESEL,
        crate::DIESEL_FEATURES
    );
    let specs = models(edited);
    let mut out = vec![
        File::new("Cargo.toml", cargo_toml("gen_diesel", &dep)),
        File::new("src/lib.rs", lib_rs()),
        File::new("src/schema.rs", schema(&specs)),
        File::new("src/queries.rs", queries()),
    ];
    for m in &specs {
        out.push(File::new(format!("src/models/{}.rs", m.table()), model(m)));
    }
    out
}

fn lib_rs() -> String {
    let mut s = String::from(
        "//! 50 Diesel tables and models and queries over them.\n\npub mod queries;\npub mod schema;\n\npub mod models {\n",
    );
    for i in 0..MODELS {
        writeln!(
            s,
            "    mod {t};\n    pub use {t}::{n};",
            t = table(i),
            n = type_name(i)
        )
        .unwrap();
    }
    s.push_str("}\n");
    s
}

fn schema(specs: &[ModelSpec]) -> String {
    let mut s = String::from("// @generated the way `diesel print-schema` writes it.\n");
    for m in specs {
        writeln!(
            s,
            "\ndiesel::table! {{\n    {} (id) {{\n        id -> BigInt,",
            m.table()
        )
        .unwrap();
        if m.parent.is_some() {
            s.push_str("        parent_id -> BigInt,\n");
        }
        if m.owner.is_some() {
            s.push_str("        owner_id -> BigInt,\n");
        }
        let amount = if m.edited { "BigInt" } else { "Integer" };
        writeln!(
            s,
            "        name -> Varchar,\n        code -> Varchar,\n        amount -> {amount},\n        \
             score -> Double,\n        active -> Bool,\n        note -> Nullable<Varchar>,\n    }}\n}}"
        )
        .unwrap();
    }
    s.push('\n');
    for m in specs {
        if let Some(p) = m.parent {
            writeln!(
                s,
                "diesel::joinable!({} -> {} (parent_id));",
                m.table(),
                table(p)
            )
            .unwrap();
        }
        if let Some(o) = m.owner {
            writeln!(
                s,
                "diesel::joinable!({} -> {} (owner_id));",
                m.table(),
                table(o)
            )
            .unwrap();
        }
    }
    let names: Vec<String> = (0..MODELS).map(table).collect();
    writeln!(
        s,
        "\ndiesel::allow_tables_to_appear_in_same_query!(\n    {},\n);",
        names.join(",\n    ")
    )
    .unwrap();
    s
}

fn model(m: &ModelSpec) -> String {
    let mut s = format!(
        "use diesel::prelude::*;\n\nuse crate::schema::{};\n\n",
        m.table()
    );
    let mut belongs = Vec::new();
    for (target, fk) in [(m.parent, "parent_id"), (m.owner, "owner_id")] {
        if let Some(t) = target {
            belongs.push(format!(
                "belongs_to(crate::models::{}, foreign_key = {fk})",
                type_name(t)
            ));
        }
    }
    let (assoc, attrs) = if belongs.is_empty() {
        ("", String::new())
    } else {
        ("Associations, ", format!(", {}", belongs.join(", ")))
    };
    writeln!(
        s,
        "#[derive(Queryable, Selectable, Identifiable, {assoc}Insertable, AsChangeset, Debug, Clone)]\n\
         #[diesel(table_name = {}{attrs})]\npub struct {} {{\n    pub id: i64,",
        m.table(),
        m.type_name()
    )
    .unwrap();
    if m.parent.is_some() {
        s.push_str("    pub parent_id: i64,\n");
    }
    if m.owner.is_some() {
        s.push_str("    pub owner_id: i64,\n");
    }
    writeln!(
        s,
        "    pub name: String,\n    pub code: String,\n    pub amount: {},\n    pub score: f64,\n    \
         pub active: bool,\n    pub note: Option<String>,\n}}",
        m.amount_type()
    )
    .unwrap();
    s
}

fn queries() -> String {
    let mut s = String::from(
        "//! A lookup, a join, an eager load, an insert and an update per queried model.\n\n\
         use diesel::pg::PgConnection;\nuse diesel::prelude::*;\n\nuse crate::models::*;\nuse crate::schema::*;\n",
    );
    let all = models(false);
    for q in QUERIED {
        let m = &all[q];
        let (t, n) = (m.table(), m.type_name());
        let parent = m.parent.expect("queried models have a parent");
        let (pt, pn) = (table(parent), type_name(parent));
        writeln!(
            s,
            "\npub fn get_{t}(conn: &mut PgConnection, id: i64) -> QueryResult<{n}> {{\n    \
             {t}::table.find(id).select({n}::as_select()).first(conn)\n}}\n\n\
             pub fn join_{t}(conn: &mut PgConnection, min: i32) -> QueryResult<Vec<({n}, {pn})>> {{\n    \
             {t}::table\n        .inner_join({pt}::table)\n        .filter({t}::amount.ge(min))\n        \
             .filter({pt}::active.eq(true))\n        .order({t}::id.desc())\n        .limit(20)\n        \
             .select(({n}::as_select(), {pn}::as_select()))\n        .load(conn)\n}}\n\n\
             pub fn insert_{t}(conn: &mut PgConnection, row: &{n}) -> QueryResult<{n}> {{\n    \
             diesel::insert_into({t}::table)\n        .values(row)\n        .returning({n}::as_returning())\n        .get_result(conn)\n}}\n\n\
             pub fn update_{t}(conn: &mut PgConnection, row: &mut {n}, amount: i32) -> QueryResult<usize> {{\n    \
             row.amount = amount;\n    diesel::update(&*row).set(&*row).execute(conn)\n}}"
        )
        .unwrap();
        if let Some(&c) = m.children().first() {
            let cn = type_name(c);
            writeln!(
                s,
                "\npub fn eager_{t}(conn: &mut PgConnection) -> QueryResult<Vec<({n}, Vec<{cn}>)>> {{\n    \
                 let parents = {t}::table.limit(100).select({n}::as_select()).load(conn)?;\n    \
                 let children = {cn}::belonging_to(&parents)\n        .select({cn}::as_select())\n        \
                 .load(conn)?\n        .grouped_by(&parents);\n    \
                 Ok(parents.into_iter().zip(children).collect())\n}}"
            )
            .unwrap();
        }
    }
    s
}
