//! What a backend can do and how it spells things, as plain data: one
//! `Capabilities` constant per backend, written as the standard-SQL answers
//! with that backend's differences.

use super::CompoundBodies;
use crate::objects::ObjectKind;

/// A backend's capabilities and lexical rules. Each backend module holds one
/// constant, built from [`Capabilities::STANDARD`] with its differences.
///
/// ```
/// use alembix_schema::Dialect;
/// assert!(Dialect::Postgres.caps().transactional_ddl);
/// assert!(!Dialect::MySql.caps().transactional_ddl);
/// assert_eq!(Dialect::Sqlite.caps().title, "SQLite");
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Capabilities {
    /// The name used in revision headers and configuration (`postgres`).
    pub name: &'static str,
    /// The backend's name as messages write it (`PostgreSQL`).
    pub title: &'static str,
    /// The URL schemes that name this backend (`postgres` of `postgres://`).
    pub url_schemes: &'static [&'static str],
    /// The longest identifier the backend accepts, in bytes.
    pub max_identifier_len: usize,
    /// Whether DDL runs inside a transaction (and rolls back with it).
    pub transactional_ddl: bool,
    /// The character that delimits identifiers.
    pub identifier_quote: char,
    /// Whether a backslash escapes in string literals (so must be doubled).
    pub backslash_escapes: bool,
    /// Whether tables live in named schemas (`schema.table`).
    pub has_schemas: bool,
    /// Whether enums are named types of their own (`CREATE TYPE`), rather
    /// than part of the column type.
    pub has_enum_types: bool,
    /// Whether an enum column is a text column with a `CHECK` of its labels.
    pub enum_as_check: bool,
    /// Whether tables and columns carry comments.
    pub has_comments: bool,
    /// Whether comments are set by statements of their own after the table
    /// or column exists (`COMMENT ON`), rather than inline.
    pub comments_by_statement: bool,
    /// Whether an existing table's constraints (keys, uniques, checks,
    /// foreign keys) and columns can be altered in place; when not, such a
    /// change needs a table rebuild.
    pub alters_in_place: bool,
    /// Whether indexes may have an expression key list or a `WHERE` clause.
    pub has_partial_and_expression_indexes: bool,
    /// Whether `DROP INDEX` names the index's table.
    pub drop_index_names_table: bool,
    /// Whether a single-column auto-increment key is declared inline in its
    /// column (`PRIMARY KEY AUTOINCREMENT`) rather than as a table constraint.
    pub inline_auto_increment_key: bool,
    /// Where a column outside the primary key may be auto-increment.
    pub auto_increment_outside_key: AutoIncrementOutsideKey,
    /// The kinds of declared objects the backend has (views, triggers, ...).
    pub object_kinds: &'static [crate::objects::ObjectKind],
    /// Whether `INSERT/UPDATE/DELETE ... RETURNING` is available on every
    /// server of this backend. Where it is not, the server's version
    /// decides (see [`SqlDialect::has_returning`](super::SqlDialect::has_returning):
    /// SQLite from 3.35, MariaDB from 10.5, MySQL never).
    pub always_returns: bool,
    /// Whether an upsert names the unique key whose conflict it handles
    /// (`ON CONFLICT (cols)`); where not (MySQL/MariaDB's
    /// `ON DUPLICATE KEY UPDATE`), it fires on a conflict of any unique key.
    pub upsert_targets_key: bool,
    /// The backend's name in the OpenTelemetry `db.system` attribute that
    /// statement traces carry (`postgresql`, `mysql`, `sqlite`).
    pub db_system: &'static str,
    /// The most bind parameters one statement may carry.
    pub max_bind_params: usize,
    /// Whether placeholders are numbered (`$1`) rather than `?`.
    pub numbered_placeholders: bool,
    /// Whether `SELECT ... FOR UPDATE` locks rows (SQLite locks the whole
    /// database on write and has no such clause).
    pub row_locks: bool,
    /// Whether `FOR UPDATE` may lock the rows of an outer join's nullable
    /// side; where not (PostgreSQL refuses it), a locking query with an
    /// outer join names the tables of its inner side (`FOR UPDATE OF t`).
    pub locks_outer_join_nullable_side: bool,
    /// The type a computed `i64` (a `SUM`, say) is cast to so that it reads
    /// back as a 64-bit integer (`SUM` of `bigint` is `numeric` on
    /// PostgreSQL, `SUM` of any integer `DECIMAL` on MySQL/MariaDB);
    /// `None`: read as it is (SQLite).
    pub integer_result_cast: Option<&'static str>,
    /// The type a computed `f64` is cast to: the backend's double,
    /// whatever the expression's type.
    pub double_result_cast: &'static str,
    /// The type a computed decimal is cast to; `None`: read as it is.
    /// SQLite, which has no exact decimal and stores decimals as text,
    /// computes on them in floating point: the result is read back
    /// through its text form (`TEXT`).
    pub decimal_result_cast: Option<&'static str>,
    /// Whether many rows are best inserted as one array parameter per
    /// column (`INSERT ... SELECT * FROM UNNEST($1::int8[], ...)`).
    pub insert_from_arrays: bool,
    /// Whether a list of keys can travel as one array parameter
    /// (`col = ANY($1)`), so that a relation load sends one parameter
    /// whatever the number of keys, and its statement text (and prepared
    /// statement) is the same for every load.
    pub array_params: bool,
    /// Whether `$$ ... $$` and `$tag$ ... $tag$` quote text (statement
    /// splitting; PostgreSQL).
    pub dollar_quoting: bool,
    /// Whether `E'...'` strings take backslash escapes (PostgreSQL).
    pub escape_string_prefix: bool,
    /// Whether `/* */` comments nest (PostgreSQL).
    pub nested_comments: bool,
    /// MySQL's comment rules: `#` starts a line comment, `--` starts one only
    /// before a blank or control character, and `/*! ... */` is SQL text.
    pub mysql_comments: bool,
    /// Whether scripts may change the statement delimiter with the client's
    /// `DELIMITER //` command (MySQL).
    pub delimiter_command: bool,
    /// Which `BEGIN ... END` bodies hold `;`-separated statements of their own.
    pub compound_bodies: CompoundBodies,
    /// Whether indexes can be built and dropped without blocking writes
    /// (`CREATE/DROP INDEX CONCURRENTLY`; lint asks for it on existing tables).
    pub concurrent_indexes: bool,
    /// The most statements autogen writes in one transactional step; a
    /// longer section is cut into several transactional steps, each
    /// committing on its own (the configuration's `statements_per_step`
    /// overrides it). PostgreSQL: 200, because every statement holds its
    /// locks until the step commits, a `CREATE TABLE` takes up to about 15
    /// (the table, its sequence, key index, TOAST table and index, the
    /// tables its foreign keys reference), and all sessions share a lock
    /// table of `max_locks_per_transaction` × `max_connections` entries
    /// (64 × 100 by default). `None`: no limit.
    pub step_statements: Option<usize>,
    /// The most bytes of revision SQL joined into one batch of a step's
    /// statements. SQLite runs a batch on the calling thread, so its
    /// batches are short (16 KiB).
    pub batch_bytes: usize,
    /// Whether tables can be declared partitioned (`PARTITION BY`, `CREATE
    /// TABLE ... PARTITION OF`, `ATTACH`/`DETACH PARTITION`; PostgreSQL).
    /// Elsewhere a model declaring partitioning is an error.
    pub partitioned_tables: bool,
    /// Whether constraints can be added unchecked and validated later
    /// (`NOT VALID` / `VALIDATE CONSTRAINT`, `ADD ... UNIQUE USING INDEX`, a
    /// validated `IS NOT NULL` check before `SET NOT NULL`).
    pub deferred_validation: bool,
    /// Whether `timestamp` has a time-zone-aware sibling to prefer
    /// (`timestamptz`).
    pub has_timestamptz: bool,
    /// Whether an integer primary key is already 64-bit whatever its
    /// declared width (SQLite's rowid).
    pub integer_keys_are_64_bit: bool,
    /// Whether `ALTER TABLE` takes `ALGORITHM=INSTANT|INPLACE, LOCK=NONE` to
    /// refuse a blocking table copy (MySQL, MariaDB).
    pub online_alter_clauses: bool,
    /// The database a server URL names to create or drop another one
    /// (`postgres`; empty: none, as MySQL allows); `None` where a database
    /// is a file (SQLite).
    pub maintenance_database: Option<&'static str>,
    /// Whether an anonymous code block may commit between statements
    /// (`DO $$ ... COMMIT; ... $$` in autocommit, PostgreSQL 11+): online
    /// backfills then update in batches, each its own transaction.
    pub batched_backfill: bool,
    /// The online clause each kind of statement autogen writes for an
    /// existing table takes, where the server can do it without copying
    /// the table or blocking writes (see [`OnlineAlter`]).
    pub online_alter: OnlineAlter,
    /// How the read replicas of every server of this backend say how far
    /// they have replayed the primary's writes; where the server decides
    /// (MariaDB or MySQL), see
    /// [`SqlDialect::replica_positions`](super::SqlDialect::replica_positions).
    pub replica_positions: ReplicaPositions,
    /// Whether a replica says how far behind the primary it is in time
    /// (the runtime's `max_lag`; PostgreSQL).
    pub replica_lag: bool,
}

