use alembix::Model;

// 64 bytes: PostgreSQL would cut it to 63 without a word.
#[derive(Model, Debug, Clone)]
#[model(table = "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt")]
struct Event {
    id: i64,
}

// Every name given too long is reported at once, each where it is given.
#[derive(Model, Debug, Clone)]
#[model(table = "orders")]
#[model(index(name = "ix_orders_by_the_customer_and_the_day_the_order_was_placed_on_it", columns = "placed_on"))]
struct Order {
    id: i64,
    #[column(name = "the_day_on_which_the_customer_placed_this_order_in_the_web_shops")]
    placed_on: i64,
    a_field_whose_own_name_is_far_too_long_to_be_a_column_name_anywhere: i64,
}

fn main() {}
