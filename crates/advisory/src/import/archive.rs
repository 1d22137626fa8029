//! Archives of advisories: `.zip` (osv.dev's per-ecosystem `all.zip`) and `.tar`, `.tar.gz`
//! and `.tar.zst` (as the malicious-packages bulk exports are shipped).
//!
//! Nothing is extracted to disk: entries are read into memory one at a time and parsed. Even
//! so an archive is hostile input. Every entry is bounded by [`Limits::max_entry_bytes`], the
//! archive's total decompressed size by [`Limits::max_archive_bytes`] (counted on the
//! decompressed stream, so skipped entries count too) and its entry count by
//! [`Limits::max_archive_entries`]. Links and entries whose path is absolute or climbs out
//! with `..` are skipped with a reason: a legitimate advisory export has neither, so they are
//! worth reporting even though reading them here would be harmless.
//!
//! Truncation: a compressed stream cut short fails in its decoder; a tar stream cut exactly
//! at an entry boundary is caught by the missing end-of-archive marker; a zip without its
//! central directory fails to open. Each is an [`ImportError::Archive`] naming the archive and
//! the entry being read (or the last one read).
//!
//! [`Limits::max_entry_bytes`]: super::Limits::max_entry_bytes
//! [`Limits::max_archive_bytes`]: super::Limits::max_archive_bytes
//! [`Limits::max_archive_entries`]: super::Limits::max_archive_entries

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use super::walk::too_large;
use super::zstd::ZstdReader;
use super::{Compression, ImportError, Reader, human_bytes, io_error, is_json_name};

/// Largest GNU long-name or pax header accepted. The tar crate would read these into memory
/// whole, so they are bounded before it does; real ones are a few hundred bytes.
const MAX_META_BYTES: u64 = 1 << 20;

const TAR_BLOCK: u64 = 512;

/// Reads a `.tar`, `.tar.gz`/`.tgz` or `.tar.zst` file.
pub(super) fn read_tar_file(
    reader: &mut Reader<'_>,
    path: &Path,
    compression: Compression,
) -> Result<(), ImportError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let buffered = BufReader::with_capacity(64 << 10, file);
    match compression {
        Compression::None => read_tar(reader, path, buffered),
        // Multi-member: concatenated gzip files are one valid gzip stream.
        Compression::Gzip => read_tar(reader, path, flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::Zstd => read_tar(reader, path, ZstdReader::new(buffered)),
    }
}

