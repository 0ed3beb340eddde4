use alembix::DbEnum;

#[derive(DbEnum, Debug, Clone)]
enum Status {
    Active,
    Banned { reason: String },
    Suspended(u32),
}

fn main() {}
