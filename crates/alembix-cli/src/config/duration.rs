//! Durations as `alembix.toml` writes them: a number of seconds, or a
//! number with a unit.

use std::time::Duration;

use serde::de::{self, Deserialize, Deserializer, Visitor};

use super::ConfigError;

/// A duration as written: seconds, or text with a unit. Any other number
/// (negative, fractional) is kept as text, so that a bad one is reported
/// by [`duration`] naming its key (`1.5` reads as 1.5 s).
#[derive(Debug)]
pub(super) enum RawDuration {
    Seconds(u64),
    Text(String),
}

impl RawDuration {
    /// The value as written in the file.
    pub(super) fn written(&self) -> String {
        match self {
            RawDuration::Seconds(s) => s.to_string(),
            RawDuration::Text(t) => t.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawDuration, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawDuration;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a duration: a number of seconds or text like \"30s\" or \"500ms\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
                Ok(u64::try_from(v)
                    .map_or_else(|_| RawDuration::Text(v.to_string()), RawDuration::Seconds))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A configured duration or the default.
pub(super) fn duration(
    key: &'static str,
    value: Option<RawDuration>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    match value {
        None => Ok(default),
        Some(RawDuration::Seconds(s)) => Ok(Duration::from_secs(s)),
        Some(RawDuration::Text(text)) => {
            parse_duration(&text).ok_or(ConfigError::Duration { key, value: text })
        }
    }
}

/// `500ms`, `1.5s`, `2m`, `1h`, or a bare number of seconds.
fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds).ok()
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1s"), Some(Duration::from_secs(1)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration(" 2m "), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("30"), Some(Duration::from_secs(30)));
        for bad in ["", "s", "5 days", "-1s", "1.2.3s"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
