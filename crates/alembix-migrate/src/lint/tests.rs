use alembix_schema::Dialect::{self, MySql, Postgres, Sqlite};

use super::lint_revision;
use crate::Revision;

fn rev(up: &str, down: &str) -> Revision {
    let text = format!(
        "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: m\n\n-- migrate:upgrade\n{up}\n-- migrate:downgrade\n{down}\n"
    );
    Revision::parse("x.sql", &text).unwrap()
}

fn ids_in(dialect: Dialect, up: &str, down: &str, allow: &[&str]) -> Vec<&'static str> {
    let allow: Vec<String> = allow.iter().map(|s| s.to_string()).collect();
    lint_revision(&rev(up, down), dialect, &allow)
        .unwrap()
        .into_iter()
        .map(|f| f.rule.id)
        .collect()
}

fn ids(dialect: Dialect, up: &str) -> Vec<&'static str> {
    ids_in(dialect, up, "", &[])
}

fn fires(dialect: Dialect, up: &str, id: &str) -> bool {
    ids(dialect, up).contains(&id)
}

#[test]
fn unparsable_statement_is_a_note() {
    assert_eq!(ids(Postgres, "THIS IS NOT SQL AT ALL;"), vec!["unparsed"]);
    assert_eq!(ids(Postgres, "SELECT 1;"), Vec::<&str>::new());
}

#[test]
fn transaction_control() {
    assert!(fires(
        Postgres,
        "BEGIN;\nSELECT 1;\nCOMMIT;",
        "transaction-control"
    ));
    assert!(ids_in(MySql, "SELECT 1;", "START TRANSACTION;", &[]).contains(&"transaction-control"));
    assert!(!fires(Postgres, "SELECT 1;", "transaction-control"));
    // A no-transaction step may hold a transaction of its own (the runner
    // keeps it): SQLite rebuilds in `transaction: false` revisions.
    let own = "-- step: no-transaction\nPRAGMA foreign_keys = OFF;\nBEGIN;\nSELECT 1;\nCOMMIT;";
    assert!(!fires(Sqlite, own, "transaction-control"));
    let text = "-- revision: 3f2a9c1b7d4e\n-- down_revision:\n-- message: m\n-- transaction: false\n\n\
                -- migrate:upgrade\nBEGIN;\nSELECT 1;\nCOMMIT;\n";
    let found = lint_revision(&Revision::parse("x.sql", text).unwrap(), Sqlite, &[]).unwrap();
    assert!(
        found.iter().all(|f| f.rule.id != "transaction-control"),
        "{found:?}"
    );
}

#[test]
fn non_concurrent_index() {
    let id = "non-concurrent-index";
    assert!(fires(Postgres, "CREATE INDEX ix ON users (email);", id));
    assert!(fires(Postgres, "DROP INDEX ix_users_email;", id));
    let safe = "-- step: no-transaction\nCREATE INDEX CONCURRENTLY ix ON users (email);";
    assert!(!fires(Postgres, safe, id));
    let new_table =
        "CREATE TABLE t (id bigint);\nCREATE UNIQUE INDEX ix_t ON t (id);\nDROP INDEX ix_t;";
    assert!(!fires(Postgres, new_table, id));
    assert!(!fires(MySql, "CREATE INDEX ix ON users (email);", id));
}

#[test]
fn concurrently_in_transaction() {
    let id = "concurrently-in-transaction";
    assert!(fires(
        Postgres,
        "CREATE INDEX CONCURRENTLY ix ON users (email);",
        id
    ));
    let ok = "SELECT 1;\n-- step: no-transaction\nDROP INDEX CONCURRENTLY ix;";
    assert!(!fires(Postgres, ok, id));
}

#[test]
fn add_not_null_without_default() {
    let id = "add-not-null-without-default";
    assert!(fires(
        Postgres,
        "ALTER TABLE users ADD COLUMN age integer NOT NULL;",
        id
    ));
    assert!(fires(
        MySql,
        "ALTER TABLE users ADD age int NOT NULL, ALGORITHM=INSTANT;",
        id
    ));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users ADD COLUMN age integer NOT NULL DEFAULT 0;",
        id
    ));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users ADD COLUMN age integer;",
        id
    ));
    let new_table = "CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN a int NOT NULL;";
    assert!(!fires(Postgres, new_table, id));
}

#[test]
fn drop_table() {
    assert!(fires(Postgres, "DROP TABLE users;", "drop-table"));
    assert!(!fires(
        Postgres,
        "CREATE TABLE t (id bigint);\nDROP TABLE t;",
        "drop-table"
    ));
    // A downgrade drops what the upgrade made: not linted for data loss.
    assert!(!ids_in(Postgres, "SELECT 1;", "DROP TABLE users;", &[]).contains(&"drop-table"));
}

#[test]
fn drop_column() {
    assert!(fires(
        Postgres,
        "ALTER TABLE users DROP COLUMN age;",
        "drop-column"
    ));
    assert!(fires(
        Sqlite,
        "ALTER TABLE users DROP COLUMN age;",
        "drop-column"
    ));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users DROP CONSTRAINT ck_age;",
        "drop-column"
    ));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users ALTER COLUMN age DROP DEFAULT;",
        "drop-column"
    ));
}

#[test]
fn rename() {
    assert!(fires(
        Postgres,
        "ALTER TABLE users RENAME TO people;",
        "rename"
    ));
    assert!(fires(
        Postgres,
        "ALTER TABLE users RENAME COLUMN a TO b;",
        "rename"
    ));
    assert!(fires(MySql, "RENAME TABLE users TO people;", "rename"));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users RENAME CONSTRAINT a TO b;",
        "rename"
    ));
}

