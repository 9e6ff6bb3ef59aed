//! `cargo xtask run | test | e2e | bench | bindings`: Vefa's own build and test driver. It installs
//! what a fresh Debian/Ubuntu machine lacks, so the README's two commands work on a new clone.
//! Standard library only, so it builds in seconds.

mod bench;
mod layers;
mod packages;
mod postgres;
mod steps;

use std::process::ExitCode;

const USAGE: &str =
    "usage: cargo xtask <run | test | e2e | bench | bindings | layers | with-postgres CMD…>
  run       install what is missing, build the UI, start the app (sandbox marketplace by default)
  test      install what is missing and run every check: layers, fmt, clippy, UI check and tests,
            Rust tests on SQLite and PostgreSQL, the bindings check and the end-to-end suite
  e2e       only the end-to-end suite (the real app under Xvfb)
  bench     release build; binary size, cold start, idle memory
  bindings  regenerate ui/src/lib/bindings.ts from the Rust types
  layers    check that no file of the core imports from a layer above it or beside it
  with-postgres CMD…
            run CMD with VEFA_TEST_POSTGRES_URL set to a throwaway server, e.g.
            `cargo xtask with-postgres cargo test -p vefa --test listings`";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => steps::run_app(&args[1..]),
        Some("test") => steps::test_all(),
        Some("e2e") => steps::e2e_only(),
        Some("bench") => bench::bench(),
        Some("bindings") => steps::bindings(),
        Some("layers") => layers::check(),
        Some("with-postgres") if args.len() > 1 => steps::with_postgres(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(1)
        }
    }
}
