//! `--check`: the bulk insert path round-trips every column type (all
//! values set, then with NULLs), so the speed measured is of a correct insert.

use std::str::FromStr;

use alembix::{Db, DbEnum, Model};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::{Res, fail};

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
#[db_enum(name = "bench_mood")]
pub enum Mood {
    Happy,
    SoSo,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "bench_all_types")]
pub struct AllTypes {
    pub id: i64,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub real: f32,
    pub double: f64,
    pub flag: bool,
    #[column(max_length = 40)]
    pub text: String,
    pub bytes: Vec<u8>,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub datetime: NaiveDateTime,
    pub stamp: DateTime<Utc>,
    pub uuid: Uuid,
    #[column(precision = 18, scale = 4)]
    pub money: Decimal,
    pub json: serde_json::Value,
    pub mood: Mood,
    pub o_text: Option<String>,
    pub o_mood: Option<Mood>,
}

fn sample(k: i64, nulls: bool) -> AllTypes {
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let time = NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap();
    AllTypes {
        id: 0,
        small: -32768 + k as i16,
        int: i32::MIN + k as i32,
        big: i64::MAX - k,
        real: 1.5,
        double: -2.25e300,
        flag: k % 2 == 0,
        text: format!("text {k} 'é' ✓ \t\\ \"{{,}}\" NULL"),
        bytes: vec![0u8, 1, 2, 0xff, b'\'', b'"', k as u8],
        date,
        time,
        datetime: date.and_time(time),
        stamp: Utc.with_ymd_and_hms(1999, 12, 31, 22, 30, 1).unwrap()
            + chrono::Duration::microseconds(654_321 + k),
        uuid: Uuid::from_u128(0x0123_4567_89ab_cdef + k as u128),
        money: Decimal::from_str("-12345678901234.5678").unwrap() + Decimal::from(k),
        json: serde_json::json!({"a": [1, 2.5, "x\"y"], "b": null, "k": k}),
        mood: if k % 2 == 0 { Mood::Happy } else { Mood::SoSo },
        o_text: (!nulls).then(|| "NULL".to_string()),
        o_mood: (!nulls).then_some(Mood::SoSo),
    }
}

pub async fn check(db: &Db) -> Res<()> {
    db.create_all(&[AllTypes::table()]).await?;
    let result = check_inner(db).await;
    db.drop_all(&[AllTypes::table()]).await?;
    result
}

async fn check_inner(db: &Db) -> Res<()> {
    for nulls in [false, true] {
        AllTypes::delete_many().exec(db).await?;
        let rows: Vec<AllTypes> = (1..=50).map(|k| sample(k, nulls)).collect();
        let n = AllTypes::insert_many(db, &rows).await?;
        if n != rows.len() as u64 {
            return Err(fail(format!("insert_many reported {n} rows")));
        }
        let back = AllTypes::find()
            .order_by(AllTypes::id.asc())
            .all(db)
            .await?;
        for (got, want) in back.iter().zip(&rows) {
            let want = AllTypes {
                id: got.id,
                ..want.clone()
            };
            if *got != want {
                return Err(fail(format!("round trip differs:\n{got:?}\n{want:?}")));
            }
        }
        if back.len() != rows.len() {
            return Err(fail("insert_many lost rows"));
        }
    }
    // A value too long for varchar(40) is an error, never silently cut
    // (SQLite does not check lengths).
    if db.backend() == alembix::Backend::Sqlite {
        eprintln!("Sqlite: insert_many round-trips every column type");
        return Ok(());
    }
    let mut long = sample(1, false);
    long.text = "x".repeat(41);
    match AllTypes::insert_many(db, &[long.clone(), long]).await {
        Err(e) if e.to_string().contains("too long") => {}
        other => return Err(fail(format!("a too-long value gave {other:?}"))),
    }
    eprintln!(
        "{:?}: insert_many round-trips every column type",
        db.backend()
    );
    Ok(())
}