/// How a backend's read replicas say how far they have replayed the
/// primary's writes, which decides whether a handle that wrote may read
/// from a replica (read-your-writes).
///
/// ```
/// use alembix_schema::{Dialect, dialect::ReplicaPositions};
/// let rules = Dialect::MySql.rules();
/// assert_eq!(rules.replica_positions("10.11.6-MariaDB"), ReplicaPositions::DomainGtids);
/// assert_eq!(rules.replica_positions("8.0.36"), ReplicaPositions::Unmeasured);
/// assert_eq!(Dialect::Sqlite.caps().replica_positions, ReplicaPositions::NoReplicas);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaPositions {
    /// No read replicas (SQLite: a database is one file).
    NoReplicas,
    /// Replicas whose position is not compared with a write's: a handle
    /// that wrote reads from the primary (MySQL, whose GTID sets of
    /// `uuid:interval` Alembix does not compare).
    Unmeasured,
    /// One write-ahead log position for the whole server (PostgreSQL's
    /// LSN, `16/B374D848`).
    WalLsn,
    /// The last GTID of each replication domain (MariaDB's GTID lists of
    /// `domain-server-sequence`, `0-1-42,1-2-7`).
    DomainGtids,
}

/// Where a backend lets a column outside the primary key be auto-increment.
///
/// ```
/// use alembix_schema::{Dialect, dialect::AutoIncrementOutsideKey};
/// assert_eq!(Dialect::Postgres.caps().auto_increment_outside_key, AutoIncrementOutsideKey::Anywhere);
/// assert_eq!(Dialect::MySql.caps().auto_increment_outside_key, AutoIncrementOutsideKey::Unique);
/// assert_eq!(Dialect::Sqlite.caps().auto_increment_outside_key, AutoIncrementOutsideKey::Nowhere);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoIncrementOutsideKey {
    /// Any integer column (PostgreSQL identity columns).
    Anywhere,
    /// A column that leads a unique constraint (MySQL/MariaDB's
    /// `AUTO_INCREMENT` must be "defined as a key" in the statement that
    /// makes it, where a unique constraint is written and a separate index
    /// is not).
    Unique,
    /// None: only the rowid key is generated (SQLite).
    Nowhere,
}

