//! Models shared by the runtime suite.

use alembix::{Db, DbEnum, Model};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "users")]
pub struct User {
    pub id: i64,
    #[column(max_length = 255, unique)]
    pub email: String,
    pub name: String,
    pub age: Option<i32>,
    #[column(max_length = 20, default = "'active'")]
    pub status: Option<String>,
    #[column(version)]
    pub version: i32,
}

impl User {
    pub fn new(email: &str, name: &str, age: Option<i32>) -> User {
        User {
            id: 0,
            email: email.into(),
            name: name.into(),
            age,
            status: Some("active".into()),
            version: 1,
        }
    }
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    #[column(references = "users.id", on_delete = "cascade", index)]
    pub user_id: i64,
    pub title: String,
    pub votes: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "counters")]
pub struct Counter {
    pub id: i64,
    pub value: i32,
}

/// A model whose key is given, not generated.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "settings")]
pub struct Setting {
    #[column(primary_key, max_length = 64)]
    pub key: String,
    pub value: String,
    pub hits: i64,
}

/// Three inserted columns per row: many rows need several statements.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "events")]
pub struct Event {
    pub id: i64,
    pub seq: i64,
    #[column(max_length = 40)]
    pub label: String,
    pub weight: f64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "memberships", primary_key(columns = "org_id, member"))]
pub struct Membership {
    pub org_id: i32,
    #[column(max_length = 50)]
    pub member: String,
    #[column(max_length = 20)]
    pub role: String,
}

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
#[db_enum(name = "mood")]
pub enum Mood {
    Happy,
    Sad,
    SoSo,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "all_types")]
pub struct AllTypes {
    pub id: i64,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub real: f32,
    pub double: f64,
    pub flag: bool,
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
    pub o_small: Option<i16>,
    pub o_int: Option<i32>,
    pub o_big: Option<i64>,
    pub o_real: Option<f32>,
    pub o_double: Option<f64>,
    pub o_flag: Option<bool>,
    pub o_text: Option<String>,
    pub o_bytes: Option<Vec<u8>>,
    pub o_date: Option<NaiveDate>,
    pub o_time: Option<NaiveTime>,
    pub o_datetime: Option<NaiveDateTime>,
    pub o_stamp: Option<DateTime<Utc>>,
    pub o_uuid: Option<Uuid>,
    #[column(precision = 18, scale = 4)]
    pub o_money: Option<Decimal>,
    pub o_json: Option<serde_json::Value>,
    pub o_mood: Option<Mood>,
}

/// Creates every table of the suite.
pub async fn setup(db: &Db) {
    db.create_all(&[
        User::table(),
        Post::table(),
        Counter::table(),
        Setting::table(),
        Event::table(),
        Membership::table(),
        AllTypes::table(),
    ])
    .await
    .expect("create_all");
}
