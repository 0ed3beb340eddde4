//! What a revision's earlier statements tell the later ones: tables and
//! indexes it created, and `IS NOT NULL` checks it added and validated.

use std::collections::{HashMap, HashSet};

use alembix_schema::Dialect;
use sqlparser::parser::Parser;

use super::checks;
use super::rules::{self, Rule};
use super::tokens::{self, Tok, find_seq, qualified, skip_kws};

/// The state of one section being linted.
pub(crate) struct Context {
    pub dialect: Dialect,
    /// Upgrade sections get every rule.
    pub upgrade: bool,
    /// Tables created earlier in the section (lowercased, last name part).
    pub new_tables: HashSet<String>,
    /// Indexes created earlier in the section on new tables.
    pub new_indexes: HashSet<String>,
    /// Check constraints `col IS NOT NULL`: name -> (table, column, validated).
    pub not_null_checks: HashMap<String, (String, String, bool)>,
}

impl Context {
    pub fn new(dialect: Dialect, upgrade: bool) -> Context {
        Context {
            dialect,
            upgrade,
            new_tables: HashSet::new(),
            new_indexes: HashSet::new(),
            not_null_checks: HashMap::new(),
        }
    }

    /// The rules a statement breaks; remembers what it creates.
    pub fn lint(&mut self, sql: &str, transactional: bool) -> Vec<&'static Rule> {
        let parser_dialect = super::dialect::parser_dialect(self.dialect);
        if Parser::parse_sql(parser_dialect.as_ref(), sql).is_err() {
            return vec![&rules::UNPARSED];
        }
        let Some(t) = tokens::tokens(parser_dialect.as_ref(), sql) else {
            return vec![&rules::UNPARSED];
        };
        let mut fired = Vec::new();
        checks::statement_rules(self, &t, transactional, &mut fired);
        if self.upgrade {
            checks::schema_rules(self, &t, &mut fired);
        }
        self.record(&t);
        fired
    }

    /// True when `table` exists before this revision (was not created in it).
    pub fn existing(&self, table: &str) -> bool {
        !self.new_tables.contains(table)
    }

    /// True when a validated `IS NOT NULL` check covers `table.column`.
    pub fn has_validated_check(&self, table: &str, column: &str) -> bool {
        self.not_null_checks
            .values()
            .any(|(t, c, v)| *v && t == table && c == column)
    }

    fn record(&mut self, t: &[Tok]) {
        if t.first().is_some_and(|w| w.is("CREATE")) {
            let i = skip_kws(t, 1, &["TEMPORARY", "TEMP", "UNLOGGED", "UNIQUE"]);
            if t.get(i).is_some_and(|w| w.is("TABLE")) {
                let i = skip_kws(t, i + 1, &["IF", "NOT", "EXISTS"]);
                if let Some((name, _)) = qualified(t, i) {
                    self.new_tables.insert(name);
                }
            } else if t.get(i).is_some_and(|w| w.is("INDEX"))
                && let Some((index, table)) = checks::index_target(t)
                && !self.existing(&table)
                && let Some(index) = index
            {
                self.new_indexes.insert(index);
            }
        }
        if let Some(table) = checks::alter_table_name(t) {
            self.record_checks(t, &table);
        }
    }

    /// Remembers `ADD CONSTRAINT n CHECK (c IS NOT NULL)` and `VALIDATE CONSTRAINT n`.
    fn record_checks(&mut self, t: &[Tok], table: &str) {
        if let Some(i) = find_seq(t, &["VALIDATE", "CONSTRAINT"])
            && let Some(name) = t.get(i + 2).and_then(Tok::name)
            && let Some(entry) = self.not_null_checks.get_mut(&name)
        {
            entry.2 = true;
        }
        let Some(i) = find_seq(t, &["ADD", "CONSTRAINT"]) else {
            return;
        };
        let (Some(name), Some(check)) = (t.get(i + 2).and_then(Tok::name), t.get(i + 3)) else {
            return;
        };
        let rest = &t[i + 3..];
        if check.is("CHECK")
            && let (Some(col), Some(_)) = (
                rest.get(2).and_then(Tok::name),
                find_seq(rest, &["IS", "NOT", "NULL"]),
            )
        {
            let validated = find_seq(rest, &["NOT", "VALID"]).is_none();
            self.not_null_checks
                .insert(name, (table.to_string(), col, validated));
        }
    }
}
