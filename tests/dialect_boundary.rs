//! Outside the dialect layer no code names a backend (docs/ARCHITECTURE.md,
//! "Where backend differences live"): no line of `crates/*/src/**/*.rs`
//! says `Dialect::Postgres|MySql|Sqlite` or `Backend::Postgres|MySql|Sqlite`,
//! except in files under a `dialect/` or `backend/` directory, in files
//! named `dialect.rs`, in doc comments (`///`, `//!`: examples import the
//! variants they show) and from a `#[cfg(test)]` line to the end of a file
//! (test modules). What a backend does differently is asked of its
//! `Capabilities` or `BackendSql` instead. Needs no database.

use std::path::{Path, PathBuf};

/// The repository root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The backends' variant names, as the enums spell them.
const VARIANTS: [&str; 3] = ["Postgres", "MySql", "Sqlite"];

/// The enums whose variants name a backend (`alembix::Backend` is
/// `alembix_schema::Dialect` re-exported).
const ENUMS: [&str; 2] = ["Dialect::", "Backend::"];

/// Every `.rs` file under `dir`, recursively, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source files the rule covers: `crates/*/src/**/*.rs`.
fn sources() -> Vec<PathBuf> {
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .expect("read crates/")
        .map(|e| e.expect("crates/ entry").path())
        .filter(|p| p.join("src").is_dir())
        .collect();
    crates.sort();
    let mut files = Vec::new();
    for krate in crates {
        rust_files(&krate.join("src"), &mut files);
    }
    files
}

/// Whether a file belongs to the dialect layer (or is lint's `dialect.rs`):
/// under a `dialect/` or `backend/` directory, or named `dialect.rs`.
fn in_dialect_layer(path: &Path) -> bool {
    let rel = path.strip_prefix(root()).unwrap_or(path);
    let dirs = rel.parent().into_iter().flat_map(|p| p.components());
    let mut dirs = dirs.map(|c| c.as_os_str().to_string_lossy().into_owned());
    dirs.any(|d| d == "dialect" || d == "backend")
        || rel.file_name().is_some_and(|n| n == "dialect.rs")
}

/// Whether `line` names a backend: `Dialect::` or `Backend::` followed by
/// one of the backends' variants (what the grep's regular expression
/// `(Dialect|Backend)::(Postgres|MySql|Sqlite)` finds).
fn names_backend(line: &str) -> bool {
    ENUMS.iter().any(|prefix| {
        line.match_indices(prefix).any(|(at, _)| {
            let rest = &line[at + prefix.len()..];
            VARIANTS.iter().any(|v| rest.starts_with(v))
        })
    })
}

/// The lines of one file's text that break the rule, as `(number, text)`:
/// doc comments skipped, and everything from a `#[cfg(test)]` line on.
fn violations_in(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("///") || trimmed.starts_with("//!") {
            continue;
        }
        if names_backend(line) {
            out.push((i + 1, line.trim()));
        }
    }
    out
}

#[test]
fn the_matcher_finds_what_the_grep_finds() {
    assert!(names_backend("if d == Dialect::Postgres {"));
    assert!(names_backend("crate::Backend::MySql => x,"));
    assert!(names_backend("alembix_schema::Dialect::Sqlite)"));
    assert!(!names_backend("Dialect::ALL.iter()"));
    assert!(!names_backend("Backend::from_url(url)"));
    assert!(!names_backend("let d = Dialect::from_name(\"postgres\");"));
    let text = "/// Dialect::Postgres\n//! Backend::MySql\nlet a = Dialect::MySql;\n\
                #[cfg(test)]\nmod tests { Dialect::Sqlite }\n";
    assert_eq!(violations_in(text), vec![(3, "let a = Dialect::MySql;")]);
    let p = |s: &str| root().join(s);
    assert!(in_dialect_layer(&p(
        "crates/alembix-schema/src/dialect/caps.rs"
    )));
    assert!(in_dialect_layer(&p(
        "crates/alembix-driver/src/backend/sqlite/lock_file.rs"
    )));
    assert!(in_dialect_layer(&p(
        "crates/alembix-migrate/src/lint/dialect.rs"
    )));
    assert!(!in_dialect_layer(&p("crates/alembix-driver/src/lease.rs")));
    assert!(!in_dialect_layer(&p("crates/alembix/src/types.rs")));
}

#[test]
fn no_code_outside_the_dialect_layer_names_a_backend() {
    let files = sources();
    assert!(
        files.len() > 50,
        "found only {} source files under crates/*/src",
        files.len()
    );
    let mut found = Vec::new();
    for path in files.iter().filter(|p| !in_dialect_layer(p)) {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let rel = path
            .strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string();
        for (n, line) in violations_in(&text) {
            found.push(format!("{rel}:{n}: {line}"));
        }
    }
    assert!(
        found.is_empty(),
        "code outside the dialect layer names a backend; ask the backend's \
         Capabilities (alembix-schema dialect/) or BackendSql (alembix-driver \
         backend/) instead:\n{}",
        found.join("\n")
    );
}
