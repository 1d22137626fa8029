//! Reading advisories from disk: single JSON files, directories, `.zip`, `.tar`, `.tar.gz` and
//! `.tar.zst` archives, each JSON document an OSV record or an npm legacy advisory.
//!
//! Reading streams: records go to a sink one at a time, and at most one file or archive entry
//! is held in memory, so a 20,000-record archive costs one record's worth of memory plus the
//! decompressor's window. Archives are treated as hostile: every entry, the archive's total
//! decompressed size and its entry count are bounded ([`Limits`]), and links and entries whose
//! path would escape the archive are skipped with a reason.
//!
//! What is fatal and what is not: in a bulk import (a directory or an archive) a document that
//! is not an advisory is skipped and reported in [`ImportSummary::skipped`], because one bad
//! record among thousands should not block the rest. A path that cannot be read, a format that
//! is not known, a truncated or corrupt archive, a limit exceeded, or a single JSON file named
//! directly that is not an advisory is an [`ImportError`]: the import could not do its job.

mod archive;
mod legacy;
mod walk;
mod zstd;

#[cfg(test)]
mod tests;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

pub use legacy::{
    LEGACY_ID_PREFIX, LegacyError, NPM_LEGACY_ID, NPM_PATCHED_VERSIONS, NPM_VULNERABLE_VERSIONS,
    is_legacy, legacy_to_osv,
};

use crate::osv;

/// One record read from disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The record (legacy advisories already converted to OSV).
    pub record: osv::Record,
    /// Where it came from: a file path, or `archive!entry/path.json` for an archive entry.
    pub origin: String,
}

/// A document that was read but not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// A file path, or `archive!entry/path`.
    pub origin: String,
    /// Why it was skipped, as a sentence fragment for the user.
    pub reason: String,
}

/// What one [`read_path`] call did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// JSON files or archive entries whose contents were read (imported or skipped as invalid).
    pub files_read: u64,
    /// Records handed to the sink.
    pub records: u64,
    /// Uncompressed bytes of JSON read.
    pub bytes_read: u64,
    /// Entries that were not imported, with the reason, in reading order.
    pub skipped: Vec<Skipped>,
    /// Files that are not advisories by name (not `.json`) and hidden directories, not read.
    pub ignored: u64,
}

/// Bounds on what an import may read. The defaults are far above real advisory data (an OSV
/// record is a few KB; osv.dev's whole npm export is under 1 GB unpacked) and far below what
/// would exhaust a developer machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single JSON document, in bytes; larger files and entries are skipped.
    pub max_entry_bytes: u64,
    /// Largest total decompressed size of one archive; exceeding it is an error.
    pub max_archive_bytes: u64,
    /// Most entries in one archive (directories and headers included); more is an error.
    pub max_archive_entries: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entry_bytes: 16 << 20,
            max_archive_bytes: 4 << 30,
            max_archive_entries: 2_000_000,
        }
    }
}

/// Why an import could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A path could not be opened, listed or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path, as precise as known (the file inside a directory, not the directory).
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Neither a directory nor a file with a known extension.
    #[error(
        "{}: not a known advisory source; expected a directory, a .json file (an OSV record or \
         an npm legacy advisory), or a .zip, .tar, .tar.gz, .tgz or .tar.zst archive of them",
        path.display()
    )]
    UnknownFormat {
        /// The path.
        path: PathBuf,
    },
    /// A JSON file named directly is not an advisory.
    #[error("{}: not an advisory: {reason}", path.display())]
    InvalidRecord {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// An archive is truncated or corrupt.
    #[error("{}: archive is truncated or corrupt {at}: {detail}", archive.display())]
    Archive {
        /// The archive file.
        archive: PathBuf,
        /// Where: `in entry \`x\``, `after entry \`x\``, or `before the first entry`.
        at: String,
        /// The decoder's or reader's description.
        detail: String,
    },
    /// An archive exceeds one of the [`Limits`].
    #[error(
        "{}: more than {limit} {what}, the import limit; refusing a possible decompression bomb",
        archive.display()
    )]
    LimitExceeded {
        /// The archive file.
        archive: PathBuf,
        /// What was counted: `decompressed bytes` or `entries`.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
}

