//! Properties of the statement splitter, for each dialect.
//!
//! (a) Coverage: an input built as `J0 S1 T1 J1 S2 T2 J2 ...` (statements
//!     `Si`; terminators `Ti`: `;`, or for MySQL a `DELIMITER //` block, or a
//!     `-- statement: begin/end` block; junk `Ji`: blanks, comments of every
//!     kind and empty statements) splits into exactly `S1 ... Sn`: every byte
//!     that is not comment, blank or separator is in exactly one statement,
//!     in order, and no other byte is in any. Joining the result back with
//!     `;\n` splits into the same statements again.
//! (b) Round trip: random valid statements joined with `;\n` split back into
//!     exactly those statements, each on the line where it starts.
//! (c) Robustness: arbitrary text (any UTF-8, SQL-like noise, markers,
//!     `DELIMITER`) never panics; statements are non-empty pieces of the
//!     input, in order, with lines that never go back.

use alembix_migrate::split::{split_for, try_split_for};
use alembix_schema::Dialect::{self, MySql, Postgres, Sqlite};
use proptest::prelude::*;

type S = BoxedStrategy<String>;

/// Pieces of `piece`, as many as `len` says, joined between `open` and `close`.
fn joined_in(
    open: &'static str,
    piece: impl Strategy<Value = String> + 'static,
    len: std::ops::Range<usize>,
    close: &'static str,
) -> S {
    prop::collection::vec(piece, len)
        .prop_map(move |p| format!("{open}{}{close}", join(p)))
        .boxed()
}

/// Strings matching `pattern`, each made into a token by `wrap`.
fn wrapped(pattern: &'static str, wrap: fn(String) -> String) -> S {
    pattern.prop_map(wrap).boxed()
}

fn join(parts: Vec<String>) -> String {
    parts.concat()
}

/// A string literal with `;`, quotes, comment starters and the dialect's escapes.
fn literal(d: Dialect) -> S {
    let mut pieces: Vec<S> = vec![
        "[a-z ;#$/*\"`-]{1,4}".boxed(),
        Just("''".to_string()).boxed(),
        Just("--".to_string()).boxed(),
        Just("/*".to_string()).boxed(),
    ];
    if d == MySql {
        pieces.extend(["\\'", "\\\\", "\\\"", "\\;"].map(|s| Just(s.to_string()).boxed()));
    } else {
        pieces.push(Just("\\".to_string()).boxed());
    }
    let mut all: Vec<S> = vec![joined_in(
        "'",
        prop::strategy::Union::new(pieces),
        0..6,
        "'",
    )];
    if d == MySql {
        let piece = prop_oneof!["[a-z ;'#-]{1,4}", Just("\\\"".into()), Just("\"\"".into())];
        all.push(joined_in("\"", piece, 0..5, "\""));
    }
    if d == Postgres {
        let piece = prop_oneof!["[a-z ;\"]{1,4}", Just("\\'".into()), Just("\\\\".into())];
        all.push(joined_in("E'", piece, 0..5, "'"));
        all.push(wrapped("[a-z ;'\"-]{0,8}", |s| format!("$${s}$$")));
        all.push(wrapped("[a-z ;'-]{0,8}", |s| format!("$q$ {s} $$ $q$")));
    }
    prop::strategy::Union::new(all).boxed()
}

/// A quoted identifier with `;` inside.
fn ident(d: Dialect) -> S {
    match d {
        MySql => wrapped("[a-z ;'\"]{1,5}", |s| format!("`{s}`")),
        _ => wrapped("[a-z ;'`]{1,5}", |s| format!("\"{s}\"")),
    }
}

/// A comment that may sit between two tokens of a statement.
fn inline_comment(d: Dialect) -> S {
    let mut all: Vec<S> = vec![
        wrapped("[a-z ;'\"]{0,6}", |s| format!(" /* {s} */ ")),
        wrapped("[a-z ;'\"]{0,6}", |s| format!(" -- {s}\n  ")),
    ];
    if d == MySql {
        all.push(wrapped("[a-z ;'\"]{0,6}", |s| format!(" # {s}\n ")));
    }
    if d == Postgres {
        all.push(Just(" /* a /* b; */ c; */ ".to_string()).boxed());
    }
    prop::strategy::Union::new(all).boxed()
}

