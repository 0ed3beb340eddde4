//! A generated schema of many tables (the shape of `bench`'s scale
//! benchmark: 10 columns, 2 indexes and 1–2 foreign keys per table),
//! created in the database from model source.

use alembix::{Backend, Db};

/// The model source for `n` tables.
pub fn models(n: usize) -> String {
    let mut s = String::from("use alembix::Model;\n");
    for i in 0..n {
        let parent = if i > 0 {
            format!(
                "    #[column(references = \"t{:05}.id\", on_delete = \"cascade\")]\n",
                i - 1
            )
        } else {
            String::new()
        };
        let other = if i > 1 && i % 2 == 0 {
            format!("    #[column(references = \"t{:05}.id\")]\n", i - 2)
        } else {
            String::new()
        };
        s.push_str(&format!(
            r#"
#[derive(Model)]
#[model(table = "t{i:05}", index(columns = "name"), index(columns = "score, created_at"))]
pub struct T{i:05} {{
    pub id: i64,
{parent}    pub parent_id: i64,
{other}    pub other_id: Option<i64>,
    #[column(max_length = 80)]
    pub name: String,
    #[column(default = "0")]
    pub score: i32,
    pub active: bool,
    pub ratio: f64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
}}
"#
        ));
    }
    s
}

/// Creates the schema of `models(n)` in `db`.
pub async fn create(db: &Db, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/models.rs"), models(n)).unwrap();
    let schema = alembix_autogen::scan::scan(dir.path(), &["src/**/*.rs".into()]).unwrap();
    let dialect: Backend = db.backend();
    let ddl = alembix_schema::create_schema(&schema, dialect).unwrap();
    for s in &ddl {
        db.execute_sql(s).await.unwrap();
    }
}
