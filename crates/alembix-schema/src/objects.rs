//! Declared schema objects: views, materialized views, functions,
//! procedures, triggers, sequences and extensions, kept beside the tables
//! in [`Schema::objects`](crate::Schema::objects).
//!
//! An object is compared by its kind and name, and by its definition as
//! the database spells it (autogen creates the models' objects in a
//! scratch place and reads them back, as it does for defaults and checks).

use serde::{Deserialize, Serialize};

use crate::dialect::Dialect;

/// The kind of a declared object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Extension,
    Sequence,
    Function,
    Procedure,
    View,
    MaterializedView,
    Trigger,
}

impl ObjectKind {
    /// Every kind, in the order objects are created.
    pub const ALL: [ObjectKind; 7] = [
        ObjectKind::Extension,
        ObjectKind::Sequence,
        ObjectKind::Function,
        ObjectKind::Procedure,
        ObjectKind::View,
        ObjectKind::MaterializedView,
        ObjectKind::Trigger,
    ];

    /// The kind's name in op names and messages (`view`, `materialized_view`).
    ///
    /// ```
    /// use alembix_schema::ObjectKind;
    /// assert_eq!(ObjectKind::MaterializedView.as_str(), "materialized_view");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Extension => "extension",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized_view",
            ObjectKind::Trigger => "trigger",
        }
    }

    /// The SQL keywords of the kind (`VIEW`, `MATERIALIZED VIEW`).
    pub fn sql_keyword(self) -> &'static str {
        match self {
            ObjectKind::Extension => "EXTENSION",
            ObjectKind::Sequence => "SEQUENCE",
            ObjectKind::Function => "FUNCTION",
            ObjectKind::Procedure => "PROCEDURE",
            ObjectKind::View => "VIEW",
            ObjectKind::MaterializedView => "MATERIALIZED VIEW",
            ObjectKind::Trigger => "TRIGGER",
        }
    }

    /// Whether the definition is a whole `CREATE ...` statement written by
    /// the user (functions, procedures, triggers), rather than the query of
    /// a view or the options of a sequence.
    pub fn is_statement(self) -> bool {
        matches!(
            self,
            ObjectKind::Function | ObjectKind::Procedure | ObjectKind::Trigger
        )
    }

    /// Whether the kind is a view of either sort.
    pub fn is_view(self) -> bool {
        matches!(self, ObjectKind::View | ObjectKind::MaterializedView)
    }
}

impl std::fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// A declared schema object.
///
/// `definition` is, per kind: the `SELECT` of a view or materialized view;
/// the whole `CREATE FUNCTION` / `CREATE PROCEDURE` / `CREATE TRIGGER`
/// statement of a function, procedure or trigger; the options of a
/// sequence (`START WITH 1000 INCREMENT BY 1`); nothing for an extension.
///
/// ```
/// use alembix_schema::{ObjectKind, Schema, SqlObject};
/// let mut schema = Schema::default();
/// schema.objects.push(SqlObject::new(ObjectKind::View, "active_users", "SELECT id FROM users"));
/// assert_eq!(schema.object(ObjectKind::View, "active_users").unwrap().definition, "SELECT id FROM users");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlObject {
    pub kind: ObjectKind,
    pub name: String,
    /// The table a trigger belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub definition: String,
    /// Former names (views, materialized views, functions), so a rename is
    /// detected as a rename and not as drop + create.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
    /// The only backend the object is declared for; `None`: every backend
    /// that has objects of its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<Dialect>,
}

impl SqlObject {
    /// An object with no table, former names or backend filter.
    pub fn new(kind: ObjectKind, name: impl Into<String>, definition: impl Into<String>) -> Self {
        SqlObject {
            kind,
            name: name.into(),
            table: None,
            definition: definition.into(),
            renamed_from: Vec::new(),
            backend: None,
        }
    }

    /// Sets the table (builder style; triggers).
    pub fn on(mut self, table: impl Into<String>) -> Self {
        self.table = Some(table.into());
        self
    }

    /// Whether the object's definition names `name` as a whole word
    /// (case-insensitive, quoted or not): how autogen finds the tables and
    /// views an object reads.
    ///
    /// ```
    /// use alembix_schema::{ObjectKind, SqlObject};
    /// let v = SqlObject::new(ObjectKind::View, "v", "SELECT id FROM \"users\" u");
    /// assert!(v.mentions("users"));
    /// assert!(!v.mentions("user"));
    /// ```
    pub fn mentions(&self, name: &str) -> bool {
        if self.table.as_deref() == Some(name) {
            return true;
        }
        let text = self.definition.to_lowercase();
        let needle = name.to_lowercase();
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
        let mut from = 0;
        while let Some(at) = text[from..].find(&needle) {
            let start = from + at;
            let end = start + needle.len();
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if !before.is_some_and(word) && !after.is_some_and(word) {
                return true;
            }
            from = start + needle.len().max(1);
        }
        false
    }
}
