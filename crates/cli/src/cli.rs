//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  success; nothing at deny level
  1  a deny-level finding (`why`: the package is not in the graph)
  2  could not do the job: unreadable or unsupported input, no lockfile, no packages";

/// Help text after `scan --help`: every finding code with its default level, then exit codes.
pub fn scan_after_help() -> String {
    let mut out = String::from("Finding codes (docs/rules/<code>.md):\n");
    for info in portcullis_checks::codes::CODES {
        out.push_str(&format!(
            "  {:<14} {:<5} {}\n",
            info.code.as_str(),
            info.default_level.as_str(),
            info.summary
        ));
    }
    out.push('\n');
    out.push_str(EXIT_CODES);
    out
}

/// npm supply-chain security: know what is in your tree, what looks wrong, and install safely.
#[derive(Debug, Parser)]
#[command(name = "portcullis", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the dependency graph: a summary line and a tree (or JSON).
    #[command(after_help = EXIT_CODES)]
    Ls(LsArgs),
    /// Show every path from a project to a package, shortest first (like `npm explain`).
    #[command(after_help = EXIT_CODES)]
    Why(WhyArgs),
    /// Scan a project: known vulnerabilities and malware in its dependency graph, with paths.
    Scan(ScanArgs),
    /// Manage the local advisory database.
    #[command(subcommand)]
    Db(DbCommand),
}

/// Where the advisory database is.
#[derive(Debug, Args)]
pub struct DbLocation {
    /// Advisory database file [default: $PORTCULLIS_DB, else <user cache dir>/portcullis/advisories.redb].
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub db: DbLocation,
    /// Fail (exit 2) when there is no advisory database, instead of warning.
    #[arg(long)]
    pub require_db: bool,
    /// Warn when the advisory database was last imported or updated more than this many days ago.
    #[arg(long, default_value_t = 7.0, value_name = "DAYS")]
    pub max_db_age: f64,
    /// Inclusion paths listed per finding; the rest are counted.
    #[arg(long, default_value_t = 5)]
    pub paths: usize,
    /// Use no network (every check in this version is offline; accepted for scripts).
    #[arg(long)]
    pub offline: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Human)]
    pub format: ScanFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Grouped by severity, for a terminal.
    Human,
    /// The JSON report (`schema_version` 1).
    Json,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import advisories: OSV JSON files, directories (GitHub advisory-database layout too),
    /// .zip (osv.dev all.zip), .tar.zst / .tar.gz archives, npm legacy advisory files.
    #[command(after_help = EXIT_CODES)]
    Import {
        /// Files, directories or archives.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        db: DbLocation,
    },
    /// Download the advisory sources and import them, all or nothing. Unchanged sources are
    /// not downloaded again (conditional requests); a failure leaves the database as it was.
    #[command(after_help = EXIT_CODES)]
    Update {
        /// An http(s):// URL, a file:// URL or a path; repeat for several (or comma-separate
        /// them in the environment variable).
        #[arg(
            long = "source",
            value_name = "URL",
            env = portcullis_advisory::update::SOURCES_ENV,
            value_delimiter = ',',
            default_value = portcullis_advisory::update::DEFAULT_SOURCE
        )]
        sources: Vec<String>,
        /// Use no network: fail (exit 2) naming the sources that would have been fetched.
        #[arg(long)]
        offline: bool,
        /// Milliseconds before the first retry of a failed download; doubles on each retry.
        #[arg(
            long,
            hide = true,
            env = "PORTCULLIS_RETRY_BASE_MS",
            default_value_t = 500
        )]
        retry_base_ms: u64,
        #[command(flatten)]
        db: DbLocation,
    },
    /// Show what the database holds and how old it is.
    #[command(after_help = EXIT_CODES)]
    Status {
        #[command(flatten)]
        db: DbLocation,
    },
}

/// Where the project is.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// Project directory: its lockfile is found the way its package manager would find it.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Read this lockfile (any supported format, detected from content) instead of discovering one.
    #[arg(long, value_name = "PATH")]
    pub lockfile: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Tree levels below each project to show (0 = direct dependencies only).
    #[arg(long, default_value_t = 0, conflicts_with = "all")]
    pub depth: usize,
    /// Show the whole tree.
    #[arg(long)]
    pub all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LsFormat::Human)]
    pub format: LsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LsFormat {
    /// Summary line and tree.
    Human,
    /// One entry per unique name@version@source (`schema_version` 1).
    Json,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The package: `name` or `name@version` (scoped names work: `@scope/name@1.2.3`).
    pub package: String,
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Show at most this many paths per package version; the rest are counted.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = WhyFormat::Human)]
    pub format: WhyFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WhyFormat {
    /// Paths as text.
    Human,
    /// Paths as JSON (`schema_version` 1).
    Json,
    /// A Mermaid flowchart of the paths.
    Mermaid,
    /// A Graphviz DOT graph of the paths.
    Dot,
}
