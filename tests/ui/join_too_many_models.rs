use alembix::Model;

#[derive(Model, Debug, Clone)]
struct A { id: i64 }
#[derive(Model, Debug, Clone)]
struct B { id: i64 }
#[derive(Model, Debug, Clone)]
struct C { id: i64 }
#[derive(Model, Debug, Clone)]
struct D { id: i64 }
#[derive(Model, Debug, Clone)]
struct E { id: i64 }
#[derive(Model, Debug, Clone)]
struct F { id: i64 }

fn main() {
    // Five models at most.
    let _ = A::find().join::<B>().join::<C>().join::<D>().join::<E>().join::<F>();
}