#[test]
fn constraint_without_not_valid() {
    let id = "constraint-without-not-valid";
    let fk = "ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES users (id)";
    assert!(fires(Postgres, &format!("{fk};"), id));
    assert!(fires(
        Postgres,
        "ALTER TABLE users ADD CHECK (age >= 0);",
        id
    ));
    assert!(!fires(Postgres, &format!("{fk} NOT VALID;"), id));
}

#[test]
fn set_not_null() {
    let id = "set-not-null";
    assert!(fires(
        Postgres,
        "ALTER TABLE users ALTER COLUMN age SET NOT NULL;",
        id
    ));
    let safe = "ALTER TABLE users ADD CONSTRAINT ck CHECK (age IS NOT NULL) NOT VALID;\n\
                ALTER TABLE users VALIDATE CONSTRAINT ck;\n\
                ALTER TABLE users ALTER COLUMN age SET NOT NULL;";
    assert!(!fires(Postgres, safe, id));
    let unvalidated = "ALTER TABLE users ADD CONSTRAINT ck CHECK (age IS NOT NULL) NOT VALID;\n\
                       ALTER TABLE users ALTER COLUMN age SET NOT NULL;";
    assert!(fires(Postgres, unvalidated, id));
}

#[test]
fn column_type_change() {
    let id = "column-type-change";
    assert!(fires(
        Postgres,
        "ALTER TABLE users ALTER COLUMN age TYPE bigint;",
        id
    ));
    assert!(fires(MySql, "ALTER TABLE users MODIFY age bigint;", id));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users ALTER COLUMN name TYPE text;",
        id
    ));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'x';",
        id
    ));
}

#[test]
fn volatile_default() {
    let id = "volatile-default";
    let up = "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();";
    assert!(fires(Postgres, up, id));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users ADD COLUMN at timestamptz DEFAULT now();",
        id
    ));
}

#[test]
fn unique_without_index() {
    let id = "unique-without-index";
    assert!(fires(
        Postgres,
        "ALTER TABLE users ADD CONSTRAINT uq UNIQUE (email);",
        id
    ));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users ADD CONSTRAINT uq UNIQUE USING INDEX ix;",
        id
    ));
}

#[test]
fn mysql_copy_alter() {
    let id = "mysql-copy-alter";
    assert!(fires(MySql, "ALTER TABLE users ADD COLUMN age int;", id));
    assert!(!fires(
        MySql,
        "ALTER TABLE users ADD COLUMN age int, ALGORITHM=INSTANT;",
        id
    ));
    assert!(!fires(
        Postgres,
        "ALTER TABLE users ADD COLUMN age int;",
        id
    ));
    // MariaDB refuses INPLACE and INSTANT for a check added: no advice.
    let check = "ALTER TABLE users ADD CONSTRAINT ck_users_age CHECK (age >= 0);";
    assert!(!fires(MySql, check, id));
}

#[test]
fn prefer_bigint_key() {
    let id = "prefer-bigint-key";
    assert!(fires(
        Postgres,
        "CREATE TABLE t (id serial PRIMARY KEY, a text);",
        id
    ));
    assert!(fires(
        MySql,
        "CREATE TABLE t (id int NOT NULL, CONSTRAINT pk PRIMARY KEY (id));",
        id
    ));
    assert!(!fires(
        Postgres,
        "CREATE TABLE t (id bigserial PRIMARY KEY);",
        id
    ));
    assert!(!fires(
        Sqlite,
        "CREATE TABLE t (id INTEGER PRIMARY KEY);",
        id
    ));
}

#[test]
fn prefer_timestamptz() {
    let id = "prefer-timestamptz";
    assert!(fires(
        Postgres,
        "CREATE TABLE t (id bigint, at timestamp);",
        id
    ));
    assert!(fires(
        Postgres,
        "ALTER TABLE users ADD COLUMN at timestamp(3);",
        id
    ));
    assert!(!fires(
        Postgres,
        "CREATE TABLE t (at timestamptz, b timestamp with time zone);",
        id
    ));
    assert!(!fires(
        MySql,
        "CREATE TABLE t (id bigint, at timestamp);",
        id
    ));
}

#[test]
fn allow_comment_and_allow_list() {
    let up = "-- lint: allow drop-table, rename\nDROP TABLE users;\nDROP TABLE posts;";
    assert_eq!(ids(Postgres, up), vec!["drop-table"]);
    assert!(ids_in(Postgres, "DROP TABLE users;", "", &["drop-table"]).is_empty());
}

#[test]
fn finding_has_file_line_and_statement() {
    let f = lint_revision(&rev("SELECT 1;\nDROP TABLE users;", ""), Postgres, &[]).unwrap();
    assert_eq!(
        (f[0].line, f[0].statement.as_str()),
        (7, "DROP TABLE users")
    );
    assert_eq!(f[0].revision, "3f2a9c1b7d4e");
}

#[test]
fn odd_statements_never_crash() {
    for up in [
        "CREATE TABLE t ();",
        "ALTER TABLE t;",
        "DROP INDEX;",
        "CREATE TABLE t AS SELECT 1;",
        "ALTER TABLE t ADD CONSTRAINT;",
        "ALTER TABLE users ALTER COLUMN a TYPE character varying;",
    ] {
        for d in [Postgres, MySql, Sqlite] {
            let _ = ids(d, up);
        }
    }
    let up = "ALTER TABLE users ALTER COLUMN a TYPE character varying;";
    assert!(!fires(Postgres, up, "column-type-change"));
}
