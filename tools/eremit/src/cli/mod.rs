//! Command-line parsing for `eremit` (by hand, no external parser): the command here,
//! `run`'s arguments in `run_args.rs` (scanned by `scan.rs`, which `pkg` uses too), option values in `values.rs`, what they become in
//! `options.rs`, the help text in `usage.rs`.

use std::fmt;

mod options;
mod run_args;
pub mod scan;
mod usage;
mod values;

pub use options::{Accel, Command, Forward, MAX_CPUS, Machine, Net, Proto, RunOptions};
pub use usage::USAGE;
pub use values::{parse_cpus, parse_env, parse_forward, parse_memory, parse_net, parse_timeout};

/// A usage error: reported as `eremit: MESSAGE` with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn usage_err<T>(msg: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError(msg.into()))
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some(first) = args.first() else {
        return usage_err("missing command (try 'eremit --help')");
    };
    match first.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" | "version" => Ok(Command::Version),
        "run" => run_args::parse_run(&args[1..]),
        "pkg" => crate::pkg::options::parse(&args[1..]),
        other if other.starts_with('-') => {
            usage_err(format!("unknown option '{other}' (try 'eremit --help')"))
        }
        other => usage_err(format!("unknown command '{other}' (try 'eremit --help')")),
    }
}

#[cfg(test)]
mod tests;