/// A plain statement: DDL, DML or a transaction word.
fn plain(d: Dialect) -> S {
    let atom = prop_oneof![literal(d), ident(d), "[0-9]{1,3}"];
    let list = prop::collection::vec(
        (atom, prop_oneof![Just(", ".to_string()), inline_comment(d)]),
        1..4,
    )
    .prop_map(|v| {
        let mut s = String::new();
        for (n, (a, sep)) in v.into_iter().enumerate() {
            if n > 0 {
                s.push_str(if sep.trim().is_empty() { ", " } else { &sep });
                if !sep.trim().is_empty() {
                    s.push_str(", ");
                }
            }
            s.push_str(&a);
        }
        s
    });
    prop_oneof![
        list.clone().prop_map(|l| format!("SELECT {l}")),
        list.prop_map(|l| format!("INSERT INTO t VALUES ({l})")),
        literal(d).prop_map(|l| format!("CREATE TABLE t (a text DEFAULT {l})")),
        Just("BEGIN".to_string()),
        Just("COMMIT".to_string()),
        Just(
            if d == MySql {
                "START TRANSACTION"
            } else {
                "BEGIN TRANSACTION"
            }
            .to_string()
        ),
    ]
    .boxed()
}

/// A statement inside a body.
fn inner(d: Dialect) -> S {
    prop_oneof![
        literal(d).prop_map(|l| format!("INSERT INTO t VALUES ({l})")),
        literal(d).prop_map(|l| format!("UPDATE t SET a = CASE WHEN a > 0 THEN {l} ELSE 'x' END")),
        literal(d).prop_map(|l| format!("DELETE FROM t WHERE a = {l}")),
    ]
    .boxed()
}

/// Statements each ended by `; `.
fn list(item: S, max: usize) -> S {
    prop::collection::vec(item, 1..max)
        .prop_map(|v| v.into_iter().map(|s| s + "; ").collect())
        .boxed()
}

/// A MySQL compound statement, nested.
fn compound() -> S {
    inner(MySql)
        .prop_recursive(3, 12, 3, |leaf| {
            let body = list(leaf, 3);
            prop_oneof![
                (body.clone(), body.clone()).prop_map(|(a, b)| format!(
                    "IF a THEN {a}ELSEIF IF(a, 1, 2) THEN DROP TABLE IF EXISTS x; ELSE {b}END IF"
                )),
                body.clone()
                    .prop_map(|a| format!("lbl: LOOP {a}LEAVE lbl; END LOOP lbl")),
                body.clone()
                    .prop_map(|a| format!("WHILE a DO {a}END WHILE")),
                body.clone()
                    .prop_map(|a| format!("REPEAT {a}UNTIL a END REPEAT")),
                (body.clone(), body.clone())
                    .prop_map(|(a, b)| format!("CASE x WHEN 1 THEN {a}ELSE {b}END CASE")),
                body.prop_map(|a| format!("BEGIN {a}END")),
            ]
        })
        .boxed()
}

/// A statement with a body that holds `;`.
fn routine(d: Dialect) -> S {
    match d {
        MySql => {
            let b = list(compound(), 4);
            prop_oneof![
                b.clone().prop_map(|b| format!("CREATE PROCEDURE p()\nBEGIN\n  DECLARE x INT;\n  {b}\nEND")),
                b.clone().prop_map(|b| format!("CREATE DEFINER=`root`@`%` FUNCTION f() RETURNS INT DETERMINISTIC BEGIN {b}RETURN 1; END")),
                b.clone().prop_map(|b| format!("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN {b}END")),
                b.clone().prop_map(|b| format!("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN {b}END")),
                b.prop_map(|b| format!("BEGIN NOT ATOMIC {b}END")),
            ]
            .boxed()
        }
        Postgres => {
            let b = list(inner(d), 4);
            prop_oneof![
                b.clone().prop_map(|b| format!("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  {b}\nEND")),
                b.clone().prop_map(|b| format!("CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC {b}END")),
                b.clone().prop_map(|b| format!("CREATE FUNCTION g() RETURNS trigger AS $fn$\nBEGIN\n  {b}\n  RETURN NEW;\nEND\n$fn$ LANGUAGE plpgsql")),
                b.prop_map(|b| format!("DO $do$ BEGIN {b}END $do$")),
            ]
            .boxed()
        }
        Sqlite => list(inner(d), 4)
            .prop_map(|b| {
                format!("CREATE TEMP TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN\n  {b}\nEND")
            })
            .boxed(),
    }
}

fn statement(d: Dialect) -> S {
    prop_oneof![3 => plain(d), 1 => routine(d)].boxed()
}

