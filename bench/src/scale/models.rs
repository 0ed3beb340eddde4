//! The generated schema of the scale benchmarks: N tables of 10 columns,
//! 2 indexes and 1–2 foreign keys each (shared by the `scale` and
//! `upgrade_vs_client` binaries).

use std::time::Duration;

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The model file for `n` tables.
pub fn models(n: usize) -> String {
    let mut s = String::from("use alembix::Model;\n");
    for i in 0..n {
        let mut fk = String::new();
        if i > 0 {
            fk.push_str(&format!(
                "    #[column(references = \"t{:05}.id\", on_delete = \"cascade\")]\n    pub parent_id: i64,\n",
                i - 1
            ));
        } else {
            fk.push_str("    pub parent_id: i64,\n");
        }
        if i > 1 && i % 2 == 0 {
            fk.push_str(&format!(
                "    #[column(references = \"t{:05}.id\")]\n    pub other_id: Option<i64>,\n",
                i - 2
            ));
        } else {
            fk.push_str("    pub other_id: Option<i64>,\n");
        }
        s.push_str(&format!(
            r#"
#[derive(Model)]
#[model(table = "t{i:05}", index(columns = "name"), index(columns = "score, created_at"))]
pub struct T{i:05} {{
    pub id: i64,
{fk}    #[column(max_length = 80)]
    pub name: String,
    #[column(default = "0")]
    pub score: i32,
    pub active: bool,
    pub ratio: f64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
    #[column(version)]
    pub version: i32,
}}
"#
        ));
    }
    s
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}
