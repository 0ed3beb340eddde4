//! Upserts on any unique key (`Model::upsert_by`): the columns a conflict
//! updates, `do_nothing`, composite keys and unique indexes, the row
//! returned, the statements sent, and the usage errors.

use alembix::{Backend, Db, Error, Model};

use crate::backend_tests;
use crate::common::trace::capture;

backend_tests!(
    updates_only_chosen_columns,
    default_updates_all_but_keys,
    do_nothing_keeps_stored_row,
    composite_unique_key,
    unique_index_key,
    not_a_unique_key_is_usage_error,
);

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ups_accounts")]
pub struct Account {
    pub id: i64,
    #[column(max_length = 100, unique)]
    pub email: String,
    pub name: String,
    pub logins: i32,
    pub note: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(
    table = "ups_seats",
    unique(columns = "room, seat"),
    index(columns = "code", unique)
)]
pub struct Seat {
    pub id: i64,
    pub room: i32,
    #[column(max_length = 10)]
    pub seat: String,
    #[column(max_length = 20)]
    pub code: String,
    pub holder: String,
    pub price: i32,
}

async fn setup(db: &Db) {
    db.create_all(&[Account::table(), Seat::table()])
        .await
        .expect("create_all");
}

fn account(email: &str, name: &str, logins: i32, note: Option<&str>) -> Account {
    Account {
        id: 0,
        email: email.into(),
        name: name.into(),
        logins,
        note: note.map(Into::into),
    }
}

/// Statements an upsert that inserts or updates sends: one with
/// `RETURNING`, else the write and a read back.
fn upsert_cost(db: &Db) -> usize {
    if db.has_returning() { 1 } else { 2 }
}

async fn updates_only_chosen_columns(db: Db) {
    setup(&db).await;
    let upsert = Account::upsert_by(Account::email).update((Account::name, Account::logins));
    let first = account("ann@example.com", "Ann", 1, Some("first note"));
    let (stored, sent) = capture(upsert.exec(&db, &first)).await;
    let stored = stored.unwrap();
    assert_eq!(
        sent.len(),
        upsert_cost(&db),
        "insert path: {:?}",
        sent.sql()
    );
    assert!(stored.id > 0);
    assert_eq!(
        stored,
        Account {
            id: stored.id,
            ..first
        }
    );
    assert_eq!(Account::get(&db, stored.id).await.unwrap(), stored);

    let second = account("ann@example.com", "Annie", 5, Some("second note"));
    let (updated, sent) = capture(upsert.exec(&db, &second)).await;
    let updated = updated.unwrap();
    assert_eq!(
        sent.len(),
        upsert_cost(&db),
        "update path: {:?}",
        sent.sql()
    );
    assert_eq!(
        updated,
        Account {
            id: stored.id,
            email: "ann@example.com".into(),
            name: "Annie".into(),
            logins: 5,
            note: Some("first note".into()), // not chosen: kept
        }
    );
    assert_eq!(
        Account::get(&db, stored.id).await.unwrap(),
        updated,
        "as a fresh select reads it"
    );
    assert_eq!(Account::find().count(&db).await.unwrap(), 1);

    // A different email is a new row.
    let bob = upsert
        .exec(&db, &account("bob@example.com", "Bob", 1, None))
        .await
        .unwrap();
    assert_ne!(bob.id, stored.id);
    assert_eq!(Account::find().count(&db).await.unwrap(), 2);
}

async fn default_updates_all_but_keys(db: Db) {
    setup(&db).await;
    let stored = Account::upsert_by(Account::email)
        .exec(&db, &account("c@example.com", "C", 1, Some("n")))
        .await
        .unwrap();
    let updated = Account::upsert_by(Account::email)
        .exec(&db, &account("c@example.com", "C2", 2, None))
        .await
        .unwrap();
    assert_eq!(
        updated,
        Account {
            id: stored.id,
            email: "c@example.com".into(),
            name: "C2".into(),
            logins: 2,
            note: None,
        }
    );
    assert_eq!(Account::get(&db, stored.id).await.unwrap(), updated);
}

