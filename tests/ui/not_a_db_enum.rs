use alembix::Model;

#[derive(Debug, Clone)]
struct Address {
    street: String,
}

#[derive(Model, Debug, Clone)]
struct User {
    id: i64,
    address: Address,
}

fn main() {}
