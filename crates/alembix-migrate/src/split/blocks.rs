//! Which `;` are inside a `BEGIN ... END` body and so do not end the
//! statement: a small keyword machine fed the words and punctuation of one
//! statement (quoted text and comments never reach it).
//!
//! It first reads the statement's head: only `CREATE [OR REPLACE] [TEMP]
//! [DEFINER = user] [AGGREGATE] PROCEDURE | FUNCTION | TRIGGER | EVENT`
//! (the kinds the dialect's [`CompoundBodies`] allows) and MariaDB's
//! `BEGIN NOT ATOMIC` can hold bodies; anything else (a plain `BEGIN;`
//! transaction among them) is never tracked.

use alembix_schema::dialect::CompoundBodies;

/// An open block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `BEGIN`, `IF`, `LOOP`, `WHILE`, `REPEAT`, `FOR`, a `CASE` statement:
    /// statements follow `THEN`/`ELSE` inside.
    Statements,
    /// A `CASE` expression: its `THEN`/`ELSE` are followed by expressions.
    CaseExpr,
}

/// How far the statement's head has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    /// No word yet.
    Start,
    /// `CREATE` and modifiers.
    Create,
    /// In `DEFINER = user@host`: the number of words of it seen.
    Definer(u8),
    /// `BEGIN` as the first word, then `BEGIN NOT`.
    Begin,
    BeginNot,
    /// A statement that can hold bodies.
    Body,
    /// Nothing to track.
    Plain,
}

/// The previous word, where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    None,
    Begin,
    BeginNot,
    End,
    Each,
}

/// The block state of the statement being scanned.
#[derive(Debug)]
pub(super) struct Blocks {
    bodies: CompoundBodies,
    head: Head,
    stack: Vec<Kind>,
    /// A statement of a body may start here (`IF` opens a block).
    stmt_start: bool,
    /// The last token was a word at a statement start (a label if `:` follows).
    label: bool,
    prev: Prev,
}

impl Blocks {
    pub fn new(bodies: CompoundBodies) -> Blocks {
        Blocks {
            bodies,
            head: Head::Start,
            stack: Vec::new(),
            stmt_start: false,
            label: false,
            prev: Prev::None,
        }
    }

    /// Forgets everything: a new statement starts.
    pub fn reset(&mut self) {
        self.head = Head::Start;
        self.stack.clear();
        self.stmt_start = false;
        self.label = false;
        self.prev = Prev::None;
    }

    /// Whether a `;` here is inside a body.
    pub fn inside(&self) -> bool {
        !self.stack.is_empty()
    }

    /// Punctuation, quoted text or a number (`c`), outside comments.
    pub fn punct(&mut self, c: u8) {
        if self.head != Head::Body {
            return;
        }
        let label = std::mem::take(&mut self.label);
        self.stmt_start = match c {
            b';' => true,
            b':' => label,
            _ => false,
        };
        self.prev = Prev::None;
    }

    /// One word (letters, digits, `_`, `$`) outside quotes and comments.
    pub fn word(&mut self, w: &[u8]) {
        let is = |k: &str| w.eq_ignore_ascii_case(k.as_bytes());
        self.head = match self.head {
            Head::Plain => return,
            Head::Body => return self.body_word(w),
            Head::Start if is("CREATE") => Head::Create,
            Head::Start if is("BEGIN") && self.bodies == CompoundBodies::Compound => Head::Begin,
            Head::Begin if is("NOT") => Head::BeginNot,
            Head::BeginNot if is("ATOMIC") => {
                self.open(Kind::Statements, true);
                Head::Body
            }
            Head::Create | Head::Definer(_) if self.routine_kind(w) => Head::Body,
            Head::Create if is("DEFINER") => Head::Definer(0),
            Head::Create | Head::Definer(_)
                if [
                    "OR",
                    "REPLACE",
                    "TEMP",
                    "TEMPORARY",
                    "AGGREGATE",
                    "CURRENT_USER",
                ]
                .iter()
                .any(|k| is(k)) =>
            {
                self.head
            }
            Head::Definer(n) if n < 3 => Head::Definer(n + 1),
            _ => Head::Plain,
        };
    }

    /// Whether `w` names an object whose body the dialect tracks.
    fn routine_kind(&self, w: &[u8]) -> bool {
        let kinds: &[&str] = match self.bodies {
            CompoundBodies::Trigger => &["TRIGGER"],
            CompoundBodies::Atomic => &["FUNCTION", "PROCEDURE"],
            CompoundBodies::Compound => &["PROCEDURE", "FUNCTION", "TRIGGER", "EVENT"],
        };
        kinds.iter().any(|k| w.eq_ignore_ascii_case(k.as_bytes()))
    }

    fn open(&mut self, kind: Kind, stmt_start: bool) {
        self.stack.push(kind);
        self.stmt_start = stmt_start;
    }

    /// A word in the body part of a tracked statement.
    fn body_word(&mut self, w: &[u8]) {
        let is = |k: &str| w.eq_ignore_ascii_case(k.as_bytes());
        let prev = std::mem::replace(&mut self.prev, Prev::None);
        match self.bodies {
            CompoundBodies::Trigger => {
                if is("BEGIN") {
                    self.stack.push(Kind::Statements);
                } else if is("END") {
                    self.stack.pop();
                } else if is("CASE") && self.inside() {
                    self.stack.push(Kind::CaseExpr);
                }
            }
            CompoundBodies::Atomic => {
                if is("BEGIN") {
                    self.prev = Prev::Begin;
                } else if is("ATOMIC") && prev == Prev::Begin {
                    self.stack.push(Kind::Statements);
                } else if is("END") {
                    self.stack.pop();
                } else if is("CASE") && self.inside() {
                    self.stack.push(Kind::CaseExpr);
                }
            }
            CompoundBodies::Compound => self.compound_word(w, prev),
        }
    }

    /// A word of a MySQL/MariaDB compound statement.
    fn compound_word(&mut self, w: &[u8], prev: Prev) {
        let is = |k: &str| w.eq_ignore_ascii_case(k.as_bytes());
        let at_start = std::mem::take(&mut self.stmt_start);
        self.label = false;
        let closer = ["IF", "LOOP", "WHILE", "REPEAT", "CASE", "FOR"];
        if prev == Prev::End && closer.iter().any(|k| is(k)) {
            // `END IF`, `END CASE`, ...: closes, opens nothing.
        } else if is("BEGIN") {
            self.open(Kind::Statements, true);
            self.prev = Prev::Begin;
        } else if prev == Prev::Begin && is("NOT") {
            (self.stmt_start, self.prev) = (true, Prev::BeginNot);
        } else if prev == Prev::BeginNot && is("ATOMIC") {
            self.stmt_start = true;
        } else if is("END") {
            self.stack.pop();
            self.prev = Prev::End;
        } else if at_start && (is("LOOP") || is("REPEAT")) {
            self.open(Kind::Statements, true);
        } else if at_start
            && (is("IF") || is("WHILE") || is("CASE") || (is("FOR") && self.inside()))
        {
            // Statements follow the condition's THEN or DO.
            self.open(Kind::Statements, false);
        } else if is("CASE") {
            self.open(Kind::CaseExpr, false);
        } else if is("THEN") || is("ELSE") {
            self.stmt_start = self.stack.last() == Some(&Kind::Statements);
        } else if is("DO") || (prev == Prev::Each && is("ROW")) {
            self.stmt_start = true;
        } else if is("EACH") {
            self.prev = Prev::Each;
        } else {
            self.label = at_start;
        }
    }
}
