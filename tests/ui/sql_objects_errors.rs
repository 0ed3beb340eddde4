alembix::sql_objects! {
    view "active_users";
    trigger "trg" = "CREATE TRIGGER trg AFTER INSERT ON users BEGIN SELECT 1; END";
    function "f" = "SELECT 1";
    index "ix" = "CREATE INDEX ix ON t (a)";
    sequence "s" (start = 10, colour = 3);
    view "v" (start = 1) = "SELECT 1";
    materialized view "m" (backend = "sqlite") = "SELECT 1";
    view "dup" = "SELECT 1";
    view "dup" = "SELECT 2";
}

fn main() {}
