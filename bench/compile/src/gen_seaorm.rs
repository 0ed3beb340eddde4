//! The SeaORM crate: one entity module per file (as `sea-orm-cli generate
//! entity` writes them), a `Relation` enum with `belongs_to`/`has_many`
//! and the `Related` impls; queries through `find_also_related` and the
//! loader.

use std::fmt::Write;

use crate::schema::{MODELS, ModelSpec, QUERIED, models, table, type_name};
use crate::{File, cargo_toml};

pub fn files(edited: bool) -> Vec<File> {
    let dep = format!(
        "sea-orm = {{ version = \"{}\", {} }}",
        crate::SEA_ORM,
        crate::SEA_ORM_FEATURES
    );
    let mut out = vec![
        File::new("Cargo.toml", cargo_toml("gen_seaorm", &dep)),
        File::new("src/lib.rs", lib_rs()),
        File::new("src/queries.rs", queries()),
    ];
    for m in models(edited) {
        out.push(File::new(
            format!("src/entities/{}.rs", m.table()),
            entity(&m),
        ));
    }
    out
}

fn lib_rs() -> String {
    let mut s = String::from(
        "//! 50 SeaORM entities and queries over them.\n\npub mod queries;\n\npub mod entities {\n",
    );
    for i in 0..MODELS {
        writeln!(s, "    pub mod {};", table(i)).unwrap();
    }
    s.push_str("}\n");
    s
}

fn entity(m: &ModelSpec) -> String {
    let mut s = String::from("use sea_orm::entity::prelude::*;\n\n");
    writeln!(
        s,
        "#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n#[sea_orm(table_name = \"{}\")]\n\
         pub struct Model {{\n    #[sea_orm(primary_key)]\n    pub id: i64,",
        m.table()
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
        "    pub name: String,\n    #[sea_orm(unique)]\n    pub code: String,\n    \
         pub amount: {},\n    pub score: f64,\n    pub active: bool,\n    \
         pub note: Option<String>,\n}}\n",
        m.amount_type()
    )
    .unwrap();
    // (variant, related module, attribute)
    let mut rels: Vec<(String, String, String)> = Vec::new();
    for (target, col, variant) in [
        (m.parent, "ParentId", "Parent"),
        (m.owner, "OwnerId", "Owner"),
    ] {
        if let Some(t) = target {
            let t = table(t);
            rels.push((
                variant.to_string(),
                t.clone(),
                format!("belongs_to = \"super::{t}::Entity\", from = \"Column::{col}\", to = \"super::{t}::Column::Id\""),
            ));
        }
    }
    for c in m.children().into_iter().chain(m.owned()) {
        let t = table(c);
        rels.push((
            type_name(c),
            t.clone(),
            format!("has_many = \"super::{t}::Entity\""),
        ));
    }
    s.push_str("#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]\npub enum Relation {\n");
    for (variant, _, attr) in &rels {
        writeln!(s, "    #[sea_orm({attr})]\n    {variant},").unwrap();
    }
    s.push_str("}\n");
    for (variant, module, _) in &rels {
        writeln!(
            s,
            "\nimpl Related<super::{module}::Entity> for Entity {{\n    \
             fn to() -> RelationDef {{\n        Relation::{variant}.def()\n    }}\n}}"
        )
        .unwrap();
    }
    s.push_str("\nimpl ActiveModelBehavior for ActiveModel {}\n");
    s
}

fn queries() -> String {
    let mut s = String::from(
        "//! A lookup, a join, an eager load, an insert and an update per queried model.\n\n\
         use sea_orm::entity::prelude::*;\nuse sea_orm::{ActiveValue::Set, LoaderTrait, QueryOrder, QuerySelect};\n\n\
         use crate::entities::*;\n",
    );
    let all = models(false);
    for q in QUERIED {
        let m = &all[q];
        let t = m.table();
        let p = table(m.parent.expect("queried models have a parent"));
        writeln!(
            s,
            "\npub async fn get_{t}(db: &DatabaseConnection, id: i64) -> Result<Option<{t}::Model>, DbErr> {{\n    \
             {t}::Entity::find_by_id(id).one(db).await\n}}\n\n\
             pub async fn join_{t}(db: &DatabaseConnection, min: i32) -> Result<Vec<({t}::Model, Option<{p}::Model>)>, DbErr> {{\n    \
             {t}::Entity::find()\n        .find_also_related({p}::Entity)\n        .filter({t}::Column::Amount.gte(min))\n        \
             .filter({p}::Column::Active.eq(true))\n        .order_by_desc({t}::Column::Id)\n        .limit(20)\n        .all(db)\n        .await\n}}\n\n\
             pub async fn insert_{t}(db: &DatabaseConnection, row: {t}::ActiveModel) -> Result<{t}::Model, DbErr> {{\n    \
             row.insert(db).await\n}}\n\n\
             pub async fn update_{t}(db: &DatabaseConnection, row: {t}::Model, amount: i32) -> Result<{t}::Model, DbErr> {{\n    \
             let mut am: {t}::ActiveModel = row.into();\n    am.amount = Set(amount);\n    am.update(db).await\n}}"
        )
        .unwrap();
        if let Some(&c) = m.children().first() {
            let c = table(c);
            writeln!(
                s,
                "\npub async fn eager_{t}(db: &DatabaseConnection) -> Result<Vec<({t}::Model, Vec<{c}::Model>)>, DbErr> {{\n    \
                 let parents = {t}::Entity::find().limit(100).all(db).await?;\n    \
                 let children = parents.load_many({c}::Entity, db).await?;\n    \
                 Ok(parents.into_iter().zip(children).collect())\n}}"
            )
            .unwrap();
        }
    }
    s
}
