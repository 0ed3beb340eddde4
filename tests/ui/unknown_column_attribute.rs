use alembix::Model;

#[derive(Model, Debug, Clone)]
struct User {
    id: i64,
    #[column(max_len = 255)]
    email: String,
}

fn main() {}
