//! Finding and loading the project's lockfile, and saying which one was used and why.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use portcullis_lockfile::Lockfile;

use crate::cli::ProjectArgs;

/// A loaded lockfile and how it was chosen.
pub struct Project {
    /// The lockfile (or node_modules directory) read.
    pub path: PathBuf,
    /// The parsed lockfile.
    pub lock: Lockfile,
}

/// Loads the lockfile named by `--lockfile`, or discovers it in the directory. Explains the
/// choice and any notes on stderr, and refuses a lockfile with no packages (exit 2): an empty
/// scan must never read as "no issues".
pub fn load(args: &ProjectArgs) -> Result<Project> {
    let path = match &args.lockfile {
        Some(p) => p.clone(),
        None => {
            let found = portcullis_lockfile::discover(&args.dir)?;
            eprintln!("using {} ({})", display(&found.path), found.reason);
            for other in &found.ignored {
                eprintln!(
                    "note: also found {}, not used (pass --lockfile to choose it)",
                    display(other)
                );
            }
            // `./package-lock.json` reads better as `package-lock.json` in every message.
            found
                .path
                .strip_prefix(".")
                .map(Path::to_path_buf)
                .unwrap_or(found.path)
        }
    };
    let lock = portcullis_lockfile::load(&path)?;
    for note in &lock.notes {
        eprintln!("note: {note}");
    }
    let missing = lock.missing_edges();
    if !missing.is_empty() {
        eprintln!(
            "warning: {} required dependencies are not in the lockfile (it may be out of date), e.g. {} needs {}@{}",
            missing.len(),
            missing[0].0,
            missing[0].1.name,
            missing[0].1.req
        );
    }
    if lock.packages.is_empty() {
        bail!(
            "{}: the {} lockfile lists no packages; nothing to analyse",
            display(&path),
            lock.format
        );
    }
    Ok(Project { path, lock })
}

/// A path for messages, without a leading `./`.
pub fn display(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}
