//! `db update`: fetching advisory sources (HTTP(S) URLs or local paths) and importing them
//! into the store, all or nothing.
//!
//! The order is what keeps the promise that a failed update never leaves a half-written
//! database: every source is first downloaded to a temporary file next to the database and
//! read completely with [`import::read_path`]; only when every source succeeded does anything
//! touch the store, one import transaction per source. A failure before that point leaves the
//! database exactly as it was (or absent, if it was), and the temporary files are removed.
//!
//! Remote sources are fetched with conditional requests (`If-None-Match`/`If-Modified-Since`
//! from the [`SourceState`] stored after the previous fetch), retried on 408/429/5xx and
//! connection failures with exponential backoff, bounded in size, and cut off when they stall.
//! The library prints nothing: progress and retries are reported through [`Progress`].

mod http;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::import::{self, ImportError, ImportSummary};
use crate::osv::Record;
use crate::store::{ImportStats, SourceState, Store, StoreError};

/// The source `db update` fetches when none is configured: osv.dev's export of every npm
/// advisory (vulnerabilities and malicious-package reports), one zip of OSV JSON files.
pub const DEFAULT_SOURCE: &str = "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip";

/// Environment variable naming the sources (comma-separated URLs or paths), replacing the
/// default.
pub const SOURCES_ENV: &str = "PORTCULLIS_ADVISORY_SOURCES";

/// Where advisories come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An `http://` or `https://` URL, downloaded.
    Remote(reqwest::Url),
    /// A local file, directory or archive (a plain path or a `file://` URL), read in place.
    Local(PathBuf),
}

impl Source {
    /// Parses a source as the user wrote it: an `http(s)://` URL, a `file://` URL, or a path.
    pub fn parse(text: &str) -> Result<Self, UpdateError> {
        let bad = |reason: &str| UpdateError::BadSource {
            spec: text.to_owned(),
            reason: reason.to_owned(),
        };
        let text_trimmed = text.trim();
        if text_trimmed.is_empty() {
            return Err(bad("empty"));
        }
        match reqwest::Url::parse(text_trimmed) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Self::Remote(url)),
            Ok(url) if url.scheme() == "file" => url
                .to_file_path()
                .map(Self::Local)
                .map_err(|()| bad("not a local file URL")),
            // `C:\advisories` parses as a URL with scheme `c`: a drive letter, so a path.
            Ok(url) if url.scheme().len() > 1 => Err(bad(
                "only http://, https:// and file:// URLs (or plain paths) are supported",
            )),
            _ => Ok(Self::Local(PathBuf::from(text_trimmed))),
        }
    }

    /// True when fetching this source needs the network.
    pub fn is_remote(&self) -> bool {
        matches!(self, Self::Remote(_))
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Remote(url) => f.write_str(url.as_str()),
            Self::Local(path) => write!(f, "{}", path.display()),
        }
    }
}

/// How an update behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Use no network: remote sources make the update fail before anything is done.
    pub offline: bool,
    /// Tries per remote source (at least 1).
    pub attempts: u32,
    /// Delay before the first retry; it doubles on each further one.
    pub retry_base: Duration,
    /// Longest wait for a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Longest wait for any read (headers or one body chunk): a stalled transfer fails.
    pub read_timeout: Duration,
    /// Largest download accepted, in bytes.
    pub max_download_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            offline: false,
            attempts: 3,
            retry_base: Duration::from_millis(500),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            // osv.dev's npm export is well under this; anything bigger is not advisory data.
            max_download_bytes: 2 << 30,
        }
    }
}

/// Receives progress while an update runs (the library itself never prints).
pub trait Progress {
    /// A download's body starts; `total` is its announced length.
    fn download_started(&mut self, _url: &str, _total: Option<u64>) {}
    /// `bytes` of the current download have arrived so far.
    fn downloaded(&mut self, _bytes: u64) {}
    /// The current download ended (complete or not).
    fn download_finished(&mut self) {}
    /// Try `attempt` of `url` failed with `reason`; the next starts after `delay`.
    fn retrying(&mut self, _url: &str, _attempt: u32, _delay: Duration, _reason: &str) {}
    /// A downloaded or local source is being read and checked before import.
    fn reading(&mut self, _source: &str) {}
    /// Every source was read; `source`'s records are being written to the database.
    fn importing(&mut self, _source: &str) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// What happened to one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Read and imported.
    Imported {
        /// What was read.
        summary: ImportSummary,
        /// What the store did with it.
        stats: ImportStats,
    },
    /// The server said the source has not changed since the last fetch (HTTP 304).
    NotModified {
        /// When the source was checked before this update (RFC 3339).
        since: String,
        /// Records read from the last full download.
        records: u64,
    },
}

