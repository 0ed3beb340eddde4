//! The `alembix` command.

/// mimalloc instead of the system allocator: `check` and `autogen` parse
/// the model sources into many small allocations (syn's token trees), and
/// glibc's malloc and free took about 40 % of `check`'s CPU at 10,000
/// tables (BENCHMARKS.md, "MariaDB `check` from 1,000 to 10,000 tables").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(alembix_cli::main());
}
