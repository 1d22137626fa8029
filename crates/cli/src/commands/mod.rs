//! One module per subcommand; each returns the process exit code.

mod db;
mod ls;
mod scan;
mod why;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Ls(args) => ls::run(&args),
        Command::Why(args) => why::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Db(cmd) => db::run(&cmd),
    }
}