/// Blanks, comments and empty statements between statements.
fn junk(d: Dialect) -> S {
    let mut all: Vec<S> = vec![
        prop_oneof![Just(" "), Just("\n"), Just("\t"), Just("\r\n"), Just(";")]
            .prop_map(str::to_string)
            .boxed(),
        wrapped("[a-z ;'\"]{0,8}", |s| format!("-- {s}\n")),
        wrapped("[a-z ;'\"\n]{0,8}", |s| format!("/* {s} */")),
    ];
    if d == MySql {
        all.push(wrapped("[a-z ;'\"]{0,8}", |s| format!("#{s}\n")));
    }
    if d == Postgres {
        all.push(wrapped("[a-z ;'\"]{0,8}", |s| {
            format!("/* {s} /* {s} */ {s} */")
        }));
    }
    prop::collection::vec(prop::strategy::Union::new(all), 0..4)
        .prop_map(join)
        .boxed()
}

/// How a statement is ended in (a): 0 `;`, 1 a marker block, 2 a
/// `DELIMITER //` block (MySQL).
fn layout(d: Dialect) -> impl Strategy<Value = Vec<(String, String, u8)>> {
    let ends = if d == MySql { 0u8..3 } else { 0u8..2 };
    prop::collection::vec(
        (
            junk(d),
            statement(d),
            prop_oneof![6 => Just(0u8), 1 => ends],
        ),
        0..6,
    )
}

fn build(items: &[(String, String, u8)], tail: &str) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut want = Vec::new();
    for (junk, st, end) in items {
        sql.push_str(junk);
        match end {
            1 => sql.push_str(&format!("\n-- statement: begin\n{st}\n-- statement: end\n")),
            2 if !st.contains("//") => {
                sql.push_str(&format!("\nDELIMITER //\n{st}\n//\nDELIMITER ;\n"))
            }
            _ => sql.push_str(&format!("{st};")),
        }
        want.push(st.clone());
    }
    sql.push_str(tail);
    (sql, want)
}

fn sqls(sql: &str, d: Dialect) -> Vec<String> {
    try_split_for(sql, d)
        .unwrap_or_else(|e| panic!("{e} in {sql:?}"))
        .into_iter()
        .map(|s| s.sql)
        .collect()
}

fn dialect() -> impl Strategy<Value = Dialect> {
    prop_oneof![Just(Postgres), Just(MySql), Just(Sqlite)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn a_every_statement_byte_in_exactly_one_statement(
        (d, items, tail) in dialect().prop_flat_map(|d| (Just(d), layout(d), junk(d)))
    ) {
        let (sql, want) = build(&items, &tail);
        let got = sqls(&sql, d);
        prop_assert_eq!(&got, &want, "{:?}", sql);
        prop_assert_eq!(split_for(&sql, d).into_iter().map(|s| s.sql).collect::<Vec<_>>(), want);
        let again = sqls(&(got.join(";\n") + ";\n"), d);
        prop_assert_eq!(again, got);
    }

    #[test]
    fn b_joined_statements_split_back(
        (d, want) in dialect().prop_flat_map(|d| (Just(d), prop::collection::vec(statement(d), 1..8)))
    ) {
        let sql = want.join(";\n");
        let got = try_split_for(&sql, d).unwrap();
        let texts: Vec<&str> = got.iter().map(|s| s.sql.as_str()).collect();
        prop_assert_eq!(&texts, &want, "{:?}", sql);
        let mut line = 1;
        for (st, w) in got.iter().zip(&want) {
            prop_assert_eq!(st.line, line);
            line += w.matches('\n').count() + 1;
        }
    }

    #[test]
    fn c_arbitrary_text_never_panics(s in prop_oneof![
        any::<String>(),
        "\\PC{0,300}",
        "([-;'\"`$/*#\\\\ \\n\\r\\t:()eE0-9]|BEGIN|END|CASE|IF|LOOP|ATOMIC|NOT|CREATE|TRIGGER|PROCEDURE|\\$\\$|\\$a\\$|DELIMITER |DELIMITER //\\n|-- statement: begin\\n|-- statement: end\\n|é|\\PC){0,120}",
    ]) {
        for d in Dialect::ALL {
            let lenient = split_for(&s, d);
            let mut from = 0;
            let mut line = 1;
            for st in &lenient {
                prop_assert!(!st.sql.trim().is_empty());
                let at = s[from..].find(&st.sql).map(|n| from + n);
                prop_assert!(at.is_some(), "{:?} not in order in {:?}", st.sql, s);
                from = at.unwrap_or(0) + st.sql.len();
                prop_assert!(st.line >= line);
                line = st.line;
            }
            if let Ok(strict) = try_split_for(&s, d) {
                prop_assert_eq!(strict, lenient);
            }
        }
    }
}
