//! A sequence's options and its definition (the options clause of
//! `CREATE SEQUENCE`), in one fixed order both ways.

use syn::parse::ParseStream;
use syn::{LitBool, LitInt, LitStr, Token};

/// The options a sequence takes, in the order of its definition.
pub(super) const SEQUENCE_OPTIONS: [&str; 7] = [
    "data_type",
    "increment",
    "min",
    "max",
    "start",
    "cache",
    "cycle",
];

/// One option's value as source text (`1000`, `-1`, `true`, `bigint`).
pub(super) fn sequence_option(key: &str, content: ParseStream) -> syn::Result<String> {
    match key {
        "data_type" => Ok(content.parse::<LitStr>()?.value()),
        "cycle" => Ok(content.parse::<LitBool>()?.value.to_string()),
        _ => {
            let minus = content.parse::<Option<Token![-]>>()?.is_some();
            let n: LitInt = content.parse()?;
            let v: i64 = n.base10_parse()?;
            Ok(if minus { -v } else { v }.to_string())
        }
    }
}

/// The options clause for `(key, value)` options, in the fixed order of
/// `data_type, increment, min, max, start, cache, cycle` (the last of a
/// repeated key wins).
///
/// ```
/// use alembix_macros_core::sequence_definition;
/// let opts = [("start".to_string(), "1000".to_string()), ("cycle".to_string(), "false".to_string())];
/// assert_eq!(sequence_definition(&opts), "START WITH 1000 NO CYCLE");
/// ```
pub fn sequence_definition(options: &[(String, String)]) -> String {
    let mut parts = Vec::new();
    for key in SEQUENCE_OPTIONS {
        let Some((_, v)) = options.iter().rev().find(|(k, _)| k == key) else {
            continue;
        };
        parts.push(match key {
            "data_type" => format!("AS {v}"),
            "increment" => format!("INCREMENT BY {v}"),
            "min" => format!("MINVALUE {v}"),
            "max" => format!("MAXVALUE {v}"),
            "start" => format!("START WITH {v}"),
            "cache" => format!("CACHE {v}"),
            _ if v == "true" => "CYCLE".to_string(),
            _ => "NO CYCLE".to_string(),
        });
    }
    parts.join(" ")
}

/// The options of a definition [`sequence_definition`] wrote (or
/// introspection read in the same form); `None` for any other text.
pub(super) fn sequence_options(def: &str) -> Option<Vec<(String, String)>> {
    let words: Vec<&str> = def.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (key, value, step) = match (words[i], words.get(i + 1)) {
            ("AS", Some(v)) => ("data_type", v.to_string(), 2),
            ("INCREMENT", Some(&"BY")) => ("increment", words.get(i + 2)?.to_string(), 3),
            ("MINVALUE", Some(v)) => ("min", v.to_string(), 2),
            ("MAXVALUE", Some(v)) => ("max", v.to_string(), 2),
            ("START", Some(&"WITH")) => ("start", words.get(i + 2)?.to_string(), 3),
            ("CACHE", Some(v)) => ("cache", v.to_string(), 2),
            ("CYCLE", _) => ("cycle", "true".to_string(), 1),
            ("NO", Some(&"CYCLE")) => ("cycle", "false".to_string(), 2),
            _ => return None,
        };
        if key != "data_type" && key != "cycle" && value.parse::<i64>().is_err() {
            return None;
        }
        out.push((key.to_string(), value));
        i += step;
    }
    Some(out)
}
