use alembix::Model;

#[derive(Model, Debug, Clone)]
struct User {
    id: i64,
    email: String,
    #[column(name = "email")]
    backup_email: String,
}

fn main() {}