async fn do_nothing_keeps_stored_row(db: Db) {
    setup(&db).await;
    let upsert = Account::upsert_by(Account::email).do_nothing();
    let (stored, sent) = capture(upsert.exec(&db, &account("d@example.com", "D", 1, None))).await;
    let stored = stored.unwrap();
    assert_eq!(
        sent.len(),
        upsert_cost(&db),
        "no conflict: {:?}",
        sent.sql()
    );
    let (kept, sent) =
        capture(upsert.exec(&db, &account("d@example.com", "Other", 9, Some("x")))).await;
    let kept = kept.unwrap();
    assert_eq!(kept, stored, "the stored row, unchanged");
    assert_eq!(Account::get(&db, stored.id).await.unwrap(), stored);
    // MariaDB returns the existing row from its no-op update; PostgreSQL and
    // SQLite return no row from DO NOTHING, so it is read back.
    let expected = match db.backend() {
        Backend::MySql if db.has_returning() => 1,
        _ => 2,
    };
    assert_eq!(sent.len(), expected, "conflict: {:?}", sent.sql());
    assert_eq!(Account::find().count(&db).await.unwrap(), 1);
}

fn seat(room: i32, seat: &str, code: &str, holder: &str, price: i32) -> Seat {
    Seat {
        id: 0,
        room,
        seat: seat.into(),
        code: code.into(),
        holder: holder.into(),
        price,
    }
}

async fn composite_unique_key(db: Db) {
    setup(&db).await;
    let upsert = Seat::upsert_by((Seat::room, Seat::seat)).update(Seat::holder);
    let a1 = upsert
        .exec(&db, &seat(1, "A1", "c-1", "ann", 10))
        .await
        .unwrap();
    // Same seat in another room: a new row.
    let other = upsert
        .exec(&db, &seat(2, "A1", "c-2", "bob", 10))
        .await
        .unwrap();
    assert_ne!(other.id, a1.id);
    // Same room and seat: holder updated, code and price kept.
    let (taken, sent) = capture(upsert.exec(&db, &seat(1, "A1", "c-1", "carl", 99))).await;
    let taken = taken.unwrap();
    assert_eq!(sent.len(), upsert_cost(&db), "{:?}", sent.sql());
    assert_eq!(
        taken,
        Seat {
            holder: "carl".into(),
            ..a1.clone()
        }
    );
    assert_eq!(Seat::get(&db, a1.id).await.unwrap(), taken);
    // The key's columns in another order name the same key.
    let again = Seat::upsert_by((Seat::seat, Seat::room))
        .update([Seat::price])
        .exec(&db, &seat(1, "A1", "c-1", "dora", 7))
        .await
        .unwrap();
    assert_eq!(again, Seat { price: 7, ..taken });
    assert_eq!(Seat::find().count(&db).await.unwrap(), 2);
}

async fn unique_index_key(db: Db) {
    setup(&db).await;
    let upsert = Seat::upsert_by(Seat::code).update((Seat::holder, Seat::price));
    let s = upsert
        .exec(&db, &seat(3, "B2", "vip", "ann", 50))
        .await
        .unwrap();
    let s2 = upsert
        .exec(&db, &seat(3, "B2", "vip", "bob", 60))
        .await
        .unwrap();
    assert_eq!(
        s2,
        Seat {
            holder: "bob".into(),
            price: 60,
            ..s
        }
    );
    assert_eq!(Seat::get(&db, s.id).await.unwrap(), s2);
}

/// A usage error whose message contains every one of `needles`.
fn assert_usage(res: Result<impl std::fmt::Debug, Error>, needles: &[&str]) {
    match res {
        Err(Error::Usage(msg)) => {
            for n in needles {
                assert!(msg.contains(n), "{msg:?} should mention {n:?}");
            }
        }
        other => panic!("expected a usage error, got {other:?}"),
    }
}

async fn not_a_unique_key_is_usage_error(db: Db) {
    setup(&db).await;
    let row = account("e@example.com", "E", 1, None);
    let (res, sent) = capture(Account::upsert_by(Account::name).exec(&db, &row)).await;
    assert_usage(
        res,
        &["upsert_by(name)", "not a unique key", "(id)", "(email)"],
    );
    assert!(sent.is_empty(), "nothing sent: {:?}", sent.sql());
    // Part of a composite key is not a key either.
    let res = Seat::upsert_by(Seat::room)
        .exec(&db, &seat(1, "A", "c", "h", 1))
        .await;
    assert_usage(res, &["not a unique key", "(room, seat)", "(code)"]);
    // The primary key cannot be updated, and update() needs a column.
    let res = Account::upsert_by(Account::email)
        .update(Account::id)
        .exec(&db, &row)
        .await;
    assert_usage(res, &["primary-key column `id`"]);
    let none: Vec<alembix::Col<Account, String>> = Vec::new();
    let res = Account::upsert_by(Account::email)
        .update(none)
        .exec(&db, &row)
        .await;
    assert_usage(res, &["do_nothing()"]);
    assert_eq!(
        Account::find().count(&db).await.unwrap(),
        0,
        "nothing written"
    );
}
