//! The `alembix` command as a library: argument parsing, configuration and
//! output. The work is done by `alembix-migrate`.
//!
//! Exit codes: 0 success, 1 `check` found differences, 2 any error (printed
//! on stderr after `error:`).

mod args;
mod commands;
pub mod config;
mod connect;
mod error;
mod output;

use alembix_migrate::Direction;
use clap::Parser;

use args::{Cli, Command};
use commands::{
    Project, autogen, baseline, branches, check, current, database, diff, edit, ensure, erd, graph,
};
use commands::{
    heads, history, init, lint, lock, merge, migrate, models, revision, show, squash, stamp,
};
use output::Out;

pub use config::ConfigError;
pub use connect::UrlError;
pub use error::{CliError, IoAction};

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
            Out::new().error(&e.to_string());
            2
        }
    }
}

/// `alembix` and its arguments, as the lock's holder shows them to waiting
/// processes: without the value of `--database-url`, which may hold a
/// password.
fn command_line() -> String {
    let mut words = vec!["alembix".to_string()];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--database-url" {
            args.next();
        } else if !arg.starts_with("--database-url=") {
            words.push(arg);
        }
    }
    words.join(" ")
}

/// Hands the parsed command to its module.
async fn run(cli: Cli) -> error::Res<i32> {
    if let Command::Init { dir } = &cli.command {
        return init::run(
            cli.config.as_deref(),
            dir.as_deref(),
            cli.database_url.as_deref(),
        );
    }
    if let Command::Targets = &cli.command {
        print!("{}", args::TARGETS_HELP);
        return Ok(0);
    }
    if let Command::Models {
        action:
            args::ModelsAction::Generate {
                output,
                tables,
                exclude,
                with_relations,
            },
    } = cli.command
    {
        // Adopting a database needs no script directory yet.
        let cfg = config::Config::load(cli.config.as_deref(), cli.database_url)?;
        let opts = models::Options {
            output,
            tables,
            exclude,
            with_relations,
        };
        return models::run(&cfg, &Out::new(), &opts).await;
    }
    let p = Project::load(cli.config.as_deref(), cli.database_url, command_line())?;
    match cli.command {
        c @ (Command::Revision { .. }
        | Command::Autogen { .. }
        | Command::Merge { .. }
        | Command::Squash { .. }
        | Command::Edit { .. }) => author(&p, c).await,
        c @ (Command::Upgrade { .. }
        | Command::Downgrade { .. }
        | Command::Stamp { .. }
        | Command::EnsureVersion { .. }
        | Command::Baseline { .. }
        | Command::Database { .. }
        | Command::Lock { .. }) => write(&p, c).await,
        c => inspect(&p, c).await,
    }
}

/// The commands that write revision files.
async fn author(p: &Project, command: Command) -> error::Res<i32> {
    match command {
        Command::Revision {
            message,
            autogenerate,
            new,
        } => {
            if autogenerate {
                autogen::run(p, message, &new, autogen::Allow::default()).await
            } else {
                revision::run(p, new.version_path.as_deref(), new.revision(message))
            }
        }
        Command::Autogen {
            message,
            new,
            allow_empty,
            allow_drop_all,
        } => {
            let allow = autogen::Allow {
                empty: allow_empty,
                drop_all: allow_drop_all,
            };
            autogen::run(p, message, &new, allow).await
        }
        Command::Merge {
            message,
            branch_label,
            rev_id,
            version_path,
            revs,
        } => {
            let opts = merge::Options {
                labels: branch_label,
                rev_id,
                version_path,
            };
            merge::run(p, &revs, &message, opts)
        }
        Command::Squash {
            start,
            end,
            message,
            delete,
        } => squash::run(p, &start, &end, &message, delete),
        Command::Edit { rev } => edit::run(p, &rev),
        _ => unreachable!("dispatched by run"),
    }
}

/// The commands that change a database.
async fn write(p: &Project, command: Command) -> error::Res<i32> {
    match command {
        Command::Upgrade {
            target,
            sql,
            skip_statement,
        } => {
            let target = target.unwrap_or_else(|| "head".into());
            migrate::run(p, Direction::Up, &target, sql, skip_statement, false).await
        }
        Command::Downgrade {
            target,
            sql,
            skip_statement,
            yes,
        } => migrate::run(p, Direction::Down, &target, sql, skip_statement, yes).await,
        Command::Stamp {
            targets,
            purge,
            sql,
        } => stamp::run(p, &targets, purge, sql).await,
        Command::EnsureVersion { sql } => ensure::run(p, sql).await,
        Command::Baseline { message } => baseline::run(p, message).await,
        Command::Database { action } => database::run(p, action).await,
        Command::Lock { action } => lock::run(p, action).await,
        _ => unreachable!("dispatched by run"),
    }
}

/// The commands that only read files or the database.
async fn inspect(p: &Project, command: Command) -> error::Res<i32> {
    match command {
        Command::Current {
            verbose,
            check_heads,
            format,
        } => current::run(p, verbose, check_heads, format).await,
        Command::Heads {
            verbose,
            resolve_dependencies,
            format,
        } => heads::run(p, verbose, resolve_dependencies, format).await,
        Command::Branches { verbose, format } => branches::run(p, verbose, format).await,
        Command::History {
            rev_range,
            indicate_current,
            graph,
            verbose,
            format,
        } => {
            let opts = history::Options {
                indicate_current,
                graph,
                verbose,
                format,
            };
            history::run(p, rev_range.as_deref(), opts).await
        }
        Command::Graph { format } => graph::run(p, format),
        Command::Erd { format } => erd::run(p, format),
        Command::Lint { range, format } => lint::run(p, range.as_deref(), format),
        Command::Show { rev, format } => show::run(p, &rev, format).await,
        Command::Check => check::run(p).await,
        Command::Diff {
            format,
            allow_empty,
        } => diff::run(p, format, allow_empty).await,
        _ => unreachable!("dispatched by run"),
    }
}
