//! [`Cursor`]: the key values of a row, as an opaque URL-safe string.

use sea_query::Value;
use serde_json::{Value as Json, json};

use crate::error::{Error, Result};

/// Where a keyset page starts or ends: the ordering-key values of one row,
/// as an opaque, URL-safe string (base64url, no padding) that can travel in
/// a link (`?after=...`). The values go back into the query as bound
/// parameters, never as SQL text, and [`Cursor::decode`] refuses a string
/// it did not make with an [`Error::Usage`].
///
/// ```
/// use alembix::{Cursor, Value};
///
/// let cursor = Cursor::encode(&[Value::from("2024-05-01"), Value::from(42_i64)])?;
/// let text = cursor.to_string();
/// assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
/// assert_eq!(Cursor::decode(&text)?, cursor);
/// assert!(Cursor::decode("not a cursor!").is_err());
/// # Ok::<_, alembix::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Cursor {
    text: String,
    values: Vec<Value>,
}

impl PartialEq for Cursor {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Cursor {}

impl Cursor {
    /// A cursor holding these key values. Booleans, integers, floats, text,
    /// bytes, dates and times, UUIDs and decimals can be keys; a NULL or a
    /// value of another type (JSON, enum) is an [`Error::Usage`].
    pub fn encode(values: &[Value]) -> Result<Cursor> {
        let items = values.iter().map(to_json).collect::<Result<Vec<Json>>>()?;
        let text = base64url(Json::Array(items).to_string().as_bytes());
        Ok(Cursor {
            text,
            values: values.to_vec(),
        })
    }

    /// Reads a cursor made by [`Cursor::encode`] (or a page's `next` /
    /// `prev`); anything else is an [`Error::Usage`].
    pub fn decode(text: &str) -> Result<Cursor> {
        let bytes = from_base64url(text).ok_or_else(|| malformed("it is not base64url text"))?;
        let json: Json =
            serde_json::from_slice(&bytes).map_err(|_| malformed("its content is not readable"))?;
        let Json::Array(items) = json else {
            return Err(malformed("its content is not a list of values"));
        };
        let values = items.iter().map(from_json).collect::<Result<Vec<_>>>()?;
        Ok(Cursor {
            text: text.to_string(),
            values,
        })
    }

