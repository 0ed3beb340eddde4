//! Parsing an explicit SQL type (`#[column(sql_type = "...")]`) into a
//! [`ColumnType`].

use crate::model::ColumnType;

impl ColumnType {
    /// Parses an SQL type as a user writes it in `#[column(sql_type = "...")]`
    /// into the matching variant: case-insensitive, extra spaces ignored, with
    /// the common aliases (`int4`, `int8`, `character varying(n)`,
    /// `float8`, `timestamp with time zone`, `jsonb`, ...). Any other type is
    /// [`ColumnType::Custom`] with the text verbatim (trimmed).
    ///
    /// ```
    /// use alembix_schema::ColumnType;
    /// assert_eq!(ColumnType::from_sql("INT8"), ColumnType::BigInt);
    /// assert_eq!(ColumnType::from_sql("character varying(40)"), ColumnType::Varchar(Some(40)));
    /// assert_eq!(
    ///     ColumnType::from_sql("numeric(10, 2)"),
    ///     ColumnType::Decimal { precision: Some(10), scale: Some(2) }
    /// );
    /// assert_eq!(ColumnType::from_sql("Timestamp With Time Zone"), ColumnType::TimestampTz);
    /// assert_eq!(ColumnType::from_sql("citext"), ColumnType::Custom { sql: "citext".into() });
    /// ```
    pub fn from_sql(sql: &str) -> ColumnType {
        parse(sql).unwrap_or_else(|| ColumnType::Custom {
            sql: sql.trim().to_string(),
        })
    }
}