/// Why a JSON document is not an advisory.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Not JSON at all.
    #[error("not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// JSON, but neither an OSV record nor an npm legacy advisory.
    #[error("not an OSV record: {0}")]
    NotOsv(#[source] serde_json::Error),
    /// An npm legacy advisory that cannot be converted.
    #[error("npm legacy advisory: {0}")]
    Legacy(#[from] LegacyError),
    /// An OSV record with an unusable `id` or `modified`.
    #[error("invalid `{field}`: {problem}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
}

/// Reads every advisory under `path` with the default [`Limits`], handing each record to `sink`.
///
/// `path` is a directory (read recursively, in byte order of names), a `.json` file, or a
/// `.zip`, `.tar`, `.tar.gz`/`.tgz` or `.tar.zst` archive of JSON files.
pub fn read_path(
    path: &Path,
    sink: &mut dyn FnMut(Imported),
) -> Result<ImportSummary, ImportError> {
    read_path_with(path, &Limits::default(), &mut |imported| {
        sink(imported);
        ControlFlow::Continue(())
    })
}

/// [`read_path`] with explicit limits and a sink that can stop the import early (a store that
/// failed to write, say); after `Break` nothing more is read and the summary covers what was.
pub fn read_path_with(
    path: &Path,
    limits: &Limits,
    sink: &mut dyn FnMut(Imported) -> ControlFlow<()>,
) -> Result<ImportSummary, ImportError> {
    let mut reader = Reader::new(*limits, sink);
    // The path the user named is followed even if it is a symlink: they chose it.
    let meta = std::fs::metadata(path).map_err(|source| io_error(path, source))?;
    if meta.is_dir() {
        walk::read_dir_tree(&mut reader, path)?;
        return Ok(reader.summary);
    }
    match Kind::of(path) {
        Some(Kind::Json) => walk::read_single_json(&mut reader, path)?,
        Some(Kind::Zip) => archive::read_zip(&mut reader, path)?,
        Some(Kind::Tar(compression)) => archive::read_tar_file(&mut reader, path, compression)?,
        None => {
            return Err(ImportError::UnknownFormat {
                path: path.to_path_buf(),
            });
        }
    }
    Ok(reader.summary)
}

/// Parses one JSON document: an OSV record, or an npm legacy advisory (detected by its
/// `module_name` and `vulnerable_versions` fields) converted to OSV.
pub fn parse_document(bytes: &[u8]) -> Result<osv::Record, RecordError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // OSV first and directly into the model: almost every document is OSV, and a legacy
    // advisory never parses as one (its `id` is a number and it has no `modified`).
    let record = match serde_json::from_slice::<osv::Record>(bytes) {
        Ok(record) => record,
        Err(osv_error) if osv_error.is_data() => {
            let value: serde_json::Value =
                serde_json::from_slice(bytes).map_err(RecordError::Json)?;
            if !is_legacy(&value) {
                return Err(RecordError::NotOsv(osv_error));
            }
            legacy_to_osv(&value)?
        }
        Err(error) => return Err(RecordError::Json(error)),
    };
    validate(&record)?;
    Ok(record)
}

