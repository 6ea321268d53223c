//! The `editions` command line. All the work happens in the library and in `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
