//! Reads every JavaScript lockfile format into one [`Lockfile`] model.
//!
//! One module per format family (`npm`, `yarn_v1`, `yarn_berry`, `pnpm`, `bun`, `bun_binary`,
//! `node_modules`), each turning text into a [`Lockfile`] whose edges are already resolved to
//! package or importer indices. [`discover`] finds the lockfile a package manager would use in
//! a directory; [`load`] reads and parses one file with size limits and precise errors.

mod bun;
mod bun_binary;
mod discover;
mod error;
mod format;
mod importers;
mod manifest;
mod model;
mod node_modules;
mod npm;
mod pnpm;
mod spec;
mod yarn_berry;
mod yarn_v1;

pub use discover::{Discovered, discover};
pub use error::{Error, ParseError};
pub use format::{Format, FormatFamily};
pub use manifest::{Manifest, read_project};
pub use model::{Dependency, Importer, Lockfile, Package, Target, UnresolvedReason};

use std::path::Path;

/// The largest lockfile we read. Real lockfiles of huge monorepos stay far below this; anything
/// bigger is far more likely an attack or a mistake than a lockfile.
pub const MAX_LOCKFILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads and parses the lockfile at `path`, detecting its format from name and content.
pub fn load(path: &Path) -> Result<Lockfile, Error> {
    if path.is_dir() {
        if path.file_name().is_some_and(|n| n == "node_modules") {
            return node_modules::read(path);
        }
        return Err(Error::IsDirectory {
            path: path.to_owned(),
        });
    }
    let bytes = read_bounded(path)?;
    let family = format::detect(path, &bytes).map_err(|reason| Error::UnknownFormat {
        path: path.to_owned(),
        reason,
    })?;
    parse_bytes(family, &bytes).map_err(|e| e.with_path(path, family))
}

/// Parses `bytes` as a lockfile of `family`, IO-free. Used by fuzzing and benchmarks.
pub fn parse_bytes(family: FormatFamily, bytes: &[u8]) -> Result<Lockfile, ParseError> {
    parse_with_manifests(family, bytes, &[])
}

/// Parses `bytes` as a lockfile of `family`, taking the importers' declared dependencies from
/// `manifests` (root first) for formats that do not record them.
pub fn parse_with_manifests(
    family: FormatFamily,
    bytes: &[u8],
    manifests: &[Manifest],
) -> Result<Lockfile, ParseError> {
    match family {
        FormatFamily::BunBinary => bun_binary::parse(bytes, manifests),
        FormatFamily::Npm => npm::parse(as_text(bytes)?, manifests),
        FormatFamily::YarnV1 => yarn_v1::parse(as_text(bytes)?, manifests),
        FormatFamily::YarnBerry => yarn_berry::parse(as_text(bytes)?),
        FormatFamily::Pnpm => pnpm::parse(as_text(bytes)?),
        FormatFamily::Bun => bun::parse(as_text(bytes)?),
    }
}

fn as_text(bytes: &[u8]) -> Result<&str, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ParseError::at_offset(bytes, e.valid_up_to(), "file is not valid UTF-8 text")
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

pub(crate) fn read_bounded(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_LOCKFILE_BYTES {
        return Err(Error::TooLarge {
            path: path.to_owned(),
            size: len,
            limit: MAX_LOCKFILE_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // Read one byte past the limit so a file that grows while we read is still caught.
    file.take(MAX_LOCKFILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_LOCKFILE_BYTES {
        return Err(Error::TooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
            limit: MAX_LOCKFILE_BYTES,
        });
    }
    Ok(bytes)
}
