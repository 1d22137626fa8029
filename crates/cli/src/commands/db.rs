//! `portcullis db import|update|status`: the local advisory database.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use portcullis_advisory::import;
use portcullis_advisory::osv::Record;
use portcullis_advisory::store::{self, Store};
use portcullis_advisory::update::{self, Outcome, Source};

use crate::cli::{DbCommand, DbLocation};

pub fn run(cmd: &DbCommand) -> Result<ExitCode> {
    match cmd {
        DbCommand::Import { paths, db } => import_paths(paths, db),
        DbCommand::Update {
            sources,
            offline,
            retry_base_ms,
            db,
        } => update_sources(sources, *offline, *retry_base_ms, db),
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
        // Read on one thread and write on this one, so a 20,000-record archive streams into
        // the store; a read error aborts the store's transaction.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Record, String>>(1024);
        let reader_source = source.clone();
        let reader = std::thread::spawn(move || {
            let result = import::read_path(&reader_source, &mut |imported| {
                let _ = tx.send(Ok(imported.record));
            });
            let failure = match &result {
                Err(e) => Some(format!("{}: {e}", reader_source.display())),
                // An empty import must not look like a fresh one to the staleness check.
                Ok(s) if s.records == 0 => Some(format!(
                    "{}: no advisory records found (expected OSV JSON or npm advisory files)",
                    reader_source.display()
                )),
                Ok(_) => None,
            };
            if let Some(reason) = failure {
                let _ = tx.send(Err(reason));
            }
            result
        });
        let stored = store.import_streaming(&source.display().to_string(), rx);
        let summary = match reader.join() {
            Ok(read) => read?,
            Err(_) => bail!("importing {}: the reader thread panicked", source.display()),
        };
        let stats = stored?;
        total += summary.records;
        report_import(&source.display().to_string(), &summary, &stats);
    }
    eprintln!(
        "imported {total} records into {} in {:.2?}",
        path.display(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

fn update_sources(
    sources: &[String],
    offline: bool,
    retry_base_ms: u64,
    location: &DbLocation,
) -> Result<ExitCode> {
    let path = db_path(location)?;
    let sources = sources
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Source::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let options = update::Options {
        offline,
        retry_base: std::time::Duration::from_millis(retry_base_ms),
        ..update::Options::default()
    };
    let started = std::time::Instant::now();
    let reports = update::update(&path, &sources, &options, &mut DownloadBar::default())?;
    for report in &reports {
        match &report.outcome {
            Outcome::Imported { summary, stats } => {
                report_import(&report.source.to_string(), summary, stats)
            }
            Outcome::NotModified { since, records } => eprintln!(
                "{}: up to date (not modified since {since}, {records} records)",
                report.source
            ),
        }
    }
    eprintln!("updated {} in {:.2?}", path.display(), started.elapsed());
    Ok(ExitCode::SUCCESS)
}

/// Download progress on stderr; indicatif hides it when stderr is not a terminal.
#[derive(Default)]
struct DownloadBar {
    bar: Option<indicatif::ProgressBar>,
}

impl DownloadBar {
    fn show(&mut self, total: Option<u64>, template: &str, message: String) {
        self.clear();
        let style = indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = indicatif::ProgressBar::with_draw_target(
            total,
            indicatif::ProgressDrawTarget::stderr(),
        )
        .with_style(style)
        .with_message(message)
        // Dropped at the end of the update: the summary lines replace it.
        .with_finish(indicatif::ProgressFinish::AndClear);
        self.bar = Some(bar);
    }

    fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    /// Reading a big archive and writing its records take seconds: show that work goes on.
    fn spin(&mut self, message: String) {
        self.show(None, "{spinner} {msg} ({elapsed})", message);
        if let Some(bar) = &self.bar {
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
    }
}

impl update::Progress for DownloadBar {
    fn download_started(&mut self, url: &str, total: Option<u64>) {
        let template = if total.is_some() {
            "{msg}\n  [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}, {eta} left"
        } else {
            "{msg}\n  {spinner} {bytes} {bytes_per_sec}"
        };
        self.show(total, template, format!("downloading {url}"));
    }

    fn downloaded(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
        }
    }

    fn download_finished(&mut self) {
        self.clear();
    }

    fn retrying(&mut self, url: &str, attempt: u32, delay: std::time::Duration, reason: &str) {
        self.clear();
        eprintln!("{url}: {reason}; retrying in {delay:.1?} (attempt {attempt} failed)");
    }

    fn reading(&mut self, source: &str) {
        self.spin(format!("reading {source}"));
    }

    fn importing(&mut self, source: &str) {
        self.spin(format!("importing {source}"));
    }
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

/// One line per imported source, and the first few records it had to skip.
fn report_import(source: &str, summary: &import::ImportSummary, stats: &store::ImportStats) {
    eprintln!(
        "{source}: {} records read ({} new, {} updated, {} unchanged, {} not npm), {} skipped",
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
