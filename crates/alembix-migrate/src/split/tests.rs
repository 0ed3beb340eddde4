//! Unit tests: the rules `split_statements` always had, each dialect's
//! rules, markers and `DELIMITER`, and agreement with the old splitter.

use super::*;
use alembix_schema::Dialect::{MySql, Postgres, Sqlite};

fn sqls(s: &str) -> Vec<String> {
    split_statements(s).into_iter().map(|s| s.sql).collect()
}

/// Checks the statements of `sql` on `d`.
fn assert_split(sql: &str, d: Dialect, expected: &[&str]) {
    assert_eq!(split(sql, d), expected, "{sql:?} on {d:?}");
}

/// Checks each statement of `sql` on `d`, with the line it starts on.
fn assert_sqls_and_lines(sql: &str, d: Dialect, expected: &[(&str, usize)]) {
    let s = try_split_for(sql, d).unwrap();
    let got: Vec<(&str, usize)> = s.iter().map(|s| (s.sql.as_str(), s.line)).collect();
    assert_eq!(got, expected, "{sql:?} on {d:?}");
}

#[test]
fn quotes_comments_and_lines() {
    let s = split_statements(
        "-- header\nCREATE TABLE \"a;b\" (x text);\n\n/* c; */ INSERT INTO `t` VALUES ('it''s; ok', E'\\';');\nSELECT 1",
    );
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].sql, "CREATE TABLE \"a;b\" (x text)");
    assert_eq!(s[0].line, 2);
    assert_eq!(s[1].sql, "INSERT INTO `t` VALUES ('it''s; ok', E'\\';')");
    assert_eq!(s[1].line, 4);
    assert_eq!(s[2].sql, "SELECT 1");
}

#[test]
fn dollar_quotes_and_parameters() {
    let s = sqls(
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\nSELECT $$a;b$$;",
    );
    assert_eq!(s.len(), 2);
    assert!(s[0].ends_with("LANGUAGE sql"));
    assert_eq!(s[1], "SELECT $$a;b$$");
}

#[test]
fn trigger_bodies_stay_whole() {
    let s = sqls(
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = n + 1;\n  INSERT INTO c VALUES (CASE WHEN 1 THEN 2 END);\nEND;\nSELECT 2;",
    );
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s[0].starts_with("CREATE TRIGGER") && s[0].ends_with("END"));
    assert_eq!(s[1], "SELECT 2");
}

#[test]
fn empty_and_comment_only() {
    assert!(split_statements("").is_empty());
    assert!(split_statements("  -- nothing\n/* at all */\n;;").is_empty());
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,200}") {
        let _ = split_statements(&s);
    }

    #[test]
    fn never_panics_on_sql_like_text(s in "[-;'\"`$/*a-zA-Z0-9 \\n\\\\]{0,200}") {
        for st in split_statements(&s) {
            proptest::prop_assert!(!st.sql.trim().is_empty());
        }
    }
}

fn split(sql: &str, d: Dialect) -> Vec<String> {
    try_split_for(sql, d)
        .expect("splits")
        .into_iter()
        .map(|s| s.sql)
        .collect()
}

#[test]
fn mysql_backslash_escapes() {
    let sql = "INSERT INTO t VALUES ('it\\'s; fine', \"a\\\";b\");\nSELECT 1;";
    assert_eq!(
        split(sql, MySql),
        [
            "INSERT INTO t VALUES ('it\\'s; fine', \"a\\\";b\")",
            "SELECT 1"
        ]
    );
    // PostgreSQL: a backslash is a plain character outside E'' strings.
    assert_eq!(
        split("SELECT '\\'; SELECT E'\\';';", Postgres),
        ["SELECT '\\'", "SELECT E'\\';'"]
    );
}

#[test]
fn mysql_comments() {
    let sql = "# one; two\nSELECT 1 # three; four\n;\nSELECT 5--1;\nSELECT 2 -- x;\n;/*!40101 SET @a=1; */;";
    assert_eq!(
        split(sql, MySql),
        [
            "SELECT 1 # three; four",
            "SELECT 5--1",
            "SELECT 2 -- x;",
            "/*!40101 SET @a=1; */"
        ]
    );
    // Not comments elsewhere.
    assert_eq!(
        split("SELECT 1 # 2;\nSELECT 3;", Postgres),
        ["SELECT 1 # 2", "SELECT 3"]
    );
}

#[test]
fn mysql_delimiter() {
    let sql = "DELIMITER //\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN\n  SET NEW.x = ';';\nEND//\nSELECT 1; SELECT 2//\ndelimiter ;\nSELECT 3;\nDELIMITER $$\nCREATE PROCEDURE p() BEGIN END$$\nDELIMITER ;\n";
    assert_sqls_and_lines(
        sql,
        MySql,
        &[
            (
                "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN\n  SET NEW.x = ';';\nEND",
                2,
            ),
            ("SELECT 1; SELECT 2", 5),
            ("SELECT 3", 7),
            ("CREATE PROCEDURE p() BEGIN END", 9),
        ],
    );
    let e = try_split_for("SELECT 1;\nDELIMITER\nSELECT 2;", MySql).unwrap_err();
    assert_eq!(e.line, 2);
    assert_eq!(
        split_for("DELIMITER\nSELECT 2;", MySql)[0].sql,
        "DELIMITER\nSELECT 2"
    );
    // Only MySQL has the command.
    assert_eq!(
        split("DELIMITER //\nSELECT 1;", Postgres),
        ["DELIMITER //\nSELECT 1"]
    );
}