/// How the server can carry out one kind of `ALTER` without a table copy:
/// the clause an online revision writes (`ALGORITHM=INSTANT`, or
/// `ALGORITHM=INPLACE, LOCK=NONE`).
///
/// ```
/// use alembix_schema::dialect::OnlineAlgorithm::*;
/// assert!(Instant < Inplace);
/// assert_eq!(Inplace.alter_clause(), "ALGORITHM=INPLACE, LOCK=NONE");
/// assert_eq!(Inplace.index_clause(), "ALGORITHM=INPLACE LOCK=NONE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OnlineAlgorithm {
    /// A change of metadata only (`ALGORITHM=INSTANT`).
    Instant,
    /// Done in place while writes go on (`ALGORITHM=INPLACE, LOCK=NONE`);
    /// also what several changes in one statement get when one of them is
    /// not instant (the servers accept `INPLACE` for instant changes too).
    Inplace,
}

impl OnlineAlgorithm {
    /// The clause after an `ALTER TABLE`'s actions (after a comma).
    pub fn alter_clause(self) -> &'static str {
        match self {
            OnlineAlgorithm::Instant => "ALGORITHM=INSTANT",
            OnlineAlgorithm::Inplace => "ALGORITHM=INPLACE, LOCK=NONE",
        }
    }

    /// The clause at the end of a `CREATE INDEX` (no comma there).
    pub fn index_clause(self) -> &'static str {
        match self {
            OnlineAlgorithm::Instant => "ALGORITHM=INSTANT",
            OnlineAlgorithm::Inplace => "ALGORITHM=INPLACE LOCK=NONE",
        }
    }
}

