//! The `alembix` command as a library: argument parsing, configuration and
//! output. The work is done by `alembix-migrate`.
//!
//! Exit codes: 0 success, 1 `check` found differences, 2 any error (printed
//! on stderr after `error:`).

pub mod config;
mod output;

use std::path::{Path, PathBuf};

use alembix_migrate::graph::NewRevision;
use alembix_migrate::{
    Database, Direction, Error as EngineError, Event, Migrator, Revision, RevisionGraph, Settings,
    offline,
};
use alembix_schema::Dialect;
use clap::{Parser, Subcommand, ValueEnum};

use config::Config;
use output::Out;

/// An error the CLI reports (exit code 2).
#[derive(Debug)]
pub struct CliError(String);

impl CliError {
    pub(crate) fn msg(m: impl Into<String>) -> CliError {
        CliError(m.into())
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<EngineError> for CliError {
    fn from(e: EngineError) -> Self {
        CliError(e.to_string())
    }
}

type Res<T> = Result<T, CliError>;

#[derive(Debug, Parser)]
#[command(
    name = "alembix",
    version,
    about = "Migrations for PostgreSQL, MySQL/MariaDB and SQLite: a revision graph applied with upgrade/downgrade"
)]
struct Cli {
    /// The config file (default: alembix.toml in this directory or an ancestor).
    #[arg(short = 'c', long = "config", global = true)]
    config: Option<PathBuf>,
    /// The database URL (default: database_url in alembix.toml, then DATABASE_URL).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// Output formats of the inspecting commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write alembix.toml and the script directory (default `migrations`).
    Init { dir: Option<PathBuf> },
    /// Compare the models with the database and write a revision (the database must be at head).
    Autogen {
        #[arg(short, long)]
        message: String,
    },
    /// Print the changes between the models and the database; write nothing.
    Diff {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write an empty revision to fill by hand.
    Revision {
        #[arg(short, long)]
        message: String,
        /// The parent revision (default: the head); `base` starts a new base.
        #[arg(long)]
        head: Option<String>,
        #[arg(long = "branch-label")]
        branch_label: Vec<String>,
        #[arg(long = "depends-on")]
        depends_on: Vec<String>,
        /// Allow --head to name a revision that is not a head.
        #[arg(long)]
        splice: bool,
        #[arg(long = "rev-id")]
        rev_id: Option<String>,
    },
    /// Apply revisions up to TARGET (default head).
    Upgrade {
        #[arg(allow_hyphen_values = true)]
        target: Option<String>,
        /// Print the SQL instead of running it (FROM:TO ranges).
        #[arg(long)]
        sql: bool,
    },
    /// Revert revisions down to TARGET.
    Downgrade {
        #[arg(allow_hyphen_values = true)]
        target: String,
        #[arg(long)]
        sql: bool,
    },
    /// The revisions the database is at.
    Current {
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The head revisions.
    Heads {
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The branch points.
    Branches {
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The revisions, newest first.
    History {
        /// A range FROM:TO, :TO or FROM: (targets or `current`).
        #[arg(short = 'r', long = "rev-range")]
        rev_range: Option<String>,
        #[arg(short, long)]
        verbose: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One revision.
    Show {
        #[arg(allow_hyphen_values = true)]
        rev: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// A merge revision joining heads (`heads` or two or more revisions).
    Merge {
        #[arg(short, long)]
        message: String,
        #[arg(required = true)]
        revs: Vec<String>,
    },
    /// Set the version table without running SQL.
    Stamp {
        #[arg(required = true)]
        targets: Vec<String>,
        /// Replace every row, even ones no file defines.
        #[arg(long)]
        purge: bool,
        #[arg(long)]
        sql: bool,
    },
    /// Replace the linear run START..END by one revision (keeps END's id).
    Squash {
        start: String,
        end: String,
        #[arg(short, long)]
        message: String,
    },
    /// Exit 0 when scripts and database agree, 1 listing what differs.
    Check,
}

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 2;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            let out = Out::new();
            out.error(&e.0);
            2
        }
    }
}

async fn run(cli: Cli) -> Res<i32> {
    if let Command::Init { dir } = &cli.command {
        return init(cli.config.as_deref(), dir.as_deref());
    }
    let cfg = Config::load(cli.config.as_deref(), cli.database_url.clone())?;
    let out = Out::new();
    let settings = Settings {
        version_table: cfg.version_table.clone(),
        log_table: cfg.log_table.clone(),
        lock_timeout: cfg.lock_timeout,
    };
    let graph = RevisionGraph::load(&cfg.migrations)?;
    let m = Migrator::new(graph, settings);
    match cli.command {
        Command::Init { .. } => unreachable!("handled above"),
        Command::Revision {
            message,
            head,
            branch_label,
            depends_on,
            splice,
            rev_id,
        } => {
            let rev = m.graph.new_revision(NewRevision {
                message,
                head,
                splice,
                branch_labels: branch_label,
                depends_on,
                rev_id,
                created: None,
            })?;
            let path = write_revision(&cfg.migrations, &rev)?;
            out.line(&format!("Generating {} ... done", path.display()));
            Ok(0)
        }
        Command::Upgrade { target, sql } => {
            let target = target.unwrap_or_else(|| "head".into());
            if sql {
                let steps = offline::plan_range(&m.graph, Direction::Up, &target)?;
                print!(
                    "{}",
                    offline::script(&m.graph, &m.settings, dialect_of(&cfg)?, &steps)?
                );
                return Ok(0);
            }
            migrate(&m, &cfg, &out, Direction::Up, &target).await
        }
        Command::Downgrade { target, sql } => {
            if sql {
                let steps = offline::plan_range(&m.graph, Direction::Down, &target)?;
                print!(
                    "{}",
                    offline::script(&m.graph, &m.settings, dialect_of(&cfg)?, &steps)?
                );
                return Ok(0);
            }
            migrate(&m, &cfg, &out, Direction::Down, &target).await
        }
        Command::Current { verbose, format } => {
            let db = connect(&cfg).await?;
            let rows = m.current(&db).await?;
            let drift = if verbose {
                m.drift(&db).await?
            } else {
                Vec::new()
            };
            let log = if verbose {
                m.log(&db).await?
            } else {
                Vec::new()
            };
            match format {
                Format::Json => {
                    let revs: Vec<&Revision> =
                        rows.iter().filter_map(|id| m.graph.get(id)).collect();
                    out.json(&output::revisions_json(&m.graph, &revs, &rows, None));
                }
                Format::Text => {
                    if rows.is_empty() {
                        out.line("(base: no revision applied)");
                    }
                    for id in &rows {
                        let r = m.graph.get(id).expect("checked by current()");
                        if verbose {
                            out.block(&output::verbose_block(&m.graph, r, &rows, &log));
                        } else {
                            out.line(&output::short_line(&m.graph, r, &rows));
                        }
                    }
                    for d in &drift {
                        out.warn(&format!(
                            "drift: revision {} ({}) changed after it was applied (applied checksum {}, file now {})",
                            d.revision,
                            d.path.display(),
                            &d.applied_checksum[..12.min(d.applied_checksum.len())],
                            &d.file_checksum[..12.min(d.file_checksum.len())]
                        ));
                    }
                }
            }
            Ok(0)
        }
        Command::Heads { verbose, format } => {
            let rows = optional_current(&m, &cfg).await?;
            let heads = m.graph.heads();
            list(&out, &m, &heads, &rows, verbose, format, &[]);
            Ok(0)
        }
        Command::Branches { verbose, format } => {
            let rows = optional_current(&m, &cfg).await?;
            let points: Vec<&Revision> = m
                .graph
                .revisions()
                .into_iter()
                .filter(|r| m.graph.is_branch_point(&r.id))
                .collect();
            if format == Format::Text && !verbose {
                for r in &points {
                    out.line(&output::short_line(&m.graph, r, &rows));
                    for c in m.graph.children(&r.id) {
                        let child = m.graph.get(c).expect("children exist");
                        out.line(&format!(
                            "  -> {}",
                            output::short_line(&m.graph, child, &rows)
                        ));
                    }
                }
                return Ok(0);
            }
            list(&out, &m, &points, &rows, verbose, format, &[]);
            Ok(0)
        }
        Command::History {
            rev_range,
            verbose,
            format,
        } => {
            let (rows, log) = match cfg.database_url.as_deref() {
                Some(_) => {
                    let db = connect(&cfg).await?;
                    (m.current(&db).await?, m.log(&db).await?)
                }
                None => (Vec::new(), Vec::new()),
            };
            let revs = m.graph.range(rev_range.as_deref().unwrap_or(""), &rows)?;
            list(&out, &m, &revs, &rows, verbose, format, &log);
            Ok(0)
        }
        Command::Show { rev, format } => {
            let rows = optional_current(&m, &cfg).await?;
            let ids = m.graph.resolve(&rev, &rows)?;
            let log = match cfg.database_url.as_deref() {
                Some(_) => m.log(&connect(&cfg).await?).await?,
                None => Vec::new(),
            };
            for id in ids {
                let r = m.graph.get(&id).expect("resolved ids exist");
                match format {
                    Format::Json => {
                        out.json(&output::revision_json(&m.graph, r, &rows, Some(&log)))
                    }
                    Format::Text => out.block(&output::verbose_block(&m.graph, r, &rows, &log)),
                }
            }
            Ok(0)
        }
        Command::Merge { message, revs } => {
            let rev = m.graph.merge_revision(&revs, &message)?;
            let path = write_revision(&cfg.migrations, &rev)?;
            out.line(&format!(
                "Generating {} ... done (merges {})",
                path.display(),
                rev.down_revisions.join(", ")
            ));
            Ok(0)
        }
        Command::Stamp {
            targets,
            purge,
            sql,
        } => {
            if sql {
                let (from, targets) = match targets.as_slice() {
                    [one] if one.contains(':') => {
                        let (f, t) = one.split_once(':').expect("checked");
                        (m.graph.resolve(f, &[])?, vec![t.to_string()])
                    }
                    _ => (Vec::new(), targets.clone()),
                };
                let change = m.graph.plan_stamp(&from, &targets, purge)?;
                print!(
                    "{}",
                    offline::stamp_script(&m.graph, &m.settings, dialect_of(&cfg)?, &change)
                );
                return Ok(0);
            }
            let db = connect(&cfg).await?;
            let change = m.stamp(&db, &targets, purge).await?;
            if change.is_empty() {
                out.line("Nothing to stamp: the version table already says so");
            }
            for d in &change.delete {
                out.line(&format!("Removed {d} from {}", cfg.version_table));
            }
            for i in &change.insert {
                out.line(&format!("Stamped {i}"));
            }
            Ok(0)
        }
        Command::Squash {
            start,
            end,
            message,
        } => {
            let sq = m.graph.squash(&start, &end, &message)?;
            let path = write_revision(&cfg.migrations, &sq.revision)?;
            for old in &sq.remove {
                if old != &path {
                    std::fs::remove_file(old).map_err(|e| {
                        CliError::msg(format!("cannot remove {}: {e}", old.display()))
                    })?;
                }
            }
            out.line(&format!(
                "Squashed {} revisions into {} ({}); it replaces {}",
                sq.remove.len(),
                sq.revision.id,
                path.display(),
                sq.revision.replaces.join(", ")
            ));
            out.line("Databases at the end of the run or later are untouched; a database in the middle of it must be brought to the end first.");
            Ok(0)
        }
        Command::Check => check(&m, &cfg, &out).await,
        Command::Autogen { message } => autogen(&m, &cfg, &out, message).await,
        Command::Diff { format } => {
            let db = connect(&cfg).await?;
            let d = compare(&cfg, &db).await?;
            match format {
                Format::Json => out.json(&alembix_autogen::diff::ops_json(&d.ops)),
                Format::Text => {
                    if d.ops.is_empty() {
                        out.line("No changes: the database matches the models");
                    }
                    for op in &d.ops {
                        out.line(&alembix_autogen::autogen::describe(op));
                    }
                    print_schema_diff(&out, &d, db.dialect());
                    for (_, w) in &d.warnings {
                        out.warn(w);
                    }
                    for n in &d.notes {
                        out.warn(n);
                    }
                }
            }
            Ok(0)
        }
    }
}

fn init(explicit: Option<&Path>, dir: Option<&Path>) -> Res<i32> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::msg(format!("cannot read the working directory: {e}")))?;
    let file = explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.join(config::FILE_NAME));
    if file.exists() {
        return Err(CliError::msg(format!(
            "{} already exists; edit it instead of running init again",
            file.display()
        )));
    }
    let root = file.parent().unwrap_or(&cwd).to_path_buf();
    let scripts = dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| "migrations".into());
    let scripts_str = scripts.to_string_lossy().replace('\\', "/");
    let text = format!(
        "# Alembix configuration. Paths are relative to this file.\n\
         # database_url = \"postgres://user@localhost/app\"   # default: the DATABASE_URL variable\n\
         migrations = \"{scripts_str}\"\n\
         # models = [\"src/**/*.rs\"]                     # Rust files autogen reads models from\n\
         # version_table = \"alembix_version\"\n\
         # log_table = \"alembix_log\"\n\
         # lock_timeout = 600                            # seconds to wait for another migration\n\
         # exclude_tables = []                           # globs of tables autogen leaves alone\n"
    );
    let scripts_abs = root.join(&scripts);
    std::fs::create_dir_all(&scripts_abs)
        .map_err(|e| CliError::msg(format!("cannot create {}: {e}", scripts_abs.display())))?;
    std::fs::write(&file, text)
        .map_err(|e| CliError::msg(format!("cannot write {}: {e}", file.display())))?;
    println!("Created {} and {}", file.display(), scripts_abs.display());
    Ok(0)
}