/// One source's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    /// The source as given.
    pub source: String,
    /// What happened.
    pub outcome: Outcome,
}

/// One source that could not be fetched or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The source as given.
    pub source: String,
    /// What went wrong, for the user.
    pub error: String,
}

/// Why an update could not be done. Every variant except [`UpdateError::Store`] means the
/// database was not touched.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// A source is neither an HTTP(S) URL, a `file://` URL nor a path.
    #[error("advisory source `{spec}`: {reason}")]
    BadSource {
        /// The source as written.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// Offline, and some sources need the network.
    #[error(
        "offline: not fetching {}; the advisory database was not changed \
         (without a network, pass downloaded files as `--source PATH` or use `portcullis db import PATH`)",
        .sources.join(", ")
    )]
    Offline {
        /// The remote sources that would have been fetched.
        sources: Vec<String>,
    },
    /// At least one source could not be fetched or read; nothing was imported.
    #[error("{}", failures_text(.failures))]
    Failed {
        /// Every source that failed, in the order given.
        failures: Vec<Failure>,
    },
    /// The HTTP client or its runtime could not be set up.
    #[error("cannot start the HTTP client: {0}")]
    Client(String),
    /// The database could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn failures_text(failures: &[Failure]) -> String {
    match failures {
        [one] => format!(
            "{}: {}; the advisory database was not changed",
            one.source, one.error
        ),
        many => {
            let mut text = format!(
                "{} advisory sources failed; the advisory database was not changed:",
                many.len()
            );
            for f in many {
                text.push_str(&format!("\n  {}: {}", f.source, f.error));
            }
            text
        }
    }
}

/// What one source produced before anything is written.
enum Fetched {
    Records {
        records: Vec<Record>,
        summary: ImportSummary,
        /// For remote sources: what to send back next time.
        state: Option<SourceState>,
    },
    NotModified(SourceState),
}

/// Fetches and reads every source, then imports them into the database at `db_path` (created
/// if absent). On error nothing was imported, unless the error is [`UpdateError::Store`].
pub fn update(
    db_path: &Path,
    sources: &[Source],
    options: &Options,
    progress: &mut dyn Progress,
) -> Result<Vec<SourceReport>, UpdateError> {
    if sources.is_empty() {
        return Err(UpdateError::BadSource {
            spec: String::new(),
            reason: "no sources given".into(),
        });
    }
    let remote: Vec<String> = sources
        .iter()
        .filter(|s| s.is_remote())
        .map(Source::to_string)
        .collect();
    if options.offline && !remote.is_empty() {
        return Err(UpdateError::Offline { sources: remote });
    }
    // Downloads go next to the database: same file system, and cleaned up with it.
    let dir = db_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let downloader = if remote.is_empty() {
        None
    } else {
        std::fs::create_dir_all(dir).map_err(|e| UpdateError::Failed {
            failures: vec![Failure {
                source: dir.display().to_string(),
                error: format!("cannot create the database folder: {e}"),
            }],
        })?;
        Some(http::Downloader::new(options)?)
    };
    // Read the previous fetch's validators without creating the database: a failed first
    // update must not leave an empty database behind.
    let previous = match Store::open_existing(db_path)? {
        Some(store) => {
            let mut states = Vec::with_capacity(sources.len());
            for source in sources {
                states.push(match source {
                    Source::Remote(url) => store.source_state(url.as_str())?,
                    Source::Local(_) => None,
                });
            }
            states
        }
        None => vec![None; sources.len()],
    };

    let mut fetched = Vec::with_capacity(sources.len());
    let mut failures = Vec::new();
    for (source, state) in sources.iter().zip(previous) {
        let result = match (source, &downloader) {
            (Source::Remote(url), Some(d)) => fetch_remote(d, url, state, dir, progress),
            (Source::Local(path), _) => read_local(path, progress),
            (Source::Remote(_), None) => Err("internal: no HTTP client".to_owned()),
        };
        match result {
            Ok(f) => fetched.push((source.to_string(), f)),
            Err(error) => failures.push(Failure {
                source: source.to_string(),
                error,
            }),
        }
    }
    if !failures.is_empty() {
        return Err(UpdateError::Failed { failures });
    }

    let store = Store::open_or_create(db_path)?;
    let mut reports = Vec::with_capacity(fetched.len());
    for (source, f) in fetched {
        let outcome = match f {
            Fetched::Records {
                records,
                summary,
                state,
            } => {
                progress.importing(&source);
                let stats = store.import(&source, records)?;
                // After the import commits: a crash in between costs a re-download only.
                if let Some(state) = state {
                    store.set_source_state(&source, &state)?;
                }
                Outcome::Imported { summary, stats }
            }
            Fetched::NotModified(mut state) => {
                // An import of nothing still records the check in the history, so the
                // database's age (what `scan` warns about) is that of the last confirmation.
                store.import(&format!("{source} (not modified)"), [])?;
                let since = std::mem::replace(&mut state.fetched_at, now());
                store.set_source_state(&source, &state)?;
                Outcome::NotModified {
                    since,
                    records: state.records,
                }
            }
        };
        reports.push(SourceReport { source, outcome });
    }
    Ok(reports)
}

