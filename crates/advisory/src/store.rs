//! The local advisory database: one redb file (ACID, crash-safe, no server).
//!
//! Layout: `records` maps id → the record's compact JSON; `by_package` maps an npm package
//! name → ids (the scan's only lookup); `kinds` maps id → vulnerability / malware / withdrawn
//! (for `db status` without parsing every record); `meta` holds the import history.
//! Each import is one write transaction: it lands whole or not at all.

use std::path::{Path, PathBuf};

use redb::{MultimapTableDefinition, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use crate::osv::Record;

const RECORDS: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("records");
const BY_PACKAGE: MultimapTableDefinition<'_, &str, &str> =
    MultimapTableDefinition::new("by_package");
const KINDS: TableDefinition<'_, &str, u8> = TableDefinition::new("kinds");
const META: TableDefinition<'_, &str, &str> = TableDefinition::new("meta");

const SCHEMA_KEY: &str = "schema";
const SCHEMA: &str = "1";
const HISTORY_KEY: &str = "history";
const COUNTS_KEY: &str = "counts";
/// `meta` key prefix for what `db update` last fetched from a source URL.
const SOURCE_KEY_PREFIX: &str = "source:";

/// Record counts, kept up to date by every import.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Counts {
    vulnerabilities: usize,
    malware: usize,
    withdrawn: usize,
    newest_modified: Option<String>,
}

/// Errors opening, reading or writing the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// redb failed (I/O, corruption, lock).
    #[error("{}: advisory database error: {source}", path.display())]
    Db {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: Box<redb::Error>,
    },
    /// A stored record no longer parses: the file is corrupt or from another version.
    #[error("{}: stored record {id} is corrupt ({reason}); re-import or delete the database", path.display())]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// The record.
        id: String,
        /// Why.
        reason: String,
    },
    /// An import whose input failed part-way; nothing of it was written.
    #[error("{}: import aborted, the database was not changed: {reason}", path.display())]
    Aborted {
        /// The database file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// A database written by an incompatible Portcullis.
    #[error("{}: advisory database schema {found}, this Portcullis reads schema {SCHEMA}; delete it and re-import", path.display())]
    Schema {
        /// The database file.
        path: PathBuf,
        /// What it says.
        found: String,
    },
}

/// What a record is, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// A vulnerability advisory.
    Vulnerability = 0,
    /// A malicious-package report.
    Malware = 1,
    /// Withdrawn: kept, never matched.
    Withdrawn = 2,
}

impl Kind {
    fn of(record: &Record) -> Self {
        if record.withdrawn.is_some() {
            Kind::Withdrawn
        } else if record.is_malicious() {
            Kind::Malware
        } else {
            Kind::Vulnerability
        }
    }
}

/// One import into the database, kept for `db status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportEvent {
    /// File, directory, archive or URL imported.
    pub source: String,
    /// When (RFC 3339).
    pub at: String,
    /// Records read from it (npm or not).
    pub records: usize,
}

/// What `db update` last fetched from one source URL, for conditional requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceState {
    /// The response's `ETag`, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The response's `Last-Modified`, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When the source was last checked (RFC 3339), whether or not it had changed.
    pub fetched_at: String,
    /// Records read from the last download.
    pub records: u64,
}

/// Outcome of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportStats {
    /// New ids.
    pub added: usize,
    /// Existing ids replaced by a newer `modified`.
    pub updated: usize,
    /// Existing ids with the same or newer `modified` already stored.
    pub unchanged: usize,
    /// Records with no npm package (other ecosystems).
    pub not_npm: usize,
}

/// Counts for `db status`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// Vulnerability advisories.
    pub vulnerabilities: usize,
    /// Malicious-package reports.
    pub malware: usize,
    /// Withdrawn records.
    pub withdrawn: usize,
    /// Newest `modified` over all records.
    pub newest_modified: Option<String>,
    /// Import history, oldest first.
    pub history: Vec<ImportEvent>,
}

