//! The `baton` binary: everything lives in the library so tests can call it.

fn main() -> std::process::ExitCode {
    baton::main_with_args(std::env::args_os())
}
