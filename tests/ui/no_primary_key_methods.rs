use alembix::{Db, Model};

#[derive(Model, Debug, Clone)]
#[model(no_primary_key)]
struct Reading {
    sensor: String,
    value: f64,
}

async fn uses(db: &Db, mut r: Reading) {
    // What needs no key compiles.
    let _ = Reading::find().filter(Reading::sensor.eq("a")).all(db).await;
    let _ = r.insert(db).await;
    let _ = Reading::delete_many().filter(Reading::value.lt(0.0)).exec(db).await;
    // What finds one row by its key does not.
    let _ = Reading::get(db, 1_i64).await;
    let _ = r.save(db).await;
    let _ = r.delete(db).await;
}

fn main() {
    let _ = uses;
}