/// An open advisory database.
pub struct Store {
    db: redb::Database,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database at `path`, creating it (and its folder) if absent.
    pub fn open_or_create(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| db_err(path, redb::Error::Io(e)))?;
        }
        let db = redb::Database::create(path).map_err(|e| db_err(path, e.into()))?;
        let store = Self {
            db,
            path: path.to_owned(),
        };
        store.check_schema()?;
        Ok(store)
    }

    /// Opens an existing database; `Ok(None)` when there is no file at `path`.
    pub fn open_existing(path: &Path) -> Result<Option<Self>, StoreError> {
        if !path.exists() {
            return Ok(None);
        }
        let db = redb::Database::open(path).map_err(|e| db_err(path, e.into()))?;
        let store = Self {
            db,
            path: path.to_owned(),
        };
        store.check_schema()?;
        Ok(Some(store))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        let e = |err: redb::Error| db_err(&self.path, err);
        // The common case reads only: a write transaction would cost an fsync on every scan.
        let read = self.db.begin_read().map_err(|x| e(x.into()))?;
        if let Ok(meta) = read.open_table(META)
            && let Some(found) = meta.get(SCHEMA_KEY).map_err(|x| e(x.into()))?
        {
            let found = found.value();
            return if found == SCHEMA {
                Ok(())
            } else {
                Err(StoreError::Schema {
                    path: self.path.clone(),
                    found: found.to_owned(),
                })
            };
        }
        drop(read);
        let txn = self.db.begin_write().map_err(|x| e(x.into()))?;
        {
            let mut meta = txn.open_table(META).map_err(|x| e(x.into()))?;
            let found = meta
                .get(SCHEMA_KEY)
                .map_err(|x| e(x.into()))?
                .map(|v| v.value().to_owned());
            match found {
                Some(v) if v == SCHEMA => {}
                Some(v) => {
                    return Err(StoreError::Schema {
                        path: self.path.clone(),
                        found: v,
                    });
                }
                // A redb file without our schema key is new (or empty): claim it.
                None => {
                    meta.insert(SCHEMA_KEY, SCHEMA).map_err(|x| e(x.into()))?;
                }
            }
            txn.open_table(RECORDS).map_err(|x| e(x.into()))?;
            txn.open_multimap_table(BY_PACKAGE)
                .map_err(|x| e(x.into()))?;
            txn.open_table(KINDS).map_err(|x| e(x.into()))?;
        }
        txn.commit().map_err(|x| e(x.into()))
    }

    /// Imports `records` from `source` in one transaction. A record replaces a stored one with
    /// the same id only when its `modified` is newer, so re-importing is idempotent.
    pub fn import(
        &self,
        source: &str,
        records: impl IntoIterator<Item = Record>,
    ) -> Result<ImportStats, StoreError> {
        self.import_streaming(source, records.into_iter().map(Ok))
    }

    /// Like [`Store::import`], for records that arrive while they are read (so a large
    /// archive never sits in memory whole): the first `Err` aborts the transaction, leaving
    /// the database exactly as it was, and is returned as [`StoreError::Aborted`].
    pub fn import_streaming(
        &self,
        source: &str,
        records: impl IntoIterator<Item = Result<Record, String>>,
    ) -> Result<ImportStats, StoreError> {
        let e = |err: redb::Error| db_err(&self.path, err);
        let mut stats = ImportStats::default();
        let mut read = 0;
        let mut newest: Option<String> = None;
        let txn = self.db.begin_write().map_err(|x| e(x.into()))?;
        {
            let mut by_id = txn.open_table(RECORDS).map_err(|x| e(x.into()))?;
            let mut by_package = txn
                .open_multimap_table(BY_PACKAGE)
                .map_err(|x| e(x.into()))?;
            let mut kinds = txn.open_table(KINDS).map_err(|x| e(x.into()))?;
            for record in records {
                // Returning drops the transaction uncommitted: redb rolls it back.
                let record = record.map_err(|reason| StoreError::Aborted {
                    path: self.path.clone(),
                    reason,
                })?;
                read += 1;
                let names: Vec<&str> = record
                    .npm_affected()
                    .filter_map(|a| a.package.as_ref())
                    .map(|p| p.name.as_str())
                    .collect();
                if names.is_empty() {
                    stats.not_npm += 1;
                    continue;
                }
                let old: Option<Record> =
                    match by_id.get(record.id.as_str()).map_err(|x| e(x.into()))? {
                        Some(bytes) => Some(self.decode(&record.id, bytes.value())?),
                        None => None,
                    };
                if let Some(old) = &old {
                    if !is_newer(&record.modified, &old.modified) {
                        stats.unchanged += 1;
                        continue;
                    }
                    for a in old.npm_affected().filter_map(|a| a.package.as_ref()) {
                        by_package
                            .remove(a.name.as_str(), old.id.as_str())
                            .map_err(|x| e(x.into()))?;
                    }
                    stats.updated += 1;
                } else {
                    stats.added += 1;
                }
                if newest
                    .as_deref()
                    .is_none_or(|n| is_newer(&record.modified, n))
                {
                    newest = Some(record.modified.clone());
                }
                let json = serde_json::to_vec(&record).map_err(|x| self.corrupt(&record.id, &x))?;
                by_id
                    .insert(record.id.as_str(), json.as_slice())
                    .map_err(|x| e(x.into()))?;
                kinds
                    .insert(record.id.as_str(), Kind::of(&record) as u8)
                    .map_err(|x| e(x.into()))?;
                for name in names {
                    by_package
                        .insert(name, record.id.as_str())
                        .map_err(|x| e(x.into()))?;
                }
            }
            let mut meta = txn.open_table(META).map_err(|x| e(x.into()))?;
            // Counts are kept in `meta` so that every scan reads them without touching records.
            let mut counts = Counts::default();
            for row in kinds.iter().map_err(|x| e(x.into()))? {
                let (_, kind) = row.map_err(|x| e(x.into()))?;
                match kind.value() {
                    0 => counts.vulnerabilities += 1,
                    1 => counts.malware += 1,
                    _ => counts.withdrawn += 1,
                }
            }
            let previous: Option<Counts> = match meta.get(COUNTS_KEY).map_err(|x| e(x.into()))? {
                Some(v) => serde_json::from_str(v.value()).ok(),
                None => None,
            };
            counts.newest_modified = match (previous.and_then(|p| p.newest_modified), newest) {
                (Some(p), Some(n)) => Some(if is_newer(&n, &p) { n } else { p }),
                (p, n) => p.or(n),
            };
            let json = serde_json::to_string(&counts).map_err(|x| self.corrupt(COUNTS_KEY, &x))?;
            meta.insert(COUNTS_KEY, json.as_str())
                .map_err(|x| e(x.into()))?;
            let mut history: Vec<ImportEvent> =
                match meta.get(HISTORY_KEY).map_err(|x| e(x.into()))? {
                    Some(v) => serde_json::from_str(v.value())
                        .map_err(|x| self.corrupt(HISTORY_KEY, &x))?,
                    None => Vec::new(),
                };
            history.push(ImportEvent {
                source: source.to_owned(),
                at: jiff::Timestamp::now().to_string(),
                records: read,
            });
            // The history is for humans: keep the most recent imports only.
            let excess = history.len().saturating_sub(50);
            history.drain(..excess);
            let json =
                serde_json::to_string(&history).map_err(|x| self.corrupt(HISTORY_KEY, &x))?;
            meta.insert(HISTORY_KEY, json.as_str())
                .map_err(|x| e(x.into()))?;
        }
        txn.commit().map_err(|x| e(x.into()))?;
        Ok(stats)
    }

    /// Every stored record naming npm package `name`.
    pub fn records_for(&self, name: &str) -> Result<Vec<Record>, StoreError> {
        let e = |err: redb::Error| db_err(&self.path, err);
        let txn = self.db.begin_read().map_err(|x| e(x.into()))?;
        let by_package = txn
            .open_multimap_table(BY_PACKAGE)
            .map_err(|x| e(x.into()))?;
        let by_id = txn.open_table(RECORDS).map_err(|x| e(x.into()))?;
        let mut out = Vec::new();
        for id in by_package.get(name).map_err(|x| e(x.into()))? {
            let id = id.map_err(|x| e(x.into()))?;
            if let Some(bytes) = by_id.get(id.value()).map_err(|x| e(x.into()))? {
                out.push(self.decode(id.value(), bytes.value())?);
            }
        }
        Ok(out)
    }

    /// Counts and history, from `meta` alone (cheap enough for every scan).
    pub fn status(&self) -> Result<Status, StoreError> {
        let e = |err: redb::Error| db_err(&self.path, err);
        let txn = self.db.begin_read().map_err(|x| e(x.into()))?;
        let meta = txn.open_table(META).map_err(|x| e(x.into()))?;
        let counts: Counts = match meta.get(COUNTS_KEY).map_err(|x| e(x.into()))? {
            Some(v) => serde_json::from_str(v.value()).map_err(|x| self.corrupt(COUNTS_KEY, &x))?,
            None => Counts::default(),
        };
        let history = match meta.get(HISTORY_KEY).map_err(|x| e(x.into()))? {
            Some(v) => {
                serde_json::from_str(v.value()).map_err(|x| self.corrupt(HISTORY_KEY, &x))?
            }
            None => Vec::new(),
        };
        Ok(Status {
            vulnerabilities: counts.vulnerabilities,
            malware: counts.malware,
            withdrawn: counts.withdrawn,
            newest_modified: counts.newest_modified,
            history,
        })
    }

    /// What `db update` last fetched from `url`, if it ever did.
    pub fn source_state(&self, url: &str) -> Result<Option<SourceState>, StoreError> {
        let e = |err: redb::Error| db_err(&self.path, err);
        let key = format!("{SOURCE_KEY_PREFIX}{url}");
        let txn = self.db.begin_read().map_err(|x| e(x.into()))?;
        let meta = txn.open_table(META).map_err(|x| e(x.into()))?;
        match meta.get(key.as_str()).map_err(|x| e(x.into()))? {
            Some(v) => serde_json::from_str(v.value())
                .map(Some)
                .map_err(|x| self.corrupt(&key, &x)),
            None => Ok(None),
        }
    }

    /// Records what `db update` fetched from `url`, in its own transaction. Written after the
    /// records' import commits, so a crash between the two costs a re-download, never a
    /// skipped one.
    pub fn set_source_state(&self, url: &str, state: &SourceState) -> Result<(), StoreError> {
        let e = |err: redb::Error| db_err(&self.path, err);
        let key = format!("{SOURCE_KEY_PREFIX}{url}");
        let json = serde_json::to_string(state).map_err(|x| self.corrupt(&key, &x))?;
        let txn = self.db.begin_write().map_err(|x| e(x.into()))?;
        {
            let mut meta = txn.open_table(META).map_err(|x| e(x.into()))?;
            meta.insert(key.as_str(), json.as_str())
                .map_err(|x| e(x.into()))?;
        }
        txn.commit().map_err(|x| e(x.into()))
    }

    fn decode(&self, id: &str, bytes: &[u8]) -> Result<Record, StoreError> {
        serde_json::from_slice(bytes).map_err(|x| self.corrupt(id, &x))
    }

    fn corrupt(&self, id: &str, err: &serde_json::Error) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            id: id.to_owned(),
            reason: err.to_string(),
        }
    }
}

