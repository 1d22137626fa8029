//! `portcullis`: npm supply-chain security from the command line.
//!
//! The only crate that prints or exits. Exit codes (DESIGN.md contract): 0 = nothing at deny
//! level, 1 = a deny-level finding (for `why`: no such package), 2 = could not do the job.

mod cli;
mod commands;
mod project;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    // `scan --help` lists the finding codes from the one registry they are declared in.
    let command =
        cli::Cli::command().mut_subcommand("scan", |scan| scan.after_help(cli::scan_after_help()));
    let args = match cli::Cli::from_arg_matches(&command.get_matches()) {
        Ok(args) => args,
        Err(e) => e.exit(),
    };
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
