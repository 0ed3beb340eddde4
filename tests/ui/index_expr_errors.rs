use alembix::Model;

#[derive(Model, Debug, Clone)]
#[model(index(columns = "email", expr = "lower(email)"))]
#[model(index(expr = "  ", unique))]
#[model(index(unique, where = "email <> ''"))]
struct User {
    id: i64,
    email: String,
}

fn main() {}