fn db_err(path: &Path, source: redb::Error) -> StoreError {
    StoreError::Db {
        path: path.to_owned(),
        source: Box::new(source),
    }
}

/// `a` is strictly later than `b`. RFC 3339 strings are compared as instants (fractional
/// seconds and offsets make plain string order wrong); unparseable ones as strings.
pub fn is_newer(a: &str, b: &str) -> bool {
    match (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
        (Ok(x), Ok(y)) => x > y,
        _ => a > b,
    }
}

/// The default database location: `$PORTCULLIS_DB`, else the user cache directory
/// (`$XDG_CACHE_HOME`, else `~/.cache`; `~/Library/Caches` on macOS).
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PORTCULLIS_DB").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            let home = PathBuf::from(std::env::var_os("HOME")?);
            Some(if cfg!(target_os = "macos") {
                home.join("Library/Caches")
            } else {
                home.join(".cache")
            })
        })?;
    Some(cache.join("portcullis").join("advisories.redb"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, name: &str, modified: &str, summary: &str) -> Record {
        serde_json::from_value(serde_json::json!({
            "id": id, "modified": modified, "summary": summary,
            "affected": [{"package": {"ecosystem": "npm", "name": name}, "versions": ["1.0.0"]}]
        }))
        .expect("record")
    }

    #[test]
    fn import_is_idempotent_and_newer_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/db.redb");
        let store = Store::open_or_create(&path).expect("create");
        let a = record("GHSA-1", "lodash", "2020-01-01T00:00:00Z", "old");
        let stats = store
            .import(
                "test",
                [
                    a.clone(),
                    record(
                        "MAL-1",
                        "evil",
                        "2021-01-01T00:00:00Z",
                        "Malicious code in evil",
                    ),
                ],
            )
            .expect("import");
        assert_eq!((stats.added, stats.updated, stats.unchanged), (2, 0, 0));
        let stats = store.import("test", [a.clone()]).expect("reimport");
        assert_eq!((stats.added, stats.updated, stats.unchanged), (0, 0, 1));
        // A fractional-second timestamp that is later, though it sorts earlier as a string.
        let newer = record("GHSA-1", "lodash-es", "2020-01-01T00:00:00.5Z", "new");
        let stats = store.import("test", [newer]).expect("update");
        assert_eq!(stats.updated, 1);
        assert!(
            store.records_for("lodash").expect("read").is_empty(),
            "old package index entry removed"
        );
        assert_eq!(
            store.records_for("lodash-es").expect("read")[0]
                .summary
                .as_deref(),
            Some("new")
        );
        let status = store.status().expect("status");
        assert_eq!((status.vulnerabilities, status.malware), (1, 1));
        assert_eq!(
            status.newest_modified.as_deref(),
            Some("2021-01-01T00:00:00Z")
        );
        assert_eq!(status.history.len(), 3);
        drop(store);
        let reopened = Store::open_existing(&path).expect("open").expect("exists");
        assert_eq!(reopened.records_for("evil").expect("read").len(), 1);
    }

    #[test]
    fn a_failed_stream_changes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_or_create(&dir.path().join("db.redb")).expect("create");
        let stream = vec![
            Ok(record("GHSA-9", "a", "2020-01-01T00:00:00Z", "s")),
            Err("archive truncated".to_owned()),
        ];
        let err = store.import_streaming("t", stream).expect_err("aborted");
        assert!(err.to_string().contains("archive truncated"), "{err}");
        assert!(store.records_for("a").expect("read").is_empty());
        assert!(store.status().expect("status").history.is_empty());
    }

    #[test]
    fn missing_and_non_npm() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(
            Store::open_existing(&dir.path().join("none.redb"))
                .expect("ok")
                .is_none()
        );
        let store = Store::open_or_create(&dir.path().join("db.redb")).expect("create");
        let mut r = record("GHSA-2", "x", "2020-01-01T00:00:00Z", "s");
        r.affected[0].package.as_mut().expect("pkg").ecosystem = "PyPI".into();
        assert_eq!(store.import("t", [r]).expect("import").not_npm, 1);
    }

    #[test]
    fn source_state_round_trips_per_url() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("db.redb");
        let store = Store::open_or_create(&path).expect("create");
        let url = "http://127.0.0.1:1/all.zip";
        assert_eq!(store.source_state(url).expect("read"), None);
        let state = SourceState {
            etag: Some("\"abc\"".into()),
            last_modified: None,
            fetched_at: "2026-01-01T00:00:00Z".into(),
            records: 3,
        };
        store.set_source_state(url, &state).expect("write");
        assert_eq!(store.source_state(url).expect("read"), Some(state.clone()));
        assert_eq!(
            store
                .source_state("http://127.0.0.1:1/other.zip")
                .expect("read"),
            None
        );
        // Source state is not an import: counts and history stay as they were.
        let status = store.status().expect("status");
        assert_eq!((status.vulnerabilities, status.history.len()), (0, 0));
        drop(store);
        let reopened = Store::open_existing(&path).expect("open").expect("exists");
        assert_eq!(reopened.source_state(url).expect("read"), Some(state));
    }

    #[test]
    fn garbage_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("db.redb");
        std::fs::write(&path, b"not a database at all, just text").expect("write");
        let err = Store::open_existing(&path).expect_err("garbage");
        assert!(err.to_string().contains("advisory database error"), "{err}");
    }
}