/// Lowercases, collapses whitespace and removes it around `(`, `)` and `,`.
fn normalize(sql: &str) -> String {
    let lower = sql.trim().to_ascii_lowercase();
    let words = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(words.len());
    let chars: Vec<char> = words.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.get(i + 1).copied();
            let sticky = |x: Option<char>| matches!(x, Some('(' | ')' | ','));
            if sticky(next) || matches!(prev, Some('(' | ',')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Splits `name(a,b)` into `("name", Some(["a", "b"]))`; `None` arguments
/// when there are no parentheses. Malformed text gives `None`.
fn split_args(s: &str) -> Option<(&str, Option<Vec<u32>>)> {
    match s.find('(') {
        None => Some((s, None)),
        Some(open) => {
            let inner = s[open + 1..].strip_suffix(')')?;
            let args = inner
                .split(',')
                .map(|a| a.parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()?;
            Some((s[..open].trim_end(), Some(args)))
        }
    }
}

fn parse(sql: &str) -> Option<ColumnType> {
    let norm = normalize(sql);
    let (name, args) = split_args(&norm)?;
    let args = args.as_deref();
    use ColumnType as T;
    let ty = match (name, args) {
        ("smallint" | "int2", None) => T::SmallInt,
        ("int" | "int4" | "integer", None) => T::Integer,
        ("bigint" | "int8", None) => T::BigInt,
        ("real" | "float4", None) => T::Real,
        ("double precision" | "float8" | "double", None) => T::Double,
        ("numeric" | "decimal", None) => T::Decimal {
            precision: None,
            scale: None,
        },
        ("numeric" | "decimal", Some([p])) => T::Decimal {
            precision: Some(*p),
            scale: None,
        },
        ("numeric" | "decimal", Some([p, s])) => T::Decimal {
            precision: Some(*p),
            scale: Some(*s),
        },
        ("bool" | "boolean", None) => T::Boolean,
        ("char" | "character", None) => T::Char { length: 1 },
        ("char" | "character", Some([n])) => T::Char { length: *n },
        ("varchar" | "character varying", None) => T::Varchar { length: None },
        ("varchar" | "character varying", Some([n])) => T::Varchar { length: Some(*n) },
        ("text", None) => T::Text,
        ("bytea" | "blob", None) => T::Binary,
        ("date", None) => T::Date,
        ("time" | "time without time zone", None) => T::Time,
        ("timestamp" | "timestamp without time zone", None) => T::Timestamp,
        ("timestamptz" | "timestamp with time zone", None) => T::TimestampTz,
        ("uuid", None) => T::Uuid,
        ("json" | "jsonb", None) => T::Json,
        _ => return None,
    };
    Some(ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ColumnType {
        ColumnType::from_sql(s)
    }

    #[test]
    fn integers() {
        for s in ["int", "INT4", "Integer", " integer "] {
            assert_eq!(p(s), ColumnType::Integer, "{s}");
        }
        for s in ["bigint", "INT8", "BigInt"] {
            assert_eq!(p(s), ColumnType::BigInt, "{s}");
        }
        for s in ["smallint", "int2", "SMALLINT"] {
            assert_eq!(p(s), ColumnType::SmallInt, "{s}");
        }
    }

    #[test]
    fn floats_and_decimals() {
        assert_eq!(p("real"), ColumnType::Real);
        assert_eq!(p("FLOAT4"), ColumnType::Real);
        assert_eq!(p("double precision"), ColumnType::Double);
        assert_eq!(p("DOUBLE   PRECISION"), ColumnType::Double);
        assert_eq!(p("float8"), ColumnType::Double);
        assert_eq!(p("double"), ColumnType::Double);
        assert_eq!(
            p("numeric(12,4)"),
            ColumnType::Decimal {
                precision: Some(12),
                scale: Some(4)
            }
        );
        assert_eq!(
            p("DECIMAL ( 8 , 2 )"),
            ColumnType::Decimal {
                precision: Some(8),
                scale: Some(2)
            }
        );
        assert_eq!(
            p("decimal(5)"),
            ColumnType::Decimal {
                precision: Some(5),
                scale: None
            }
        );
        assert_eq!(
            p("numeric"),
            ColumnType::Decimal {
                precision: None,
                scale: None
            }
        );
    }

    #[test]
    fn strings() {
        assert_eq!(p("varchar(255)"), ColumnType::Varchar(Some(255)));
        assert_eq!(p("VARCHAR (20)"), ColumnType::Varchar(Some(20)));
        assert_eq!(p("character varying(40)"), ColumnType::Varchar(Some(40)));
        assert_eq!(p("character varying"), ColumnType::Varchar(None));
        assert_eq!(p("varchar"), ColumnType::Varchar(None));
        assert_eq!(p("char(3)"), ColumnType::Char { length: 3 });
        assert_eq!(p("Character(2)"), ColumnType::Char { length: 2 });
        assert_eq!(p("char"), ColumnType::Char { length: 1 });
        assert_eq!(p("TEXT"), ColumnType::Text);
    }

    #[test]
    fn others() {
        assert_eq!(p("bool"), ColumnType::Boolean);
        assert_eq!(p("BOOLEAN"), ColumnType::Boolean);
        assert_eq!(p("bytea"), ColumnType::Binary);
        assert_eq!(p("blob"), ColumnType::Binary);
        assert_eq!(p("date"), ColumnType::Date);
        assert_eq!(p("time"), ColumnType::Time);
        assert_eq!(p("timestamp"), ColumnType::Timestamp);
        assert_eq!(p("timestamp without time zone"), ColumnType::Timestamp);
        assert_eq!(p("timestamptz"), ColumnType::TimestampTz);
        assert_eq!(p("TIMESTAMP WITH TIME ZONE"), ColumnType::TimestampTz);
        assert_eq!(p("uuid"), ColumnType::Uuid);
        assert_eq!(p("json"), ColumnType::Json);
        assert_eq!(p("JSONB"), ColumnType::Json);
    }

    #[test]
    fn anything_else_is_custom_verbatim() {
        for s in [
            "citext",
            "int unsigned",
            "varchar(abc)",
            "numeric(1,2,3)",
            "tinyint(1)",
            "geometry(Point, 4326)",
            "text[]",
            "MEDIUMTEXT",
            "",
        ] {
            assert_eq!(p(s), ColumnType::Custom { sql: s.to_string() }, "{s}");
        }
        assert_eq!(
            p("  inet "),
            ColumnType::Custom {
                sql: "inet".to_string()
            }
        );
    }
}
