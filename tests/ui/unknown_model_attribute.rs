use alembix::Model;

#[derive(Model, Debug, Clone)]
#[model(tabel = "users")]
struct User {
    id: i64,
    email: String,
}

fn main() {}
