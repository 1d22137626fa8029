//! `portcullis db import|status`: the local advisory database.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use portcullis_advisory::import;
use portcullis_advisory::store::{self, Store};

use crate::cli::{DbCommand, DbLocation};

pub fn run(cmd: &DbCommand) -> Result<ExitCode> {
    match cmd {
        DbCommand::Import { paths, db } => import_paths(paths, db),
        DbCommand::Status { db } => status(db),
    }
}

/// The database path from `--db`, `$PORTCULLIS_DB` or the user cache directory.
pub fn db_path(location: &DbLocation) -> Result<PathBuf> {
    match &location.db {
        Some(p) => Ok(p.clone()),
        None => store::default_path().context("cannot tell where the advisory database lives: set PORTCULLIS_DB or pass --db, or set HOME"),
    }
}

fn import_paths(paths: &[PathBuf], location: &DbLocation) -> Result<ExitCode> {
    let path = db_path(location)?;
    let store = Store::open_or_create(&path)?;
    let started = std::time::Instant::now();
    let mut total = 0;
    for source in paths {
        let mut records = Vec::new();
        let summary = import::read_path(source, &mut |imported| records.push(imported.record))
            .with_context(|| format!("importing {}", source.display()))?;
        if summary.records == 0 {
            bail!(
                "{}: no advisory records found (expected OSV JSON or npm advisory files)",
                source.display()
            );
        }
        let stats = store.import(&source.display().to_string(), records)?;
        total += summary.records;
        eprintln!(
            "{}: {} records read ({} new, {} updated, {} unchanged, {} not npm), {} skipped",
            source.display(),
            summary.records,
            stats.added,
            stats.updated,
            stats.unchanged,
            stats.not_npm,
            summary.skipped.len()
        );
        for skipped in summary.skipped.iter().take(5) {
            eprintln!("  skipped {}: {}", skipped.origin, skipped.reason);
        }
        if summary.skipped.len() > 5 {
            eprintln!("  … and {} more skipped", summary.skipped.len() - 5);
        }
    }
    eprintln!(
        "imported {total} records into {} in {:.2?}",
        path.display(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

fn status(location: &DbLocation) -> Result<ExitCode> {
    let path = db_path(location)?;
    let Some(store) = Store::open_existing(&path)? else {
        bail!(
            "no advisory database at {}: run `portcullis db import PATH` (or `portcullis db update`) first",
            path.display()
        );
    };
    let s = store.status()?;
    println!("database:        {}", path.display());
    println!("vulnerabilities: {}", s.vulnerabilities);
    println!("malware reports: {}", s.malware);
    println!("withdrawn:       {}", s.withdrawn);
    println!(
        "newest record:   {}",
        s.newest_modified.as_deref().unwrap_or("-")
    );
    match s.history.last() {
        Some(last) => println!("last import:     {} ({})", last.at, age_text(&last.at)),
        None => println!("last import:     never"),
    }
    println!("sources:");
    for event in s.history.iter().rev().take(10) {
        println!(
            "  {}  {} records  {}",
            event.at, event.records, event.source
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Days since an RFC 3339 timestamp, if it parses.
pub fn age_days(at: &str) -> Option<f64> {
    let then: jiff::Timestamp = at.parse().ok()?;
    Some(jiff::Timestamp::now().duration_since(then).as_secs_f64() / 86_400.0)
}

fn age_text(at: &str) -> String {
    age_days(at).map_or_else(|| "age unknown".into(), |d| format!("{d:.1} days ago"))
}
