//! The `alembix` command.

fn main() {
    std::process::exit(alembix_cli::main());
}