/// Reads a decompressed tar stream.
fn read_tar<R: Read>(reader: &mut Reader<'_>, path: &Path, stream: R) -> Result<(), ImportError> {
    let limits = reader.limits;
    let budget = Rc::new(Budget {
        read: Cell::new(0),
        limit: limits.max_archive_bytes,
        exceeded: Cell::new(false),
    });
    let failure = Failure {
        archive: path,
        budget: &budget,
    };
    let mut archive = tar::Archive::new(Counted {
        inner: stream,
        budget: Rc::clone(&budget),
    });

    let mut last: Option<String> = None;
    let after_last = |last: &Option<String>| match last {
        Some(name) => format!("after entry `{name}`"),
        None => "before the first entry".to_owned(),
    };
    // Raw mode: GNU long names and pax headers are handled here, after a size check, instead
    // of being read whole (unbounded) by the tar crate.
    let mut entries = archive
        .entries()
        .map_err(|e| failure.error(after_last(&last), &e))?
        .raw(true);
    let mut count: u64 = 0;
    let mut end_of_last: u64 = 0;
    let mut long_name: Option<Vec<u8>> = None;
    let mut pax_path: Option<Vec<u8>> = None;
    loop {
        let mut entry = match entries.next() {
            None => break,
            Some(Ok(entry)) => entry,
            Some(Err(e)) => return Err(failure.error(after_last(&last), &e)),
        };
        count += 1;
        if count > limits.max_archive_entries {
            return Err(ImportError::LimitExceeded {
                archive: path.to_path_buf(),
                what: "entries",
                limit: limits.max_archive_entries,
            });
        }
        let size = entry.size();
        end_of_last = size
            .div_ceil(TAR_BLOCK)
            .checked_mul(TAR_BLOCK)
            .and_then(|padded| entry.raw_file_position().checked_add(padded))
            .ok_or_else(|| {
                failure.error(after_last(&last), &io::Error::other("entry size overflows"))
            })?;
        let kind = entry.header().entry_type();

        if kind.is_gnu_longname() || kind.is_pax_local_extensions() {
            let what = if kind.is_gnu_longname() {
                "GNU long-name header"
            } else {
                "pax extended header"
            };
            if size > MAX_META_BYTES {
                let detail = format!(
                    "{what} of {size} bytes, over the {} limit",
                    human_bytes(MAX_META_BYTES)
                );
                return Err(failure.error(after_last(&last), &io::Error::other(detail)));
            }
            if kind.is_gnu_longname() {
                let mut name = Vec::new();
                entry
                    .read_to_end(&mut name)
                    .map_err(|e| failure.error(after_last(&last), &e))?;
                while name.last() == Some(&0) {
                    name.pop();
                }
                long_name = Some(name);
            } else {
                pax_path =
                    read_pax_path(&mut entry).map_err(|e| failure.error(after_last(&last), &e))?;
            }
            continue;
        }
        // Global pax headers carry no names, and long link names matter only for links,
        // which are skipped anyway.
        if kind.is_pax_global_extensions() || kind.is_gnu_longlink() {
            continue;
        }

        let name_bytes = match (pax_path.take(), long_name.take()) {
            (Some(name), _) | (None, Some(name)) => name,
            (None, None) => entry.path_bytes().into_owned(),
        };
        let name = String::from_utf8_lossy(&name_bytes).into_owned();
        let origin = format!("{}!{name}", path.display());
        last = Some(name);
        let name = last.as_deref().unwrap_or_default();

        if let Some(problem) = entry_path_problem(name) {
            reader.skip(origin, problem.to_owned());
            continue;
        }
        if kind.is_dir() {
            continue;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            reader.skip(origin, "link entry, not followed".to_owned());
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            reader.skip(
                origin,
                format!("unsupported tar entry type {:?}", kind.as_byte() as char),
            );
            continue;
        }
        if !is_json_name(name) {
            reader.summary.ignored += 1;
            continue;
        }
        if size > limits.max_entry_bytes {
            reader.skip(origin, too_large(size, limits.max_entry_bytes));
            continue;
        }
        reader.buf.clear();
        let read = entry
            .read_to_end(&mut reader.buf)
            .map_err(|e| failure.error(format!("in entry `{name}`"), &e))?;
        if (read as u64) < size {
            let detail = format!("the data ends after {read} of {size} bytes");
            return Err(failure.error(
                format!("in entry `{name}`"),
                &io::Error::new(io::ErrorKind::UnexpectedEof, detail),
            ));
        }
        if reader.accept_buf(origin).is_break() {
            return Ok(());
        }
    }

    // The tar crate reads the first zero block of the end-of-archive marker; if the stream
    // ended exactly where the last entry did, that marker never came: the archive was cut.
    if budget.read.get() == end_of_last {
        let detail = io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the archive ends without its end-of-archive marker",
        );
        return Err(failure.error(after_last(&last), &detail));
    }
    // Decode to the end, so that the gzip trailer and zstd checksums are verified too.
    io::copy(&mut archive.into_inner(), &mut io::sink())
        .map_err(|e| failure.error(after_last(&last), &e))?;
    Ok(())
}

/// The `path` record of a pax extended header, if any.
fn read_pax_path<R: Read>(entry: &mut tar::Entry<'_, R>) -> io::Result<Option<Vec<u8>>> {
    let mut path = None;
    if let Some(extensions) = entry.pax_extensions()? {
        for extension in extensions {
            let extension = extension?;
            if extension.key_bytes() == b"path" {
                path = Some(extension.value_bytes().to_vec());
            }
        }
    }
    Ok(path)
}

