//! Compiling generated models: a scratch library crate per case that
//! depends on the workspace's `alembix` by path, built with
//! `#![deny(warnings)]` into one target directory shared by every case (so
//! the dependencies are built once per machine, not per case).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The target directory the scratch crates share, next to the test's own.
fn shared_target() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("generated-models")
}

/// Builds `models` (a generated `.rs` file or module directory) as module
/// `models` of a library crate named `case`; panics with the compiler's
/// output when it does not compile cleanly.
pub fn assert_compiles(case: &str, models: &Path) {
    assert_compiles_modules(case, &[("models", models)]);
}

/// Builds each `(name, path)` of `modules` (a generated `.rs` file or
/// module directory) as module `name` of one library crate named `case`,
/// with one `cargo build` for all of them; panics with the names of the
/// modules the compiler complains about and its output when they do not
/// compile cleanly.
pub fn assert_compiles_modules(case: &str, modules: &[(&str, &Path)]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = shared_target().join("crates").join(case);
    let src = dir.join("src");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&src).unwrap();
    let alembix = root.join("crates/alembix");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{case}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nalembix = {{ path = {alembix:?} }}\nchrono = \"0.4\"\nuuid = \"1\"\n\
             rust_decimal = \"1\"\nserde_json = \"1\"\n\n[workspace]\n"
        ),
    )
    .unwrap();
    // The workspace's lock file pins the same versions (and needs no network).
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let mut lib = String::from("#![deny(warnings)]\n");
    for (name, models) in modules {
        if models.is_dir() {
            copy_dir(models, &src.join(name));
        } else {
            std::fs::copy(models, src.join(format!("{name}.rs"))).unwrap();
        }
        lib.push_str(&format!("pub mod {name};\n"));
    }
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--offline"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", shared_target().join("target"))
        // A compile check needs no debug information; without it the shared
        // target directory is a fraction of the size.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo build");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failing: Vec<&str> = modules
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| {
            stderr.contains(&format!("src/{name}.rs:")) || stderr.contains(&format!("src/{name}/"))
        })
        .collect();
    assert!(
        out.status.success(),
        "{case}: the generated models do not compile cleanly (modules: {failing:?}):\n{stderr}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}
