use alembix::Model;

#[derive(Model, Debug, Clone)]
struct User {
    id: i64,
    age: i32,
}

fn main() {
    let _ = User::find().filter(User::age.eq("x"));
}
