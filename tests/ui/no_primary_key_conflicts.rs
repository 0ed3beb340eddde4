use alembix::Model;

// `no_primary_key` and a key at once.
#[derive(Model, Debug, Clone)]
#[model(no_primary_key)]
struct Reading {
    #[column(primary_key)]
    sensor: String,
    value: f64,
}

// At most one auto-increment column; not an Option.
#[derive(Model, Debug, Clone)]
struct Ticket {
    id: i64,
    #[column(auto_increment)]
    number: i64,
    #[column(auto_increment)]
    other: Option<i64>,
}

fn main() {}
