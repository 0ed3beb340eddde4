use alembix::Model;

#[derive(Model, Debug, Clone)]
struct Document {
    id: i64,
    #[column(version)]
    version: String,
}

fn main() {}
