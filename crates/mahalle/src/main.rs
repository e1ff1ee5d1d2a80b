//! `mahalle`: the one binary. All code lives in the library so tests can drive it.

fn main() -> std::process::ExitCode {
    mahalle::cli::main()
}