fn fetch_remote(
    downloader: &http::Downloader,
    url: &reqwest::Url,
    state: Option<SourceState>,
    dir: &Path,
    progress: &mut dyn Progress,
) -> Result<Fetched, String> {
    match downloader.fetch(url, state.as_ref(), dir, progress)? {
        http::Fetched::NotModified => Ok(Fetched::NotModified(state.unwrap_or_default())),
        http::Fetched::Body {
            file,
            etag,
            last_modified,
            bytes,
        } => {
            progress.reading(url.as_str());
            let (records, summary) = read_all(file.path()).map_err(|e| {
                format!(
                    "downloaded {bytes} bytes but cannot use them: {}",
                    describe_import_error(&e)
                )
            })?;
            // The temporary file is removed here, before the import: its records are in memory.
            drop(file);
            let state = SourceState {
                etag,
                last_modified,
                fetched_at: now(),
                records: summary.records,
            };
            Ok(Fetched::Records {
                records,
                summary,
                state: Some(state),
            })
        }
    }
}

fn read_local(path: &Path, progress: &mut dyn Progress) -> Result<Fetched, String> {
    progress.reading(&path.display().to_string());
    let (records, summary) = read_all(path).map_err(|e| e.to_string())?;
    Ok(Fetched::Records {
        records,
        summary,
        state: None,
    })
}

/// Reads a whole source into memory; a source without a single record is an error, as in
/// `db import`, because an empty download is a broken mirror, not an empty database.
fn read_all(path: &Path) -> Result<(Vec<Record>, ImportSummary), ReadError> {
    let mut records = Vec::new();
    let summary = import::read_path(path, &mut |imported| records.push(imported.record))
        .map_err(ReadError::Import)?;
    if summary.records == 0 {
        return Err(ReadError::Empty);
    }
    Ok((records, summary))
}

#[derive(Debug, thiserror::Error)]
enum ReadError {
    #[error(transparent)]
    Import(ImportError),
    #[error("no advisory records found (expected OSV JSON or npm advisory files)")]
    Empty,
}

/// An import error without the temporary file's name, which means nothing to the user.
fn describe_import_error(err: &ReadError) -> String {
    match err {
        ReadError::Import(ImportError::Archive { at, detail, .. }) => {
            format!("the archive is truncated or corrupt {at}: {detail}")
        }
        ReadError::Import(ImportError::LimitExceeded { what, limit, .. }) => format!(
            "more than {limit} {what}, the import limit; refusing a possible decompression bomb"
        ),
        ReadError::Import(ImportError::InvalidRecord { reason, .. }) => {
            format!("not an advisory: {reason}")
        }
        other => other.to_string(),
    }
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}
