//! `portcullis`: npm supply-chain security from the command line.
//!
//! The only crate that prints or exits. Exit codes (DESIGN.md contract): 0 = nothing at deny
//! level, 1 = a deny-level finding (for `why`: no such package), 2 = could not do the job.

mod cli;
mod commands;
mod project;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
