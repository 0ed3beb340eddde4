//! The `alembix` command as a library: argument parsing, configuration and
//! output. The work is done by `alembix-migrate` (and `alembix-autogen`).

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    todo!("helper: CLI")
}