/// Reads a `.zip` file. Entries are visited in central-directory order.
pub(super) fn read_zip(reader: &mut Reader<'_>, path: &Path) -> Result<(), ImportError> {
    let limits = reader.limits;
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let archive_error = |at: String, detail: String| ImportError::Archive {
        archive: path.to_path_buf(),
        at,
        detail,
    };
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        archive_error(
            "in its central directory (the index at the end of a zip)".to_owned(),
            describe(&e),
        )
    })?;
    if zip.len() as u64 > limits.max_archive_entries {
        return Err(ImportError::LimitExceeded {
            archive: path.to_path_buf(),
            what: "entries",
            limit: limits.max_archive_entries,
        });
    }
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let name = match zip.name_for_index(index) {
            Some(Ok(name)) => name.into_owned(),
            _ => format!("#{index} (unreadable name)"),
        };
        let origin = format!("{}!{name}", path.display());
        if let Some(problem) = entry_path_problem(&name) {
            reader.skip(origin, problem.to_owned());
            continue;
        }
        let mut entry = match zip.by_index(index) {
            Ok(entry) => entry,
            // Encryption or a compression method this build does not decode: one entry's
            // problem, not the archive's.
            Err(
                e @ (zip::result::ZipError::UnsupportedArchive(_)
                | zip::result::ZipError::CompressionMethodNotSupported(_)),
            ) => {
                reader.skip(origin, format!("unsupported zip entry: {e}"));
                continue;
            }
            Err(e) => return Err(archive_error(format!("in entry `{name}`"), describe(&e))),
        };
        if entry.is_dir() {
            continue;
        }
        if entry.is_symlink() {
            reader.skip(origin, "link entry, not followed".to_owned());
            continue;
        }
        if !is_json_name(&name) {
            reader.summary.ignored += 1;
            continue;
        }
        if entry.size() > limits.max_entry_bytes {
            reader.skip(origin, too_large(entry.size(), limits.max_entry_bytes));
            continue;
        }
        reader.buf.clear();
        // The declared size is the archive's claim; the read is bounded regardless.
        let read = (&mut entry)
            .take(limits.max_entry_bytes.saturating_add(1))
            .read_to_end(&mut reader.buf)
            .map_err(|e| archive_error(format!("in entry `{name}`"), describe(&e)))?
            as u64;
        drop(entry);
        if read > limits.max_entry_bytes {
            reader.skip(
                origin,
                format!(
                    "declares {} bytes but inflates past the {} limit for one advisory",
                    read,
                    human_bytes(limits.max_entry_bytes)
                ),
            );
            continue;
        }
        total = total.saturating_add(read);
        if total > limits.max_archive_bytes {
            return Err(ImportError::LimitExceeded {
                archive: path.to_path_buf(),
                what: "decompressed bytes",
                limit: limits.max_archive_bytes,
            });
        }
        if reader.accept_buf(origin).is_break() {
            return Ok(());
        }
    }
    Ok(())
}

/// Why an entry's path is rejected: absolute, or climbing out with `..`. Both separators are
/// checked because zips written on Windows use `\`.
fn entry_path_problem(name: &str) -> Option<&'static str> {
    if name.contains('\0') {
        return Some("entry name contains a NUL byte, rejected");
    }
    let bytes = name.as_bytes();
    let drive = matches!(bytes, [letter, b':', ..] if letter.is_ascii_alphabetic());
    if name.starts_with(['/', '\\']) || drive {
        return Some("absolute path (path traversal), rejected");
    }
    if name.split(['/', '\\']).any(|component| component == "..") {
        return Some("path contains `..` (path traversal), rejected");
    }
    None
}

/// The decompressed bytes one archive may still produce, shared between the counting reader
/// (owned by the tar crate) and the error mapping.
struct Budget {
    read: Cell<u64>,
    limit: u64,
    exceeded: Cell<bool>,
}

/// Counts and bounds what the decompressor hands the tar reader.
struct Counted<R> {
    inner: R,
    budget: Rc<Budget>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let remaining = self.budget.limit.saturating_sub(self.budget.read.get());
        if remaining == 0 {
            // Exactly at the limit is fine if the stream ends here.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.budget.exceeded.set(true);
            return Err(io::Error::other("decompressed size limit exceeded"));
        }
        let window = usize::try_from(remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let Some(window) = buf.get_mut(..window) else {
            return Ok(0);
        };
        let n = self.inner.read(window)?;
        self.budget.read.set(self.budget.read.get() + n as u64);
        Ok(n)
    }
}

/// Turns a tar-side IO error into the import error it stands for.
struct Failure<'a> {
    archive: &'a Path,
    budget: &'a Budget,
}

impl Failure<'_> {
    fn error(&self, at: String, error: &io::Error) -> ImportError {
        if self.budget.exceeded.get() {
            return ImportError::LimitExceeded {
                archive: self.archive.to_path_buf(),
                what: "decompressed bytes",
                limit: self.budget.limit,
            };
        }
        ImportError::Archive {
            archive: self.archive.to_path_buf(),
            at,
            detail: describe(error),
        }
    }
}

/// An error and its causes, as one line (decoders nest their reasons). A premature end of
/// input anywhere in the chain is said plainly: decoders word it in their own internals.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if current
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::UnexpectedEof)
        {
            return format!("unexpected end of data, the file is cut short ({current})");
        }
        cause = current.source();
    }
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
