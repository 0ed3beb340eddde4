//! The Alembix crate: one `#[derive(Model)]` per file, foreign keys as
//! `references`, queries through joins and `children`/`parent` loads.

use std::fmt::Write;

use crate::schema::{MODELS, ModelSpec, QUERIED, models, table, type_name};
use crate::{File, cargo_toml};

pub fn files(repo: &str, edited: bool) -> Vec<File> {
    let dep = format!("alembix = {{ path = \"{repo}/crates/alembix\" }}");
    let mut out = vec![
        File::new("Cargo.toml", cargo_toml("gen_alembix", &dep)),
        File::new("src/lib.rs", lib_rs()),
        File::new("src/queries.rs", queries()),
    ];
    for m in models(edited) {
        out.push(File::new(format!("src/models/{}.rs", m.table()), model(&m)));
    }
    out
}

fn lib_rs() -> String {
    let mut s = String::from(
        "//! 50 Alembix models and queries over them.\n\npub mod queries;\n\npub mod models {\n",
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

fn model(m: &ModelSpec) -> String {
    let mut s = String::from("use alembix::Model;\n\n");
    writeln!(
        s,
        "#[derive(Model, Debug, Clone)]\n#[model(table = \"{}\")]",
        m.table()
    )
    .unwrap();
    writeln!(s, "pub struct {} {{\n    pub id: i64,", m.type_name()).unwrap();
    if let Some(p) = m.parent {
        writeln!(
            s,
            "    #[column(references = \"{}.id\", index)]\n    pub parent_id: i64,",
            table(p)
        )
        .unwrap();
    }
    if let Some(o) = m.owner {
        writeln!(
            s,
            "    #[column(references = \"{}.id\")]\n    pub owner_id: i64,",
            table(o)
        )
        .unwrap();
    }
    writeln!(
        s,
        "    #[column(max_length = 100)]\n    pub name: String,\n    \
         #[column(max_length = 20, unique)]\n    pub code: String,\n    \
         pub amount: {},\n    pub score: f64,\n    pub active: bool,\n    \
         pub note: Option<String>,\n}}",
        m.amount_type()
    )
    .unwrap();
    s
}

fn queries() -> String {
    let mut s = String::from(
        "//! A lookup, a join, an eager load, an insert and an update per queried model.\n\n\
         use alembix::{Db, Model, Result, children};\n\nuse crate::models::*;\n",
    );
    let all = models(false);
    for q in QUERIED {
        let m = &all[q];
        let (t, n) = (m.table(), m.type_name());
        let p = type_name(m.parent.expect("queried models have a parent"));
        writeln!(
            s,
            "\npub async fn get_{t}(db: &Db, id: i64) -> Result<{n}> {{\n    {n}::get(db, id).await\n}}\n\n\
             pub async fn join_{t}(db: &Db, min: i32) -> Result<Vec<({n}, {p})>> {{\n    \
             {n}::find()\n        .join::<{p}>()\n        .filter({n}::amount.ge(min).and({p}::active.eq(true)))\n        \
             .order_by({n}::id.desc())\n        .limit(20)\n        .all(db)\n        .await\n}}\n\n\
             pub async fn insert_{t}(db: &Db, row: &{n}) -> Result<{n}> {{\n    row.insert(db).await\n}}\n\n\
             pub async fn update_{t}(db: &Db, row: &mut {n}, amount: i32) -> Result<()> {{\n    \
             row.amount = amount;\n    row.save(db).await\n}}"
        )
        .unwrap();
        if let Some(&c) = m.children().first() {
            let c = type_name(c);
            writeln!(
                s,
                "\npub async fn eager_{t}(db: &Db) -> Result<Vec<({n}, Vec<{c}>)>> {{\n    \
                 {n}::find().limit(100).with(children::<{c}>()).all(db).await\n}}"
            )
            .unwrap();
        }
    }
    s
}
