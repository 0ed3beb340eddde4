//! Every column type of the mapping table round-trips, with and without NULL.

use alembix::{Db, Model};
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::backend_tests;
use crate::models::*;

backend_tests!(all_column_types_round_trip);

fn sample(some: bool, k: i64) -> AllTypes {
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let time = NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap();
    let datetime = date.and_time(time);
    let stamp = Utc.with_ymd_and_hms(1999, 12, 31, 22, 30, 1).unwrap()
        + chrono::Duration::microseconds(654_321);
    let uuid = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6677 + k as u128);
    let money = Decimal::from_str("-12345678901234.5678").unwrap();
    let json = serde_json::json!({"a": [1, 2.5, "x\"y"], "b": null, "c": {"d": true}});
    let bytes = vec![0u8, 1, 2, 0xff, b'\'', b'"', 0];
    AllTypes {
        id: 0,
        small: -32768,
        int: i32::MIN + k as i32,
        big: i64::MAX - k,
        real: 1.5,
        double: -2.25e300,
        flag: k % 2 == 0,
        text: format!("text {k} 'é' ✓"),
        bytes: bytes.clone(),
        date,
        time,
        datetime,
        stamp,
        uuid,
        money,
        json: json.clone(),
        mood: Mood::SoSo,
        o_small: some.then_some(32767),
        o_int: some.then_some(i32::MAX),
        o_big: some.then_some(i64::MIN),
        o_real: some.then_some(-0.75),
        o_double: some.then_some(std::f64::consts::PI),
        o_flag: some.then_some(false),
        o_text: some.then(String::new),
        o_bytes: some.then(Vec::new),
        o_date: some.then(|| NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()),
        o_time: some.then(|| NaiveTime::from_hms_opt(0, 0, 0).unwrap()),
        o_datetime: some.then_some(datetime),
        o_stamp: some.then_some(stamp),
        o_uuid: some.then(uuid::Uuid::nil),
        o_money: some.then(|| Decimal::from_str("0.0001").unwrap()),
        o_json: some.then(|| serde_json::json!([])),
        o_mood: some.then_some(Mood::Happy),
    }
}

async fn check(db: &Db, row: AllTypes) {
    let stored = row.insert(db).await.unwrap();
    let expected = AllTypes {
        id: stored.id,
        ..row.clone()
    };
    assert_eq!(stored, expected, "insert returns what was written");
    let back = AllTypes::get(db, stored.id).await.unwrap();
    assert_eq!(back, expected, "read back unchanged");
}

async fn all_column_types_round_trip(db: Db) {
    setup(&db).await;
    // None first: a statement prepared for NULLs must also take values.
    check(&db, sample(false, 1)).await;
    check(&db, sample(true, 2)).await;
    check(&db, sample(false, 3)).await;
    let rows = vec![sample(true, 4), sample(false, 5)];
    assert_eq!(AllTypes::insert_many(&db, &rows).await.unwrap(), 2);
    let all = AllTypes::find()
        .order_by(AllTypes::id.asc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    for (got, want) in all[3..].iter().zip(&rows) {
        assert_eq!(
            got,
            &AllTypes {
                id: got.id,
                ..want.clone()
            }
        );
    }
    // Filters on typed values.
    let s = sample(true, 2);
    let q = AllTypes::find;
    assert_eq!(
        q().filter(AllTypes::uuid.eq(s.uuid))
            .count(&db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        q().filter(AllTypes::o_mood.eq(Mood::Happy))
            .count(&db)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        q().filter(AllTypes::mood.eq(Mood::SoSo))
            .count(&db)
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        q().filter(AllTypes::o_mood.is_null())
            .count(&db)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        q().filter(AllTypes::date.eq(s.date))
            .count(&db)
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        q().filter(AllTypes::stamp.eq(s.stamp))
            .count(&db)
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        q().filter(AllTypes::flag.eq(true))
            .count(&db)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        q().filter(AllTypes::big.ge(i64::MAX - 2))
            .count(&db)
            .await
            .unwrap(),
        2
    );
    // Updates with typed values, including setting to NULL and back.
    let mut row = AllTypes::get(&db, all[1].id).await.unwrap();
    row.o_mood = None;
    row.o_uuid = None;
    row.mood = Mood::Sad;
    row.money = Decimal::from_str("3.1400").unwrap();
    row.save(&db).await.unwrap();
    assert_eq!(AllTypes::get(&db, row.id).await.unwrap(), row);
    AllTypes::update_many()
        .set(AllTypes::o_mood, Mood::Sad)
        .set(AllTypes::o_money, Decimal::from_str("4.14").unwrap())
        .filter(AllTypes::id.eq(row.id))
        .exec(&db)
        .await
        .unwrap();
    let after = AllTypes::get(&db, row.id).await.unwrap();
    assert_eq!(after.o_mood, Some(Mood::Sad));
    assert_eq!(after.o_money, Some(Decimal::from_str("4.14").unwrap()));
}