fn write_revision(dir: &Path, rev: &Revision) -> Res<PathBuf> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::msg(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(rev.file_name());
    std::fs::write(&path, rev.render())
        .map_err(|e| CliError::msg(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

fn dialect_of(cfg: &Config) -> Res<Dialect> {
    let url = cfg.database_url.as_deref().ok_or_else(|| {
        CliError::msg(
            "--sql needs to know the database kind: set database_url (e.g. --database-url postgres://) — no connection is made",
        )
    })?;
    match url.split(':').next().unwrap_or_default() {
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        "mysql" | "mariadb" => Ok(Dialect::MySql),
        "sqlite" => Ok(Dialect::Sqlite),
        other => Err(CliError::msg(format!(
            "unknown database kind `{other}` in the URL: use postgres://, mysql://, mariadb:// or sqlite://"
        ))),
    }
}

async fn connect(cfg: &Config) -> Res<Database> {
    Ok(Database::connect(cfg.url()?).await?)
}

/// The current rows when a database is configured (checked against the graph).
async fn optional_current(m: &Migrator, cfg: &Config) -> Res<Vec<String>> {
    match cfg.database_url.as_deref() {
        Some(_) => Ok(m.current(&connect(cfg).await?).await?),
        None => Ok(Vec::new()),
    }
}

fn list(
    out: &Out,
    m: &Migrator,
    revs: &[&Revision],
    rows: &[String],
    verbose: bool,
    format: Format,
    log: &[alembix_migrate::LogEntry],
) {
    match format {
        Format::Json => out.json(&output::revisions_json(&m.graph, revs, rows, Some(log))),
        Format::Text => {
            for r in revs {
                if verbose {
                    out.block(&output::verbose_block(&m.graph, r, rows, log));
                } else {
                    out.line(&output::history_line(&m.graph, r, rows));
                }
            }
        }
    }
}

async fn migrate(m: &Migrator, cfg: &Config, out: &Out, dir: Direction, target: &str) -> Res<i32> {
    let db = connect(cfg).await?;
    let mut progress = out.progress();
    let graph = &m.graph;
    let mut on_event = |e: &Event| match e {
        Event::Planned { steps } => progress.start(steps.len()),
        Event::StepStarted { step, message } => {
            let r = graph.get(&step.revision);
            let parents = r.map(|r| r.down_revisions.join(", ")).unwrap_or_default();
            let parents = if parents.is_empty() {
                "<base>".to_string()
            } else {
                parents
            };
            let line = match step.direction {
                Direction::Up => {
                    format!("Running upgrade {parents} -> {}, {message}", step.revision)
                }
                Direction::Down => format!(
                    "Running downgrade {} -> {parents}, {message}",
                    step.revision
                ),
            };
            progress.step(&line);
        }
        Event::StepFinished { .. } => progress.done_one(),
    };
    let result = match dir {
        Direction::Up => m.upgrade(&db, target, &mut on_event).await,
        Direction::Down => m.downgrade(&db, target, &mut on_event).await,
    };
    progress.finish();
    let steps = result?;
    if steps.is_empty() {
        let rows = m.current(&db).await?;
        let at = if rows.is_empty() {
            "base".to_string()
        } else {
            rows.join(", ")
        };
        out.line(&format!(
            "Nothing to do: the database is already at {target} (current: {at})"
        ));
    }
    db.close().await;
    Ok(0)
}

async fn check(m: &Migrator, cfg: &Config, out: &Out) -> Res<i32> {
    let mut problems = Vec::new();
    let heads = m.graph.heads();
    if heads.len() > 1 {
        problems.push(format!(
            "there are {} heads ({}); join them with `alembix merge heads -m \"...\"`",
            heads.len(),
            heads
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let db = connect(cfg).await?;
    let rows = m.current(&db).await?;
    let head_ids: Vec<String> = m.graph.sorted(heads.iter().map(|r| r.id.clone()));
    if rows != head_ids {
        problems.push(format!(
            "the database is at {} but the head is {}; run `alembix upgrade {}`",
            if rows.is_empty() {
                "base".to_string()
            } else {
                rows.join(", ")
            },
            if head_ids.is_empty() {
                "base".to_string()
            } else {
                head_ids.join(", ")
            },
            if head_ids.len() > 1 { "heads" } else { "head" }
        ));
    }
    for d in m.drift(&db).await? {
        problems.push(format!(
            "drift: revision {} ({}) was changed after it was applied",
            d.revision,
            d.path.display()
        ));
    }
    // A project that keeps no models (migrations only) checks the rest.
    let no_models = !cfg.models_configured
        && alembix_autogen::scan::model_files(&cfg.root, &cfg.models)
            .map(|f| f.is_empty())
            .unwrap_or(false);
    if no_models {
        out.line(&format!(
            "(no model files match {}: the schema is not compared)",
            cfg.models.join(", ")
        ));
    } else {
        let d = compare(cfg, &db).await?;
        for op in &d.ops {
            problems.push(format!(
                "models and database differ: {}",
                alembix_autogen::autogen::describe(op)
            ));
        }
    }
    if problems.is_empty() {
        out.line("OK: the database is at head, every applied revision is unchanged, and the models match the database");
        Ok(0)
    } else {
        for p in &problems {
            out.line(p);
        }
        Ok(1)
    }
}

/// Scans the models and compares them with the database.
async fn compare(cfg: &Config, db: &Database) -> Res<alembix_autogen::diff::Diff> {
    // No file at all is a configuration mistake (and would drop every
    // table); files without models mean "no tables".
    let files = alembix_autogen::scan::model_files(&cfg.root, &cfg.models)
        .map_err(|e| CliError::msg(e.to_string()))?;
    if files.is_empty() {
        return Err(CliError::msg(format!(
            "no file matches `models` ({}) under {}; set `models` in alembix.toml to the Rust files with your #[derive(Model)] structs",
            cfg.models.join(", "),
            cfg.root.display()
        )));
    }
    let models = alembix_autogen::scan::scan(&cfg.root, &cfg.models)
        .map_err(|e| CliError::msg(e.to_string()))?;
    let opts = alembix_autogen::diff::DiffOptions {
        exclude_tables: cfg.exclude_tables.clone(),
        schemas: cfg.schemas.clone(),
    };
    alembix_autogen::autogen::compare(db, &models, &cfg.version_table, &cfg.log_table, &opts)
        .await
        .map_err(|e| CliError::msg(e.to_string()))
}

/// Each changed table's DDL before and after, as a unified diff.
fn print_schema_diff(out: &Out, d: &alembix_autogen::diff::Diff, dialect: Dialect) {
    let mut after = d.current.clone();
    for op in &d.ops {
        alembix_autogen::rebuild::apply_op(&mut after, op);
    }
    let mut tables: Vec<String> = d
        .ops
        .iter()
        .filter_map(|o| o.table().map(str::to_string))
        .collect();
    tables.sort();
    tables.dedup();
    let ddl = |schema: &alembix_schema::Schema, name: &str| -> String {
        let Some(t) = schema.table(name) else {
            return String::new();
        };
        let mut text = String::new();
        let mut only = t.clone();
        let indexes = std::mem::take(&mut only.indexes);
        let mut ops = vec![alembix_schema::Op::CreateTable { table: only }];
        ops.extend(
            indexes
                .into_iter()
                .map(|index| alembix_schema::Op::CreateIndex {
                    table: t.name.clone(),
                    index,
                }),
        );
        for op in ops {
            if let Ok(stmts) = alembix_schema::render_op(&op, dialect) {
                for s in stmts {
                    text.push_str(&s);
                    text.push_str(";\n");
                }
            }
        }
        text
    };
    for name in tables {
        // A renamed table: its DDL before is under the old name.
        let from_name = d
            .ops
            .iter()
            .find_map(|o| match o {
                alembix_schema::Op::RenameTable { table, from } if *table == name => {
                    Some(from.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| name.clone());
        let before = ddl(&d.current, &from_name);
        let after_text = ddl(&after, &name);
        if before == after_text {
            continue;
        }
        out.line("");
        let diff = similar::TextDiff::from_lines(&before, &after_text);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{from_name} (database)"),
                &format!("{name} (models)"),
            )
            .to_string();
        out.diff(&text);
    }
}

async fn autogen(m: &Migrator, cfg: &Config, out: &Out, message: String) -> Res<i32> {
    let db = connect(cfg).await?;
    let rows = m.current(&db).await?;
    let heads = m.graph.heads();
    if heads.len() > 1 {
        return Err(EngineError::MultipleHeads {
            heads: m.graph.head_summaries(),
        }
        .into());
    }
    let head: Vec<String> = heads.iter().map(|r| r.id.clone()).collect();
    if rows != head {
        return Err(CliError::msg(format!(
            "the database is at {} but the head is {}; run `alembix upgrade head` first, so the revision starts from the head",
            if rows.is_empty() {
                "base".to_string()
            } else {
                rows.join(", ")
            },
            if head.is_empty() {
                "base".to_string()
            } else {
                head.join(", ")
            }
        )));
    }
    let d = compare(cfg, &db).await?;
    for n in &d.notes {
        out.warn(n);
    }
    if d.ops.is_empty() {
        out.line("No changes detected: the database matches the models; nothing written");
        return Ok(0);
    }
    let sections = alembix_autogen::autogen::render_sections(&d, db.dialect())
        .map_err(|e| CliError::msg(e.to_string()))?;
    let mut rev = m.graph.new_revision(NewRevision {
        message,
        ..NewRevision::default()
    })?;
    rev.upgrade = sections.upgrade;
    rev.downgrade = sections.downgrade;
    rev.transactional = sections.transactional;
    let path = write_revision(&cfg.migrations, &rev)?;
    for op in &d.ops {
        out.line(&format!("  {}", alembix_autogen::autogen::describe(op)));
    }
    for (_, w) in &d.warnings {
        out.warn(w);
    }
    out.line(&format!("Generating {} ... done", path.display()));
    Ok(0)
}
