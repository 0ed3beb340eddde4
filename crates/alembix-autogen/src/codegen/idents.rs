//! Rust names for database names: `CamelCase` types and `snake_case`
//! fields, ASCII only, raw (`r#type`) where a keyword needs it, and unique
//! within their scope.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Words `r#` cannot escape: they get a trailing `_` instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Rust keywords (strict and reserved, all editions).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// The ASCII letters, digits and `_` of `name`; every other character is
/// a word break.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The `snake_case` form of a database name (`"Order Date"` -> `order_date`);
/// `fallback` when nothing usable is left.
pub fn snake(name: &str, fallback: &str) -> String {
    let s = ascii_words(name).to_snake_case();
    finish(s, fallback, "_")
}

/// The `CamelCase` form of a database name (`"order_items"` -> `OrderItems`).
pub fn camel(name: &str, fallback: &str) -> String {
    let s = ascii_words(name).to_upper_camel_case();
    finish(s, fallback, "")
}

fn finish(s: String, fallback: &str, glue: &str) -> String {
    if s.is_empty() {
        fallback.to_string()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{fallback}{glue}{s}")
    } else {
        s
    }
}

/// An identifier for `word`: raw where it is a keyword, with a trailing `_`
/// where even a raw identifier is refused.
pub fn ident(word: &str) -> Ident {
    if NOT_RAW.contains(&word) {
        Ident::new(&format!("{word}_"), Span::call_site())
    } else if KEYWORDS.contains(&word) {
        Ident::new_raw(word, Span::call_site())
    } else {
        Ident::new(word, Span::call_site())
    }
}

/// The name an identifier has without its `r#` (what the derive reads).
pub fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

/// Hands out names unique within one scope (`name`, `name_2`, ...).
#[derive(Default)]
pub struct Taken(HashSet<String>);

impl Taken {
    /// Marks `name` as used (a name generated code already has).
    pub fn reserve(&mut self, name: &str) {
        self.0.insert(name.to_string());
    }

    /// `base`, or `base_N` with the first free N.
    pub fn unique(&mut self, base: &str) -> String {
        let mut name = base.to_string();
        let mut n = 2;
        while self.0.contains(&name) || NOT_RAW.contains(&name.as_str()) {
            name = if base.ends_with(|c: char| c.is_ascii_digit()) {
                format!("{base}_{n}")
            } else {
                format!("{base}{}{n}", if is_camel(base) { "" } else { "_" })
            };
            n += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

fn is_camel(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_rust_names() {
        assert_eq!(snake("Order Date", "column"), "order_date");
        assert_eq!(snake("café", "column"), "caf");
        assert_eq!(snake("été", "column"), "t");
        assert_eq!(snake("123", "column"), "column_123");
        assert_eq!(snake("\"", "column"), "column");
        assert_eq!(camel("order_items", "Table"), "OrderItems");
        assert_eq!(camel("2024 sales", "Table"), "Table2024Sales");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(unraw(&ident("type")), "type");
    }

    #[test]
    fn taken_names_get_a_suffix() {
        let mut t = Taken::default();
        assert_eq!(t.unique("a"), "a");
        assert_eq!(t.unique("a"), "a_2");
        assert_eq!(t.unique("User"), "User");
        assert_eq!(t.unique("User"), "User2");
        assert_eq!(t.unique("v1"), "v1");
        assert_eq!(t.unique("v1"), "v1_2");
    }
}
