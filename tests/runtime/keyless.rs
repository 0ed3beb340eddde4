//! Tables without a primary key (`#[model(no_primary_key)]`): queried,
//! inserted into (one row and many, duplicates included), updated and
//! deleted by filter; and an auto-increment column outside the key, filled
//! in by the database on insert where the backend has one.

use alembix::schema::dialect::AutoIncrementOutsideKey;
use alembix::{Db, Model};

use crate::backend_tests;

backend_tests!(
    keyless_insert_and_query,
    keyless_change_by_filter,
    keyless_relations,
    auto_increment_outside_key
);

/// A log table: no key, identical rows allowed.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(
    table = "kl_readings",
    no_primary_key,
    index(columns = "sensor, taken_at")
)]
pub struct Reading {
    #[column(max_length = 50)]
    pub sensor: String,
    pub taken_at: i64,
    pub value: Option<f64>,
    #[column(max_length = 10, default = "'ok'")]
    pub quality: Option<String>,
}

/// A key given by the application, and a number the database counts up.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "kl_tickets")]
pub struct Ticket {
    #[column(primary_key, max_length = 20)]
    pub code: String,
    #[column(auto_increment, unique)]
    pub number: i64,
    pub title: String,
}

/// A keyed table that rows without a key refer to.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "kl_sensors")]
pub struct Sensor {
    pub id: i64,
    #[column(max_length = 50)]
    pub name: String,
}

/// Rows without a key, each referring to a sensor.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "kl_pings", no_primary_key)]
pub struct Ping {
    #[column(references = "kl_sensors.id", on_delete = "cascade")]
    pub sensor_id: i64,
    pub at: i64,
}

fn reading(sensor: &str, taken_at: i64, value: Option<f64>) -> Reading {
    Reading {
        sensor: sensor.into(),
        taken_at,
        value,
        quality: None,
    }
}

async fn keyless_insert_and_query(db: Db) {
    db.create_all(&[Reading::table()]).await.unwrap();
    assert!(Reading::table().primary_key.is_none());
    // The row comes back as stored, with the server default filled in.
    let stored = reading("a", 1, Some(2.5)).insert(&db).await.unwrap();
    assert_eq!(stored.quality.as_deref(), Some("ok"));
    assert_eq!(stored.value, Some(2.5));
    // The same row again: a table without a key holds duplicates.
    reading("a", 1, Some(2.5)).insert(&db).await.unwrap();
    let many = [
        reading("b", 1, None),
        reading("b", 2, Some(-1.0)),
        reading("b", 2, Some(-1.0)),
    ];
    assert_eq!(Reading::insert_many(&db, &many).await.unwrap(), 3);
    assert_eq!(Reading::find().count(&db).await.unwrap(), 5);
    let a = Reading::find()
        .filter(Reading::sensor.eq("a"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(a.len(), 2);
    assert!(a.iter().all(|r| *r == stored));
    let b = Reading::find()
        .filter(Reading::sensor.eq("b"))
        .order_by(Reading::taken_at.desc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        b.iter().map(|r| (r.taken_at, r.value)).collect::<Vec<_>>(),
        vec![(2, Some(-1.0)), (2, Some(-1.0)), (1, None)]
    );
    let first = Reading::find()
        .filter(Reading::value.is_null())
        .one(&db)
        .await
        .unwrap();
    assert_eq!(first.map(|r| r.sensor), Some("b".to_string()));
}

async fn keyless_change_by_filter(db: Db) {
    db.create_all(&[Reading::table()]).await.unwrap();
    let rows = [
        reading("a", 1, Some(1.0)),
        reading("a", 2, Some(2.0)),
        reading("b", 1, Some(3.0)),
    ];
    Reading::insert_many(&db, &rows).await.unwrap();
    let changed = Reading::update_many()
        .set(Reading::value, Some(0.0))
        .filter(Reading::sensor.eq("a"))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let zeroed = Reading::find()
        .filter(Reading::value.eq(Some(0.0)))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(zeroed, 2);
    let gone = Reading::delete_many()
        .filter(Reading::taken_at.eq(1))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(gone, 2);
    let left = Reading::find().all(&db).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!((left[0].sensor.as_str(), left[0].taken_at), ("a", 2));
}

/// Relations follow the foreign key, not a primary key: a row without a
/// key finds its parent, and the parent its rows.
async fn keyless_relations(db: Db) {
    db.create_all(&[Sensor::table(), Ping::table()])
        .await
        .unwrap();
    let sensor = |name: &str| Sensor {
        id: 0,
        name: name.into(),
    };
    let a = sensor("a").insert(&db).await.unwrap();
    let b = sensor("b").insert(&db).await.unwrap();
    let pings = [
        Ping {
            sensor_id: a.id,
            at: 1,
        },
        Ping {
            sensor_id: a.id,
            at: 2,
        },
        Ping {
            sensor_id: b.id,
            at: 3,
        },
    ];
    Ping::insert_many(&db, &pings).await.unwrap();
    let parent = pings[2].parent::<Sensor>(&db).await.unwrap();
    assert_eq!(parent, Some(b.clone()));
    let mut of_a = a.children::<Ping>(&db).await.unwrap();
    of_a.sort_by_key(|p| p.at);
    assert_eq!(of_a, pings[..2].to_vec());
    let parents = Ping::load_parents::<Sensor>(&db, &pings).await.unwrap();
    assert_eq!(parents, vec![Some(a.clone()), Some(a), Some(b)]);
}

async fn auto_increment_outside_key(db: Db) {
    if db.backend().caps().auto_increment_outside_key == AutoIncrementOutsideKey::Nowhere {
        // SQLite generates values for its rowid key only (autogen refuses
        // such a model there).
        return;
    }
    db.create_all(&[Ticket::table()]).await.unwrap();
    let ticket = |code: &str, title: &str| Ticket {
        code: code.into(),
        number: 0,
        title: title.into(),
    };
    let first = ticket("T-1", "printer").insert(&db).await.unwrap();
    let second = ticket("T-2", "coffee").insert(&db).await.unwrap();
    assert!(first.number > 0, "{first:?}");
    assert!(second.number > first.number, "{first:?} {second:?}");
    assert_eq!(
        (first.code.as_str(), first.title.as_str()),
        ("T-1", "printer")
    );
    // The key still finds, saves and deletes one row.
    let mut found = Ticket::get(&db, "T-2").await.unwrap();
    assert_eq!(found, second);
    found.title = "tea".into();
    found.save(&db).await.unwrap();
    assert_eq!(Ticket::get(&db, "T-2").await.unwrap().title, "tea");
    Ticket::insert_many(&db, &[ticket("T-3", "x"), ticket("T-4", "y")])
        .await
        .unwrap();
    let numbers: Vec<i64> = Ticket::find()
        .order_by(Ticket::number.asc())
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.number)
        .collect();
    assert_eq!(numbers.len(), 4);
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
    first.delete(&db).await.unwrap();
    assert_eq!(Ticket::find().count(&db).await.unwrap(), 3);
}
