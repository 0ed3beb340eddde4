//! One module per command (upgrade and downgrade share one), and what
//! several commands need: the loaded project, writing a revision file,
//! listing revisions, comparing the models with the database.

pub(crate) mod autogen;
pub(crate) mod baseline;
pub(crate) mod branches;
pub(crate) mod check;
pub(crate) mod current;
pub(crate) mod database;
pub(crate) mod diff;
pub(crate) mod edit;
pub(crate) mod ensure;
pub(crate) mod erd;
pub(crate) mod graph;
pub(crate) mod heads;
pub(crate) mod history;
pub(crate) mod init;
pub(crate) mod lint;
pub(crate) mod lock;
pub(crate) mod merge;
pub(crate) mod migrate;
pub(crate) mod models;
pub(crate) mod revision;
pub(crate) mod show;
pub(crate) mod squash;
pub(crate) mod stamp;

use std::path::{Path, PathBuf};

use alembix_migrate::{
    Database, Error as EngineError, LogEntry, Migrator, Revision, RevisionGraph, Settings,
};

use crate::args::Format;
use crate::config::Config;
use crate::error::{CliError, IoAction, Res};
use crate::output::{self, Out};

/// What every command but `init` works with: the configuration, the
/// engine over the script directory, and the output.
pub(crate) struct Project {
    pub cfg: Config,
    pub m: Migrator,
    pub out: Out,
}

impl Project {
    /// Says on stderr which database the command uses and where its URL
    /// came from (`-v`), the password redacted.
    pub(crate) fn say_url(&self) {
        if let Some(url) = &self.cfg.database_url {
            eprintln!(
                "database: {} (from {})",
                alembix_migrate::db::redact(url),
                self.cfg.url_source.describe()
            );
        }
    }

    /// Loads the configuration and the revision files.
    /// `command` is what the run shows waiting processes while it holds
    /// the migration lock.
    pub fn load(
        config: Option<&Path>,
        database_url: Option<String>,
        command: String,
    ) -> Res<Project> {
        let cfg = Config::load(config, database_url)?;
        let out = Out::new();
        let settings = Settings {
            version_table: cfg.version_table.clone(),
            log_table: cfg.log_table.clone(),
            lock_wait: cfg.lock_wait,
            lock_timeout: cfg.lock_timeout,
            statement_timeout: cfg.statement_timeout,
            lock_retries: cfg.lock_retries,
            command,
            lock_kind: cfg.lock,
            lock_lease: cfg.lock_lease,
        };
        let (graph, ignored) = RevisionGraph::load_dirs(&cfg.locations())?;
        // Never skipped in silence: a file the user meant as a revision
        // shows up here.
        for entry in &ignored {
            out.warn(&entry.to_string());
        }
        Ok(Project {
            m: Migrator::new(graph, settings),
            cfg,
            out,
        })
    }

    /// Prints revisions as JSON, verbose blocks or history lines.
    pub fn list(
        &self,
        revs: &[&Revision],
        rows: &[String],
        verbose: bool,
        format: Format,
        log: &[LogEntry],
    ) {
        let (out, g) = (&self.out, &self.m.graph);
        match format {
            Format::Json => out.json(&output::revisions_json(g, revs, rows, Some(log))),
            Format::Text => {
                for r in revs {
                    if verbose {
                        out.block(&output::verbose_block(g, r, rows, log));
                    } else {
                        out.line(&output::history_line(g, r, rows));
                    }
                }
            }
        }
    }
}

/// Writes a revision into the script directory; returns its path.
pub(crate) fn write_revision(dir: &Path, rev: &Revision) -> Res<PathBuf> {
    std::fs::create_dir_all(dir).map_err(CliError::io(IoAction::Create, dir))?;
    let path = dir.join(rev.file_name());
    match alembix_migrate::script_dir::write_atomic(&path, &rev.render()) {
        Ok(()) => Ok(path),
        Err(EngineError::Io { path, source }) => Err(CliError::Io {
            action: IoAction::Write,
            path,
            source,
        }),
        Err(e) => Err(e.into()),
    }
}

/// Runs the `[hooks] post_write` commands on a revision file just written,
/// in order, each with `sh -c` and `{path}` replaced by the quoted path
/// (appended when the command has no `{path}`). A failing hook is reported
/// as a warning; the file is kept.
pub(crate) fn post_write(p: &Project, path: &Path) {
    let quoted = format!("'{}'", path.display().to_string().replace('\'', "'\\''"));
    for hook in &p.cfg.post_write {
        let cmd = if hook.contains("{path}") {
            hook.replace("{path}", &quoted)
        } else {
            format!("{hook} {quoted}")
        };
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(&cmd)
            .current_dir(&p.cfg.root)
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => p.out.warn(&format!(
                "post_write hook `{hook}` failed ({s}) on {}; the file is kept as written",
                path.display()
            )),
            Err(e) => p.out.warn(&format!(
                "post_write hook `{hook}` could not start ({e}); the file is kept as written"
            )),
        }
    }
}

/// What [`compare`] refuses besides foreign keys that name an unknown
/// table or column or a column of another type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Refuse {
    /// Model files without models while the database holds tables (the
    /// ops would drop every table); `--allow-empty` turns it off.
    pub empty: bool,
    /// A column made NOT NULL in an existing table with neither `default`
    /// nor `backfill`.
    pub unfilled: bool,
}

/// Scans the models and compares them with the database, refusing what
/// `refuse` says (see [`alembix_autogen::guards`]).
pub(crate) async fn compare(
    cfg: &Config,
    db: &Database,
    refuse: Refuse,
) -> Res<alembix_autogen::diff::Diff> {
    // No file at all is a configuration mistake (and would drop every
    // table); files without models mean "no tables".
    let files = alembix_autogen::scan::model_files(&cfg.root, &cfg.models)?;
    if files.is_empty() {
        return Err(CliError::NoModelFiles {
            patterns: cfg.models.clone(),
            root: cfg.root.clone(),
        });
    }
    // The models are parsed (and their guards run) while the database is read.
    let (root, globs, dialect) = (cfg.root.clone(), cfg.models.clone(), db.dialect());
    let scan = move || {
        use alembix_autogen::guards;
        let (models, sites) = alembix_autogen::scan::scan_with_sites(&root, &globs)?;
        guards::foreign_key_targets(&models, &sites, dialect)?;
        guards::partitioning_supported(&models, &sites, dialect)?;
        guards::auto_increment_supported(&models, &sites, dialect)?;
        Ok((models, sites))
    };
    let opts = alembix_autogen::diff::DiffOptions {
        exclude_tables: cfg.exclude_tables.clone(),
        schemas: cfg.schemas.clone(),
        filters: cfg.filters.clone(),
    };
    let (vt, lt) = (&cfg.version_table, &cfg.log_table);
    let (d, models, sites) =
        alembix_autogen::autogen::compare_scanning(db, scan, vt, lt, &opts).await?;
    if refuse.empty && models.tables.is_empty() && !d.ops.is_empty() {
        return Err(CliError::NoModels {
            patterns: cfg.models.clone(),
        });
    }
    use alembix_autogen::guards;
    guards::foreign_key_types(&d.target, &sites, db.dialect())?;
    guards::partition_key_unchanged(&d.current, &d.target, &sites)?;
    if refuse.unfilled {
        guards::not_null_needs_value(&d.ops, &sites)?;
    }
    Ok(d)
}
