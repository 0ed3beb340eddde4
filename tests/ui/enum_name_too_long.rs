use alembix::DbEnum;

// On PostgreSQL an enum is a named type: its name is held to the limit too.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[db_enum(name = "the_mood_of_a_customer_as_the_support_team_noted_it_after_a_call")]
enum Mood {
    Happy,
    Sad,
}

fn main() {}
