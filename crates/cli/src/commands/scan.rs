//! `portcullis scan`: the graph against known-bad data, judged and reported.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Result, bail};
use portcullis_advisory::store::Store;
use portcullis_checks::advisories;
use portcullis_graph::DependencyGraph;
use portcullis_report::{AdvisoryStatus, HumanOptions, Project, Report, render_human, render_json};

use crate::cli::{ScanArgs, ScanFormat};
use crate::commands::db::{age_days, db_path};
use crate::project;

pub fn run(args: &ScanArgs) -> Result<ExitCode> {
    let loaded = project::load(&args.project)?;
    let graph = DependencyGraph::new(&loaded.lock);
    let path = db_path(&args.db)?;
    let store = Store::open_existing(&path)?;
    let mut warnings = Vec::new();
    let mut findings = Vec::new();
    let advisories = match &store {
        None if args.require_db => {
            bail!(
                "no advisory database at {} and --require-db is set: run `portcullis db import PATH` or `portcullis db update`",
                path.display()
            )
        }
        None => {
            let w = format!(
                "NO ADVISORY DATABASE at {}: known vulnerabilities and malware were NOT checked. Run `portcullis db import PATH` or `portcullis db update`.",
                path.display()
            );
            eprintln!("warning: {w}");
            warnings.push(w);
            AdvisoryStatus {
                status: "missing",
                path: Some(path.display().to_string()),
                vulnerabilities: 0,
                malware: 0,
                newest_modified: None,
                age_days: None,
            }
        }
        Some(store) => {
            let s = store.status()?;
            let age = s.history.last().and_then(|e| age_days(&e.at));
            let stale = age.is_none_or(|a| a > args.max_db_age);
            if stale {
                let w = format!(
                    "the advisory database at {} was last updated {}; run `portcullis db update` (or re-import) for current data",
                    path.display(),
                    age.map_or_else(
                        || "at an unknown time".to_owned(),
                        |a| format!("{a:.0} days ago")
                    )
                );
                eprintln!("warning: {w}");
                warnings.push(w);
            }
            let (found, stats) =
                advisories::check(&graph, store, args.paths).map_err(anyhow::Error::msg)?;
            findings.extend(found);
            for w in stats.warnings {
                eprintln!("warning: {w}");
                warnings.push(w);
            }
            AdvisoryStatus {
                status: if stale { "stale" } else { "ok" },
                path: Some(path.display().to_string()),
                vulnerabilities: s.vulnerabilities,
                malware: s.malware,
                newest_modified: s.newest_modified,
                age_days: age,
            }
        }
    };
    let project = Project {
        root: args.project.dir.display().to_string(),
        lockfile: project::display(&loaded.path),
        format: loaded.lock.format.as_str(),
        packages: loaded.lock.unique_ids().len(),
    };
    let report = Report::new(vec![project], advisories, findings, warnings);
    match args.format {
        ScanFormat::Json => print!("{}", render_json(&report)),
        ScanFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!(
                "{}",
                render_human(&report, HumanOptions { color, width: 80 })
            );
        }
    }
    Ok(if report.summary.deny > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
