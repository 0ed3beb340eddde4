//! The 50 models every generated crate declares: the same columns and the
//! same foreign keys, whatever the library.

/// How many models each crate declares.
pub const MODELS: usize = 50;
/// The model whose one field the incremental rebuild changes.
pub const EDITED: usize = 25;
/// The models the generated queries use (a child with its parent, and its
/// children for the eager load).
pub const QUERIED: [usize; 4] = [1, 10, 24, 49];

/// One model of the generated schema.
pub struct ModelSpec {
    pub index: usize,
    /// `parent_id` references this model (a tree: every model but the first).
    pub parent: Option<usize>,
    /// `owner_id` references the first model (every fifth model).
    pub owner: Option<usize>,
    /// Whether this is the edited variant (`amount` widened to 64 bits).
    pub edited: bool,
}

impl ModelSpec {
    pub fn table(&self) -> String {
        table(self.index)
    }
    pub fn type_name(&self) -> String {
        type_name(self.index)
    }
    /// `i32`, or `i64` in the edited variant of the edited model.
    pub fn amount_type(&self) -> &'static str {
        if self.edited { "i64" } else { "i32" }
    }
    /// The models whose `parent_id` references this one.
    pub fn children(&self) -> Vec<usize> {
        (1..MODELS).filter(|c| (c - 1) / 2 == self.index).collect()
    }
    /// The models whose `owner_id` references this one.
    pub fn owned(&self) -> Vec<usize> {
        if self.index == 0 {
            (1..MODELS).filter(|i| i % 5 == 0).collect()
        } else {
            Vec::new()
        }
    }
}

pub fn table(i: usize) -> String {
    format!("m{i:02}")
}

pub fn type_name(i: usize) -> String {
    format!("M{i:02}")
}

/// The schema; with `edited`, model `EDITED` has its one field changed.
pub fn models(edited: bool) -> Vec<ModelSpec> {
    (0..MODELS)
        .map(|i| ModelSpec {
            index: i,
            parent: (i > 0).then(|| (i - 1) / 2),
            owner: (i > 0 && i % 5 == 0).then_some(0),
            edited: edited && i == EDITED,
        })
        .collect()
}