/// Per kind of statement autogen writes for an existing table, the online
/// algorithm the server accepts for it; `None` where it would refuse one
/// (a foreign key added with `foreign_key_checks` on, a check constraint,
/// a primary key change, most type changes, auto-increment changes: all
/// table copies), and everywhere on backends without such clauses.
///
/// ```
/// use alembix_schema::{Dialect, dialect::OnlineAlgorithm};
/// let mysql = Dialect::MySql.caps().online_alter;
/// assert_eq!(mysql.add_column, Some(OnlineAlgorithm::Instant));
/// assert_eq!(Dialect::Postgres.caps().online_alter.add_column, None);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OnlineAlter {
    /// `ADD COLUMN` (not an auto-increment column).
    pub add_column: Option<OnlineAlgorithm>,
    /// `DROP COLUMN`.
    pub drop_column: Option<OnlineAlgorithm>,
    /// `RENAME COLUMN`.
    pub rename_column: Option<OnlineAlgorithm>,
    /// A column's default changed (`MODIFY COLUMN`).
    pub column_default: Option<OnlineAlgorithm>,
    /// A column's comment changed.
    pub column_comment: Option<OnlineAlgorithm>,
    /// A column made NULL or NOT NULL.
    pub column_nullability: Option<OnlineAlgorithm>,
    /// Enum labels appended at the end, the storage size kept.
    pub enum_labels_appended: Option<OnlineAlgorithm>,
    /// `CREATE [UNIQUE] INDEX`.
    pub create_index: Option<OnlineAlgorithm>,
    /// An index or a unique constraint dropped (`ALTER TABLE ... DROP INDEX`).
    pub drop_index: Option<OnlineAlgorithm>,
    /// `ADD CONSTRAINT ... UNIQUE`.
    pub add_unique: Option<OnlineAlgorithm>,
    /// `DROP FOREIGN KEY`.
    pub drop_foreign_key: Option<OnlineAlgorithm>,
    /// `DROP CONSTRAINT` of a check.
    pub drop_check: Option<OnlineAlgorithm>,
    /// A table's comment changed.
    pub table_comment: Option<OnlineAlgorithm>,
}

impl OnlineAlter {
    /// No online clauses (the standard answer, and PostgreSQL's and
    /// SQLite's).
    ///
    /// ```
    /// use alembix_schema::{Dialect, dialect::OnlineAlter};
    /// assert_eq!(Dialect::Sqlite.caps().online_alter, OnlineAlter::NONE);
    /// ```
    pub const NONE: OnlineAlter = OnlineAlter {
        add_column: None,
        drop_column: None,
        rename_column: None,
        column_default: None,
        column_comment: None,
        column_nullability: None,
        enum_labels_appended: None,
        create_index: None,
        drop_index: None,
        add_unique: None,
        drop_foreign_key: None,
        drop_check: None,
        table_comment: None,
    };
}

impl Capabilities {
    /// Standard SQL's answers, which each backend's constant starts from.
    pub const STANDARD: Capabilities = Capabilities {
        name: "",
        title: "",
        url_schemes: &[],
        max_identifier_len: 63,
        transactional_ddl: true,
        identifier_quote: '"',
        backslash_escapes: false,
        has_schemas: false,
        has_enum_types: false,
        enum_as_check: false,
        has_comments: true,
        comments_by_statement: false,
        alters_in_place: true,
        has_partial_and_expression_indexes: true,
        drop_index_names_table: false,
        object_kinds: &[ObjectKind::View, ObjectKind::Trigger],
        inline_auto_increment_key: false,
        auto_increment_outside_key: AutoIncrementOutsideKey::Anywhere,
        always_returns: true,
        upsert_targets_key: true,
        db_system: "",
        max_bind_params: 65_535,
        numbered_placeholders: false,
        row_locks: true,
        locks_outer_join_nullable_side: true,
        integer_result_cast: Some("BIGINT"),
        double_result_cast: "DOUBLE PRECISION",
        decimal_result_cast: None,
        insert_from_arrays: false,
        array_params: false,
        dollar_quoting: false,
        escape_string_prefix: false,
        nested_comments: false,
        mysql_comments: false,
        delimiter_command: false,
        compound_bodies: CompoundBodies::Trigger,
        concurrent_indexes: false,
        step_statements: None,
        batch_bytes: 1 << 20,
        partitioned_tables: false,
        deferred_validation: false,
        has_timestamptz: false,
        integer_keys_are_64_bit: false,
        online_alter_clauses: false,
        maintenance_database: Some(""),
        batched_backfill: false,
        online_alter: OnlineAlter::NONE,
        replica_positions: ReplicaPositions::Unmeasured,
        replica_lag: false,
    };
}
