//! The lint rules as data: id, default severity, the danger in one line,
//! why it hurts, and the safe form.

use serde::Serialize;

/// How bad a finding is. Only `Error` makes `alembix lint` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails the run.
    Info,
    /// Risky; never fails the run.
    Warning,
    /// Breaks deploys or production; fails the run.
    Error,
}

impl Severity {
    /// `"info"`, `"warning"` or `"error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The id used in output, `-- lint: allow` and `[lint] allow`.
    pub id: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// The danger, in one line (the finding's message).
    pub danger: &'static str,
    /// Why it hurts.
    pub why: &'static str,
    /// The safe form (printed under the finding).
    pub safe: &'static str,
}

/// The note for a statement sqlparser cannot parse (never an error).
pub const UNPARSED: Rule = Rule {
    id: "unparsed",
    severity: Severity::Info,
    danger: "could not parse, not linted",
    why: "the statement is outside what the SQL parser understands",
    safe: "review this statement by hand",
};

macro_rules! rule {
    ($name:ident, $id:literal, $sev:ident, $danger:literal, $why:literal, $safe:literal) => {
        #[doc = concat!("`", $id, "`: ", $danger)]
        pub const $name: Rule = Rule {
            id: $id,
            severity: Severity::$sev,
            danger: $danger,
            why: $why,
            safe: $safe,
        };
    };
}

rule!(
    TRANSACTION_CONTROL,
    "transaction-control",
    Error,
    "transaction control statement in a transactional step",
    "alembix runs each transactional step in its own transaction; BEGIN/COMMIT/ROLLBACK break its bookkeeping and resume",
    "remove it; use `-- step: transaction` / `-- step: no-transaction` markers"
);
rule!(
    NON_CONCURRENT_INDEX,
    "non-concurrent-index",
    Error,
    "index created or dropped without CONCURRENTLY on an existing table",
    "a plain CREATE/DROP INDEX blocks writes to the table for the whole build",
    "`-- step: no-transaction` then `CREATE INDEX CONCURRENTLY ...` / `DROP INDEX CONCURRENTLY ...`"
);
rule!(
    CONCURRENTLY_IN_TRANSACTION,
    "concurrently-in-transaction",
    Error,
    "CONCURRENTLY inside a transactional step",
    "PostgreSQL refuses CONCURRENTLY inside a transaction block, so the migration fails",
    "put the statement after a `-- step: no-transaction` marker"
);
rule!(
    ADD_NOT_NULL_WITHOUT_DEFAULT,
    "add-not-null-without-default",
    Error,
    "NOT NULL column added to an existing table without a default",
    "fails on a table that has rows, and old app versions cannot insert",
    "add the column with a DEFAULT, or add it nullable, backfill, then set NOT NULL"
);
rule!(
    DROP_TABLE,
    "drop-table",
    Warning,
    "table dropped",
    "its data is lost and running app versions that use it fail",
    "stop using the table in a release first, back it up, then drop it"
);
rule!(
    DROP_COLUMN,
    "drop-column",
    Warning,
    "column dropped",
    "its data is lost and running app versions that read it fail",
    "stop using the column in a release first, then drop it"
);
rule!(
    RENAME,
    "rename",
    Warning,
    "table or column renamed",
    "running app versions still use the old name and fail",
    "add the new name, write both, move readers, then drop the old one"
);
rule!(
    CONSTRAINT_WITHOUT_NOT_VALID,
    "constraint-without-not-valid",
    Warning,
    "foreign key or check added to an existing table without NOT VALID",
    "validating every row holds a lock that blocks writes",
    "`ADD CONSTRAINT ... NOT VALID`, then `VALIDATE CONSTRAINT ...` in a later step"
);
rule!(
    SET_NOT_NULL,
    "set-not-null",
    Warning,
    "SET NOT NULL without a validated IS NOT NULL check",
    "PostgreSQL scans the whole table under an ACCESS EXCLUSIVE lock",
    "`ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT c`, then SET NOT NULL"
);
rule!(
    COLUMN_TYPE_CHANGE,
    "column-type-change",
    Warning,
    "column type change that rewrites the table",
    "the table is rewritten under an exclusive lock",
    "add a new column, backfill in batches, switch readers, drop the old column"
);
rule!(
    VOLATILE_DEFAULT,
    "volatile-default",
    Warning,
    "column added with a volatile default",
    "every row gets its own value, so the whole table is rewritten under lock",
    "add the column without a default (or with a constant), backfill in batches, then set the default"
);
rule!(
    UNIQUE_WITHOUT_INDEX,
    "unique-without-index",
    Warning,
    "UNIQUE constraint added to an existing table without USING INDEX",
    "the unique index is built under a lock that blocks writes",
    "`CREATE UNIQUE INDEX CONCURRENTLY ix ...`, then `ADD CONSTRAINT c UNIQUE USING INDEX ix`"
);
rule!(
    MYSQL_COPY_ALTER,
    "mysql-copy-alter",
    Warning,
    "ALTER TABLE without ALGORITHM/LOCK where an online algorithm applies",
    "MySQL/MariaDB may fall back to copying the table while blocking writes",
    "append `, ALGORITHM=INSTANT` (or `, ALGORITHM=INPLACE, LOCK=NONE`) so the server refuses a copy"
);
rule!(
    PREFER_BIGINT_KEY,
    "prefer-bigint-key",
    Info,
    "integer key narrower than 64 bits",
    "a 32-bit key runs out and widening it later rewrites the table",
    "use bigint (bigserial / BIGINT AUTO_INCREMENT) for keys"
);
rule!(
    PREFER_TIMESTAMPTZ,
    "prefer-timestamptz",
    Info,
    "timestamp without time zone",
    "values lose their time zone and compare wrongly across zones",
    "use timestamptz (timestamp with time zone)"
);

/// Every rule, in the order they are documented.
pub const ALL: &[Rule] = &[
    TRANSACTION_CONTROL,
    NON_CONCURRENT_INDEX,
    CONCURRENTLY_IN_TRANSACTION,
    ADD_NOT_NULL_WITHOUT_DEFAULT,
    DROP_TABLE,
    DROP_COLUMN,
    RENAME,
    CONSTRAINT_WITHOUT_NOT_VALID,
    SET_NOT_NULL,
    COLUMN_TYPE_CHANGE,
    VOLATILE_DEFAULT,
    UNIQUE_WITHOUT_INDEX,
    MYSQL_COPY_ALTER,
    PREFER_BIGINT_KEY,
    PREFER_TIMESTAMPTZ,
];

/// The rule with this id, if any.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.id == id)
}
