//! `eremit`: runs Eremit unikernel images under QEMU like local programs.

use eremit::{cli, pkg, run};
use std::io::Write;

fn main() {
    let code = real_main();
    std::process::exit(code);
}

fn real_main() -> i32 {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(s) => args.push(s),
            Err(bad) => {
                eprintln!("eremit: argument {bad:?} is not valid UTF-8");
                return run::EXIT_USAGE;
            }
        }
    }
    match cli::parse(&args) {
        Ok(cli::Command::Help) => {
            print!("{}", cli::USAGE);
            0
        }
        Ok(cli::Command::Version) => {
            println!("eremit {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Ok(cli::Command::Run(opts)) => match run::run(&opts) {
            Ok(code) => code,
            Err(failure) => {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "eremit: {}", failure.message);
                let _ = err.write_all(&failure.details);
                failure.code
            }
        },
        Ok(cli::Command::Pkg(opts)) => match pkg::pkg(&opts) {
            Ok(written) => {
                println!(
                    "{}: {}, image ID {}, manifest {}",
                    opts.output, opts.reference, written.config, written.manifest
                );
                0
            }
            Err(failure) => {
                eprintln!("eremit: {}", failure.message);
                failure.code
            }
        },
        Err(e) => {
            eprintln!("eremit: {e}");
            run::EXIT_USAGE
        }
    }
}
