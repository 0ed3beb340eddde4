use alembix::Model;

// Four mistakes, one compile: every one is reported.
#[derive(Model, Debug, Clone)]
#[model(tabel = "accounts")]
struct Account {
    name: String,
    #[column(uniq)]
    email: String,
    balance: u64,
    #[column(version)]
    version: Option<i32>,
}

fn main() {}
