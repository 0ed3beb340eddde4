use alembix::Model;

#[derive(Model, Debug, Clone)]
struct Org {
    id: i64,
}

#[derive(Model, Debug, Clone)]
struct User {
    id: i64,
    #[column(references = "org.id", on_delete = "delete")]
    org_id: i64,
}

fn main() {}
