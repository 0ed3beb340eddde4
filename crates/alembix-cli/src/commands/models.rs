//! `alembix models generate`: `#[derive(Model)]` source for the live
//! database, read by the same introspection autogen compares with, so that
//! `alembix diff` with the output as the models is empty.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use alembix_autogen::codegen::{CodegenOptions, Generated, TableFilter, generate, select_tables};
use alembix_autogen::introspect::{IntrospectOptions, introspect};

use crate::config::Config;
use crate::connect::connect;
use crate::error::{CliError, IoAction, Res};
use crate::output::Out;

/// The command's options.
pub(crate) struct Options {
    pub output: Option<PathBuf>,
    pub tables: Vec<String>,
    pub exclude: Vec<String>,
    pub with_relations: bool,
}

/// Where the source goes.
enum Target {
    Stdout,
    File(PathBuf),
    Dir(PathBuf),
}

fn usage(message: String) -> CliError {
    CliError::from(alembix_autogen::Error::Usage(message))
}

/// A path ending in `.rs` is one file; anything else a module directory.
fn target(output: Option<&Path>) -> Res<Target> {
    let Some(path) = output else {
        return Ok(Target::Stdout);
    };
    if path.extension().is_some_and(|e| e == "rs") && !path.is_dir() {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(usage(format!(
                "cannot write {}: the directory {} does not exist; create it or choose another -o",
                path.display(),
                parent.display()
            )));
        }
        Ok(Target::File(path.to_path_buf()))
    } else if path.exists() && !path.is_dir() {
        Err(usage(format!(
            "cannot write to {}: it is a file without the `.rs` extension; give a `.rs` file or a directory to -o",
            path.display()
        )))
    } else {
        Ok(Target::Dir(path.to_path_buf()))
    }
}

/// Reads the database and writes the models.
pub(crate) async fn run(cfg: &Config, out: &Out, opts: &Options) -> Res<i32> {
    // Everything the arguments can get wrong is found before connecting.
    let mut exclude = opts.exclude.clone();
    exclude.extend(cfg.exclude_tables.iter().cloned());
    let filter = TableFilter::new(&opts.tables, &exclude).map_err(|e| usage(e.to_string()))?;
    let target = target(opts.output.as_deref())?;
    let db = connect(cfg).await?;
    let iopts = IntrospectOptions {
        schemas: cfg.schemas.clone(),
        exclude_tables: vec![cfg.version_table.clone(), cfg.log_table.clone()],
    };
    let schema = introspect(&db, &iopts).await?;
    let dialect = db.dialect();
    db.close().await;
    let schema = select_tables(&schema, &filter).map_err(|e| usage(e.to_string()))?;
    let copts = CodegenOptions {
        dialect,
        with_relations: opts.with_relations,
    };
    let generated = generate(&schema, &copts).map_err(|e| usage(e.to_string()))?;
    for w in &generated.warnings {
        out.warn(w);
    }
    write(&target, &generated)?;
    Ok(0)
}

/// Writes the source; written files are then given to `rustfmt` when it
/// is installed (the source is already formatted by `prettyplease`, which
/// lays out long attributes differently).
fn write(target: &Target, generated: &Generated) -> Res<()> {
    match target {
        Target::Stdout => {
            print!("{}", rustfmt_text(generated.single_file()));
            Ok(())
        }
        Target::File(path) => {
            std::fs::write(path, generated.single_file())
                .map_err(CliError::io(IoAction::Write, path))?;
            rustfmt_files(std::slice::from_ref(path));
            Ok(())
        }
        Target::Dir(dir) => {
            std::fs::create_dir_all(dir).map_err(CliError::io(IoAction::Create, dir))?;
            let mut paths = Vec::new();
            for f in generated.directory() {
                let path = dir.join(&f.path);
                std::fs::write(&path, &f.source).map_err(CliError::io(IoAction::Write, &path))?;
                paths.push(path);
            }
            rustfmt_files(&paths);
            Ok(())
        }
    }
}

fn rustfmt() -> Command {
    let mut c = Command::new(std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into()));
    c.args(["--edition", "2024"]);
    c
}

/// Formats files in place with `rustfmt`; without it they stay as written.
fn rustfmt_files(paths: &[PathBuf]) {
    let _ = rustfmt()
        .args(paths)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// `source` through `rustfmt`, or unchanged when it is not installed.
fn rustfmt_text(source: String) -> String {
    let child = rustfmt()
        .args(["--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return source;
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(source.as_bytes());
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() => String::from_utf8(out.stdout).unwrap_or(source),
        _ => source,
    }
}
