//! Plain files: one JSON file named directly, and directory trees of them (GitHub's advisory
//! repository layout, `advisories/github-reviewed/YYYY/MM/GHSA-…/GHSA-….json`, included).
//!
//! A tree is walked in byte order of names at every level, so two imports of the same tree
//! see records in the same order. Symbolic links inside the tree are followed only to regular
//! files that stay inside the tree: a link out of it could read anything the user can, and a
//! link to a directory could loop. Hidden directories (`.git`) are not entered.

use std::ffi::OsString;
use std::fs::{self, File, FileType};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{ImportError, Reader, human_bytes, io_error, is_json_name, parse_document};

/// Reads one JSON file named directly: anything but an advisory is an error, not a skip, since
/// the user asked for exactly this file.
pub(super) fn read_single_json(reader: &mut Reader<'_>, path: &Path) -> Result<(), ImportError> {
    let limit = reader.limits.max_entry_bytes;
    let invalid = |reason: String| ImportError::InvalidRecord {
        path: path.to_path_buf(),
        reason,
    };
    if let ReadOutcome::TooLarge(size) = read_file(path, limit, &mut reader.buf)? {
        return Err(invalid(too_large(size, limit)));
    }
    reader.summary.files_read += 1;
    reader.summary.bytes_read += reader.buf.len() as u64;
    let record = parse_document(&reader.buf).map_err(|e| invalid(e.to_string()))?;
    let _ = reader.emit(record, path.display().to_string());
    Ok(())
}

/// Reads every `*.json` file under `root`.
pub(super) fn read_dir_tree(reader: &mut Reader<'_>, root: &Path) -> Result<(), ImportError> {
    let canonical_root = fs::canonicalize(root).map_err(|e| io_error(root, e))?;
    // Depth-first with an explicit stack of sorted listings: deep trees cannot overflow the
    // call stack, and order stays "files and directories interleaved by name".
    let mut stack = vec![list_dir(root)?.into_iter()];
    while let Some(listing) = stack.last_mut() {
        let Some((path, file_type)) = listing.next() else {
            stack.pop();
            continue;
        };
        let origin = || path.display().to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if file_type.is_dir() {
            if name.starts_with('.') {
                reader.summary.ignored += 1;
            } else {
                stack.push(list_dir(&path)?.into_iter());
            }
            continue;
        }
        if file_type.is_symlink() {
            let target = match fs::canonicalize(&path) {
                Ok(target) => target,
                Err(e) => {
                    reader.skip(
                        origin(),
                        format!("symbolic link that cannot be resolved: {e}"),
                    );
                    continue;
                }
            };
            if !target.starts_with(&canonical_root) {
                reader.skip(
                    origin(),
                    "symbolic link to outside the imported directory, not followed".to_owned(),
                );
                continue;
            }
            if !target.is_file() {
                reader.skip(
                    origin(),
                    "symbolic link to something other than a file, not followed".to_owned(),
                );
                continue;
            }
        } else if !file_type.is_file() {
            reader.summary.ignored += 1;
            continue;
        }
        if !is_json_name(&name) {
            reader.summary.ignored += 1;
            continue;
        }
        let limit = reader.limits.max_entry_bytes;
        if let ReadOutcome::TooLarge(size) = read_file(&path, limit, &mut reader.buf)? {
            reader.skip(origin(), too_large(size, limit));
            continue;
        }
        if reader.accept_buf(origin()).is_break() {
            return Ok(());
        }
    }
    Ok(())
}

/// A directory's entries, sorted by name, with their types (not following links).
fn list_dir(dir: &Path) -> Result<Vec<(PathBuf, FileType)>, ImportError> {
    let mut entries: Vec<(OsString, PathBuf, FileType)> = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| io_error(&path, e))?;
        entries.push((entry.file_name(), path, file_type));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries
        .into_iter()
        .map(|(_, path, file_type)| (path, file_type))
        .collect())
}

enum ReadOutcome {
    Read,
    /// The file is larger than the limit (its size, or at least limit + 1 when it grew).
    TooLarge(u64),
}

/// Reads `path` into `buf` (replacing its contents) unless it is larger than `limit`.
fn read_file(path: &Path, limit: u64, buf: &mut Vec<u8>) -> Result<ReadOutcome, ImportError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let size = file.metadata().map_err(|e| io_error(path, e))?.len();
    if size > limit {
        return Ok(ReadOutcome::TooLarge(size));
    }
    buf.clear();
    // The metadata size is a hint: a file may grow between stat and read.
    let read = file
        .take(limit.saturating_add(1))
        .read_to_end(buf)
        .map_err(|e| io_error(path, e))?;
    if read as u64 > limit {
        return Ok(ReadOutcome::TooLarge(read as u64));
    }
    Ok(ReadOutcome::Read)
}

pub(super) fn too_large(size: u64, limit: u64) -> String {
    format!(
        "{size} bytes, over the {} limit for one advisory",
        human_bytes(limit)
    )
}
