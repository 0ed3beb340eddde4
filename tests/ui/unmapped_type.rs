use std::collections::HashMap;

use alembix::Model;

#[derive(Model, Debug, Clone)]
struct Counter {
    id: i64,
    hits: u64,
    labels: HashMap<String, String>,
}

fn main() {}