    /// The cursor as text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The key values, in key order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Cursor {
    type Err = Error;
    fn from_str(s: &str) -> Result<Cursor> {
        Cursor::decode(s)
    }
}

fn malformed(why: &str) -> Error {
    Error::Usage(format!("malformed keyset cursor: {why}"))
}

fn to_json(v: &Value) -> Result<Json> {
    let unsupported = || {
        Error::Usage(format!(
            "a keyset cursor cannot hold {v:?}: keys must be non-NULL booleans, numbers, \
             text, bytes, dates and times, UUIDs or decimals"
        ))
    };
    let ser = |x: serde_json::Result<Json>| x.map_err(|_| unsupported());
    Ok(match v {
        Value::Bool(Some(b)) => json!(["b", b]),
        Value::SmallInt(Some(n)) => json!(["i2", n]),
        Value::Int(Some(n)) => json!(["i4", n]),
        Value::BigInt(Some(n)) => json!(["i8", n]),
        Value::Float(Some(f)) => json!(["f4", f.to_bits()]),
        Value::Double(Some(f)) => json!(["f8", f.to_bits()]),
        Value::String(Some(s)) => json!(["s", s]),
        Value::Bytes(Some(b)) => json!(["x", base64url(b)]),
        Value::ChronoDate(Some(d)) => json!(["d", ser(serde_json::to_value(d))?]),
        Value::ChronoTime(Some(t)) => json!(["t", ser(serde_json::to_value(t))?]),
        Value::ChronoDateTime(Some(t)) => json!(["dt", ser(serde_json::to_value(t))?]),
        Value::ChronoDateTimeUtc(Some(t)) => json!(["tz", ser(serde_json::to_value(t))?]),
        Value::Uuid(Some(u)) => json!(["u", u.to_string()]),
        Value::Decimal(Some(d)) => json!(["n", d.to_string()]),
        _ => return Err(unsupported()),
    })
}

fn from_json(item: &Json) -> Result<Value> {
    let bad = || malformed("a value is not readable");
    let [Json::String(tag), v] = item.as_array().map(Vec::as_slice).unwrap_or_default() else {
        return Err(bad());
    };
    let int = || v.as_i64().ok_or_else(bad);
    let text = || v.as_str().ok_or_else(bad);
    let de = |v: &Json| -> Result<Value> {
        Ok(match tag.as_str() {
            "d" => Value::from(serde_json::from_value::<chrono::NaiveDate>(v.clone()).ok()),
            "t" => Value::from(serde_json::from_value::<chrono::NaiveTime>(v.clone()).ok()),
            "dt" => Value::from(serde_json::from_value::<chrono::NaiveDateTime>(v.clone()).ok()),
            _ => {
                Value::from(serde_json::from_value::<chrono::DateTime<chrono::Utc>>(v.clone()).ok())
            }
        })
    };
    let value = match tag.as_str() {
        "b" => Value::Bool(Some(v.as_bool().ok_or_else(bad)?)),
        "i2" => Value::SmallInt(Some(int()?.try_into().map_err(|_| bad())?)),
        "i4" => Value::Int(Some(int()?.try_into().map_err(|_| bad())?)),
        "i8" => Value::BigInt(Some(int()?)),
        "f4" => {
            let bits: u32 = v.as_u64().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
            Value::Float(Some(f32::from_bits(bits)))
        }
        "f8" => Value::Double(Some(f64::from_bits(v.as_u64().ok_or_else(bad)?))),
        "s" => Value::String(Some(text()?.to_string())),
        "x" => Value::Bytes(Some(from_base64url(text()?).ok_or_else(bad)?)),
        "d" | "t" | "dt" | "tz" => de(v)?,
        "u" => Value::Uuid(Some(text()?.parse().map_err(|_| bad())?)),
        "n" => Value::Decimal(Some(text()?.parse().map_err(|_| bad())?)),
        _ => return Err(bad()),
    };
    if is_null(&value) {
        return Err(bad());
    }
    Ok(value)
}

/// Whether a value decoded from a cursor failed to parse (came out NULL).
fn is_null(v: &Value) -> bool {
    matches!(
        v,
        Value::ChronoDate(None)
            | Value::ChronoTime(None)
            | Value::ChronoDateTime(None)
            | Value::ChronoDateTimeUtc(None)
    )
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding.
fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let digits = text
        .bytes()
        .map(|c| ALPHABET.iter().position(|a| *a == c).map(|p| p as u32))
        .collect::<Option<Vec<u32>>>()?;
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | (d << (18 - 6 * i)));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..20u8 {
            let bytes: Vec<u8> = (0..len)
                .map(|i| i.wrapping_mul(97).wrapping_add(250))
                .collect();
            let text = base64url(&bytes);
            assert_eq!(from_base64url(&text), Some(bytes), "{text}");
        }
        assert_eq!(base64url(b"hello"), "aGVsbG8");
        assert_eq!(from_base64url("a"), None);
        assert_eq!(from_base64url("ab+/"), None);
    }

    #[test]
    fn every_key_type_round_trips() {
        let values = vec![
            Value::from(true),
            Value::from(-3_i16),
            Value::from(7_i32),
            Value::from(i64::MIN),
            Value::from(0.1_f32),
            Value::from(-1.0e-300_f64),
            Value::from("a/b?c=d&e"),
            Value::from(vec![0_u8, 255, 7]),
            Value::from(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
            Value::from(chrono::NaiveTime::from_hms_micro_opt(23, 59, 1, 5).unwrap()),
            Value::from(
                chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
                    .unwrap()
                    .and_hms_nano_opt(3, 4, 5, 123_456_789)
                    .unwrap(),
            ),
            Value::from(chrono::DateTime::<chrono::Utc>::from_timestamp(1_700_000_000, 1).unwrap()),
            Value::from(uuid::Uuid::from_u128(0x1234)),
            Value::from("12.3400".parse::<rust_decimal::Decimal>().unwrap()),
        ];
        let cursor = Cursor::encode(&values).unwrap();
        let back = Cursor::decode(cursor.as_str()).unwrap();
        assert_eq!(back.values(), values.as_slice());
        assert_eq!(back, cursor);
    }

    #[test]
    fn nulls_and_malformed_text_are_refused() {
        let err = Cursor::encode(&[Value::BigInt(None)]).unwrap_err();
        assert!(err.to_string().contains("cannot hold"), "{err}");
        for text in [
            "",
            "%%%",
            &base64url(b"{\"a\":1}"),
            &base64url(b"[[\"i4\",1e99]]"),
            &base64url(b"[[\"zz\",1]]"),
            &base64url(b"[[\"d\",\"2024-13-01\"]]"),
        ] {
            let err = Cursor::decode(text).unwrap_err();
            assert!(
                err.to_string().starts_with("malformed keyset cursor"),
                "{text}: {err}"
            );
        }
    }
}