/// True when `s` is an RFC 3339 date-time (`2024-01-31T12:00:00Z`, fractions and offsets
/// allowed): the form OSV requires for `modified`, and the one a store can order by.
pub fn is_rfc3339(s: &str) -> bool {
    let Some((head, rest)) = s.as_bytes().split_at_checked(19) else {
        return false;
    };
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        t,
        h0,
        h1,
        b':',
        i0,
        i1,
        b':',
        s0,
        s1,
    ] = *head
    else {
        return false;
    };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, i0, i1, s0, s1];
    if !t.eq_ignore_ascii_case(&b'T') || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    // Two ASCII digits, already checked, so this cannot overflow.
    let two = |a: u8, b: u8| (a - b'0') * 10 + (b - b'0');
    // Leap seconds (60) are valid RFC 3339.
    if !(1..=12).contains(&two(m0, m1))
        || !(1..=31).contains(&two(d0, d1))
        || two(h0, h1) > 23
        || two(i0, i1) > 59
        || two(s0, s1) > 60
    {
        return false;
    }
    let offset = match rest.strip_prefix(b".") {
        Some(fraction) => {
            let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
            match fraction.get(n..) {
                Some(offset) if n > 0 => offset,
                _ => return false,
            }
        }
        None => rest,
    };
    match *offset {
        [z] => z.eq_ignore_ascii_case(&b'Z'),
        [sign, h0, h1, b':', m0, m1] => {
            (sign == b'+' || sign == b'-')
                && [h0, h1, m0, m1].iter().all(u8::is_ascii_digit)
                && two(h0, h1) <= 23
                && two(m0, m1) <= 59
        }
        _ => false,
    }
}

/// The checks serde cannot express: ids and timestamps the store keys and orders by.
fn validate(record: &osv::Record) -> Result<(), RecordError> {
    let id = record.id.as_str();
    if id.is_empty() || id.len() > 256 || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RecordError::Invalid {
            field: "id",
            problem: format!("{id:?} is not an advisory id"),
        });
    }
    if !is_rfc3339(&record.modified) {
        return Err(RecordError::Invalid {
            field: "modified",
            problem: format!("{:?} is not an RFC 3339 timestamp", record.modified),
        });
    }
    Ok(())
}

/// What a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Zip,
    Tar(Compression),
}

/// The compression around a tar stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Kind {
    fn of(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let kind = if name.ends_with(".json") {
            Self::Json
        } else if name.ends_with(".zip") {
            Self::Zip
        } else if name.ends_with(".tar.zst") || name.ends_with(".tzst") {
            Self::Tar(Compression::Zstd)
        } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Self::Tar(Compression::Gzip)
        } else if name.ends_with(".tar") {
            Self::Tar(Compression::None)
        } else {
            return None;
        };
        Some(kind)
    }
}

/// True for names the bulk readers import: `*.json`, any case.
fn is_json_name(name: &str) -> bool {
    name.len() > 5
        && name
            .get(name.len() - 5..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".json"))
}

/// State shared by the readers of one import: limits, the sink, the running summary, and one
/// reusable buffer for file contents.
struct Reader<'s> {
    limits: Limits,
    sink: &'s mut dyn FnMut(Imported) -> ControlFlow<()>,
    summary: ImportSummary,
    buf: Vec<u8>,
}

impl<'s> Reader<'s> {
    fn new(limits: Limits, sink: &'s mut dyn FnMut(Imported) -> ControlFlow<()>) -> Self {
        Self {
            limits,
            sink,
            summary: ImportSummary::default(),
            buf: Vec::new(),
        }
    }

    /// Imports the document in `self.buf` from a bulk source: a bad document is skipped.
    fn accept_buf(&mut self, origin: String) -> ControlFlow<()> {
        self.summary.files_read += 1;
        self.summary.bytes_read += self.buf.len() as u64;
        match parse_document(&self.buf) {
            Ok(record) => self.emit(record, origin),
            Err(error) => {
                self.skip(origin, error.to_string());
                ControlFlow::Continue(())
            }
        }
    }

    fn emit(&mut self, record: osv::Record, origin: String) -> ControlFlow<()> {
        self.summary.records += 1;
        (self.sink)(Imported { record, origin })
    }

    fn skip(&mut self, origin: String, reason: String) {
        self.summary.skipped.push(Skipped { origin, reason });
    }
}

fn io_error(path: &Path, source: std::io::Error) -> ImportError {
    ImportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `16 MiB`, `4 GiB`, or bytes: limits read better in the unit they were set in.
fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}
