//! Compile-fail tests for the derive macros and the typed query API: every
//! `tests/ui/*.rs` must fail to compile with exactly the `.stderr` next to it.
//! The messages are part of the product; after changing one, regenerate with
//! `TRYBUILD=overwrite cargo test --test ui` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
