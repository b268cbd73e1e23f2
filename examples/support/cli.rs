//! Argument parsing shared by the examples: a usage error exits 1 ("could
//! not run"), since the README reserves 2 for findings; `--help` and
//! `--version` exit 0.

use std::process::ExitCode;

/// Parses the process's arguments, or says why not and gives the exit code.
pub fn parse<T: clap::Parser>() -> Result<T, ExitCode> {
    T::try_parse().map_err(|e| {
        let _ = e.print();
        if e.use_stderr() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    })
}
