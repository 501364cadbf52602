//! The `ffbkit` command-line tool. All work is done in the library; this file only maps
//! the outcome to an exit code.

/// The tool's allocator (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(ffbkit_conformance::cli::run(std::env::args_os()));
}