#[test]
fn mysql_compound_bodies() {
    let proc = "CREATE DEFINER=`root`@`%` PROCEDURE p(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; END;\n  lbl: LOOP\n    SET i = i + 1;\n    IF i > n THEN LEAVE lbl; ELSEIF i = 2 THEN SELECT IF(i, 1, 2); ELSE DROP TABLE IF EXISTS x; END IF;\n  END LOOP lbl;\n  WHILE i > 0 DO SET i = i - 1; END WHILE;\n  REPEAT SET i = i + 1; UNTIL i > 3 END REPEAT;\n  CASE i WHEN 1 THEN SELECT 1; ELSE SELECT CASE WHEN i THEN 2 ELSE 3 END; END CASE;\n  SELECT REPEAT('a', 2);\nEND";
    let sql = format!("{proc};\nCALL p(1);\nBEGIN;\nSELECT 1;\nCOMMIT;");
    assert_split(
        &sql,
        MySql,
        &[proc, "CALL p(1)", "BEGIN", "SELECT 1", "COMMIT"],
    );
    let more = "CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC BEGIN RETURN x; END;\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW IF NEW.x < 0 THEN SET NEW.x = 0; END IF;\nCREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM a; DELETE FROM b; END;\nBEGIN NOT ATOMIC IF 1 THEN SELECT 1; END IF; SELECT 2; END;\nCREATE TABLE event (begin INT);\nSELECT 3;";
    assert_eq!(split(more, MySql).len(), 6, "{:#?}", split(more, MySql));
}

#[test]
fn postgres_atomic_dollar_and_comments() {
    let f = "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO t VALUES (a);\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\nEND";
    let sql = format!(
        "BEGIN;\n{f};\n/* a /* nested; */ still; */ SELECT $tag$ $$; $tag$, $1, a$b$c;\nCOMMIT;\nBEGIN TRANSACTION;"
    );
    assert_eq!(
        split(&sql, Postgres),
        [
            "BEGIN",
            f,
            "SELECT $tag$ $$; $tag$, $1, a$b$c",
            "COMMIT",
            "BEGIN TRANSACTION"
        ]
    );
    // Comments do not nest on SQLite and MySQL.
    assert_eq!(
        split("/* a /* b */ SELECT 1; */", Sqlite),
        ["SELECT 1", "*/"]
    );
}

#[test]
fn sqlite_triggers() {
    let t = "CREATE TEMP TRIGGER IF NOT EXISTS t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = CASE WHEN n > 0 THEN n + 1 ELSE 1 END;\n  SELECT RAISE(ABORT, 'no;');\nEND";
    let sql = format!("{t};\nBEGIN TRANSACTION;\nSELECT 2;\nEND;");
    assert_split(&sql, Sqlite, &[t, "BEGIN TRANSACTION", "SELECT 2", "END"]);
}

#[test]
fn escape_hatch() {
    let sql = "SELECT 1\n  -- statement: begin\nDO $$ BEGIN; END $$;\nSELECT 'x\n-- Statement : END  \nSELECT 2;\n--statement:begin\n\n--statement:end\n";
    assert_sqls_and_lines(
        sql,
        Postgres,
        &[
            ("SELECT 1", 1),
            ("DO $$ BEGIN; END $$;\nSELECT 'x", 3),
            ("SELECT 2", 6),
        ],
    );
    // A marker inside quoted text or after other text on its line is not one.
    assert_eq!(
        split(
            "SELECT '\n-- statement: end\n'; SELECT 1 -- statement: end\n;",
            Sqlite
        )
        .len(),
        2
    );
}

#[test]
fn escape_hatch_errors() {
    let e = try_split_for("SELECT 1;\n\n-- statement: end\n", MySql).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("no `-- statement: begin`"), "{e}");
    let e = try_split_for("-- statement: begin\nSELECT 1;\n", Sqlite).unwrap_err();
    assert_eq!(e.line, 1);
    // Lenient: the block runs to the end; a stray end is a comment.
    let s = split_for("-- statement: begin\nSELECT 1;\nSELECT 2;\n", Sqlite);
    assert_eq!((s[0].sql.as_str(), s[0].line), ("SELECT 1;\nSELECT 2;", 2));
    assert_eq!(split_for("SELECT 1;\n-- statement: end\n", Sqlite).len(), 1);
}

#[test]
fn lines_count_across_everything() {
    let sql = "/* 1\n2 */ SELECT 1;\n\n# 4\nSELECT\n'5\n6';\n\n\n   SELECT 10";
    let lines: Vec<usize> = try_split_for(sql, MySql)
        .unwrap()
        .iter()
        .map(|s| s.line)
        .collect();
    assert_eq!(lines, [2, 5, 10]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

    #[test]
    fn dialects_never_panic(s in "([-;'\"`$/*#\\ \n_eE0-9:]|BEGIN|END|CASE|IF|LOOP|ATOMIC|NOT|TRIGGER|CREATE|PROCEDURE|DELIMITER |-- statement: begin\n|-- statement: end\n|\\PC){0,60}") {
        for d in Dialect::ALL {
            for st in split_for(&s, d) {
                proptest::prop_assert!(!st.sql.trim().is_empty());
            }
            let _ = try_split_for(&s, d);
        }
    }
}

#[test]
fn unicode_blanks_are_no_statement() {
    for d in [Postgres, MySql, Sqlite] {
        assert_split("\u{2000}", d, &[]);
        assert_split("SELECT 1;\u{2000}\n;\u{3000}", d, &["SELECT 1"]);
    }
}
