use alembix::Model;

#[derive(Model, Debug, Clone)]
struct Event {
    name: String,
    at: i64,
}

fn main() {}
