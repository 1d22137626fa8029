//! The layout of a bun.lockb: the header, the package table's struct of arrays, the six framed
//! buffers and the optional tagged sections after them (of which workspace versions feed the
//! model and patched dependencies are noted).

use std::collections::HashMap;

use super::reader::{Array, Reader, err, read_array};
use super::strings::{Strings, format_semver};
use super::{BIN_SIZE, CONVERT_HINT, DEPENDENCY_RECORD, META_SIZE, SCRIPTS_SIZE};
use crate::ParseError;
use crate::format::BUN_LOCKB_MAGIC;

/// Where each per-package array of the package table starts.
pub(super) struct Table {
    pub(super) count: usize,
    pub(super) names: usize,
    pub(super) resolutions_field: usize,
    pub(super) resolution_size: usize,
    pub(super) dep_slices: usize,
    pub(super) res_slices: usize,
    pub(super) metas: usize,
}

pub(super) struct File<'a> {
    bytes: &'a [u8],
    pub(super) version: u32,
    pub(super) table: Table,
    pub(super) resolutions: Array,
    pub(super) dependencies: Array,
    pub(super) string_bytes: Array,
    /// Workspace name hash → version, from the optional trailing section.
    pub(super) workspace_versions: HashMap<u64, String>,
    pub(super) notes: Vec<String>,
}

impl<'a> File<'a> {
    pub(super) fn read(bytes: &'a [u8]) -> Result<Self, ParseError> {
        if !bytes.starts_with(BUN_LOCKB_MAGIC) {
            return Err(err(
                0,
                "expected the bun.lockb header \"#!/usr/bin/env bun\\nbun-lockfile-format-v0\\n\"",
            ));
        }
        let r = Reader {
            bytes,
            limit: bytes.len(),
        };
        let mut pos = BUN_LOCKB_MAGIC.len();
        let version = r.u32(pos, "the format version")?;
        let resolution_size = match version {
            2 => 64,
            3 => 72,
            v => {
                return Err(err(
                    pos,
                    format!(
                        "unsupported bun.lockb format version {v}: Portcullis reads versions 2 and 3 (Bun 0.1.7 and later); {CONVERT_HINT}"
                    ),
                ));
            }
        };
        pos += 4 + 32; // format version, meta hash
        let total = r.usize(pos, "the data size")?;
        if total > bytes.len() {
            return Err(err(
                pos,
                format!(
                    "the header says the lockfile holds {total} bytes of data but the file has only {}: it is truncated",
                    bytes.len()
                ),
            ));
        }
        // Nothing past `total` is data (it is alignment padding): never read it.
        let r = Reader {
            bytes,
            limit: total,
        };
        pos += 8;
        let (table, after_table) = read_table(&r, pos, resolution_size)?;
        let mut arrays = [Array {
            start: 0,
            len: 0,
            elem: 1,
        }; 6];
        let mut pos = after_table;
        // trees, hoisted dependencies, resolutions, dependencies, extern strings, string bytes
        let layout: [(&str, Option<usize>); 6] = [
            ("the dependency trees", None),
            ("the hoisted dependencies", Some(4)),
            ("the resolutions", Some(4)),
            ("the dependencies", Some(DEPENDENCY_RECORD)),
            ("the extern strings", Some(16)),
            ("the string bytes", Some(1)),
        ];
        for (slot, (what, elem)) in arrays.iter_mut().zip(layout) {
            let (array, next) = read_array(&r, pos, elem, what)?;
            *slot = array;
            pos = next;
        }
        let [_, _, resolutions, dependencies, _, string_bytes] = arrays;
        if r.u64(pos, "the end-of-buffers marker")? != 0 {
            return Err(err(pos, "expected a zero u64 after the buffers"));
        }
        let mut file = File {
            bytes,
            version,
            table,
            resolutions,
            dependencies,
            string_bytes,
            workspace_versions: HashMap::new(),
            notes: Vec::new(),
        };
        file.read_trailer(&r, pos + 8)?;
        Ok(file)
    }

    pub(super) fn array_bytes(&self, a: Array) -> &'a [u8] {
        // In bounds: `read_array` checked start + len against the data size.
        self.bytes.get(a.start..a.start + a.len).unwrap_or_default()
    }

    pub(super) fn reader(&self) -> Reader<'a> {
        Reader {
            bytes: self.bytes,
            limit: self.bytes.len(),
        }
    }

    /// The optional sections after the buffers. Only workspace versions feed the model; the
    /// others are recognised so that the ones worth knowing about can be noted.
    fn read_trailer(&mut self, r: &Reader<'a>, mut pos: usize) -> Result<(), ParseError> {
        let version_size = if self.version == 2 { 48 } else { 56 };
        while pos + 8 <= r.limit {
            let tag = r.get(pos, 8, "a section tag")?;
            let body = pos + 8;
            pos = match tag {
                b"wOrKsPaC" => {
                    let (hashes, p) = read_array(r, body, Some(8), "the workspace name hashes")?;
                    let (versions, p) =
                        read_array(r, p, Some(version_size), "the workspace versions")?;
                    let (_, p) = read_array(r, p, Some(8), "the workspace path hashes")?;
                    let (_, p) = read_array(r, p, Some(8), "the workspace paths")?;
                    self.workspace_versions(hashes, versions)?;
                    p
                }
                b"tRuStEDd" => read_array(r, body, Some(4), "the trusted dependencies")?.1,
                b"eMpTrUsT" => body,
                b"oVeRriDs" => {
                    let (_, p) = read_array(r, body, Some(8), "the override name hashes")?;
                    read_array(r, p, Some(DEPENDENCY_RECORD), "the overrides")?.1
                }
                b"pAtChEdD" => {
                    let (keys, p) = read_array(r, body, Some(8), "the patched dependency keys")?;
                    let (_, p) = read_array(r, p, None, "the patched dependencies")?;
                    self.notes.push(format!(
                        "{} package(s) are patched by the project (patchedDependencies): their installed code differs from the published tarball",
                        keys.count()
                    ));
                    p
                }
                b"cAtAlOgS" => read_catalogs(r, body)?,
                b"nO hOiSt" => read_array(r, body, Some(8), "the nohoist patterns")?.1,
                // The hoisting limit is the last section Bun writes; nothing we need follows.
                b"hOiStLiM" => break,
                _ => {
                    self.notes.push(format!(
                        "bun.lockb has an unrecognised section at byte {pos}; it and anything after it were not read"
                    ));
                    break;
                }
            };
        }
        Ok(())
    }

    fn workspace_versions(&mut self, hashes: Array, versions: Array) -> Result<(), ParseError> {
        if hashes.count() != versions.count() {
            return Err(err(
                versions.start,
                format!(
                    "{} workspace name hashes but {} workspace versions",
                    hashes.count(),
                    versions.count()
                ),
            ));
        }
        let strings = Strings {
            buf: self.array_bytes(self.string_bytes),
            base: self.string_bytes.start,
        };
        let r = self.reader();
        for i in 0..hashes.count() {
            let hash = r.u64(hashes.start + 8 * i, "a workspace name hash")?;
            let version = format_semver(
                &r,
                &strings,
                versions.start + versions.elem * i,
                self.version,
            )?;
            self.workspace_versions.insert(hash, version);
        }
        Ok(())
    }
}

/// Reads the package table header and checks that its arrays fit exactly.
fn read_table(
    r: &Reader<'_>,
    pos: usize,
    resolution_size: usize,
) -> Result<(Table, usize), ParseError> {
    let count = r.u64(pos, "the package count")?;
    let alignment = r.u64(pos + 8, "the package table alignment")?;
    if alignment != 8 {
        return Err(err(
            pos + 8,
            format!("package table alignment is {alignment}, expected 8"),
        ));
    }
    let fields = r.u64(pos + 16, "the package field count")?;
    let scripts = match fields {
        8 => SCRIPTS_SIZE,
        // Lockfiles from before Bun 0.6.8 have no `scripts` array.
        7 => 0,
        n => {
            return Err(err(
                pos + 16,
                format!(
                    "packages have {n} fields, expected 8 (or 7 before Bun 0.6.8); {CONVERT_HINT}"
                ),
            ));
        }
    };
    let begin = r.usize(pos + 24, "the package table start")?;
    let end = r.usize(pos + 32, "the package table end")?;
    let header_end = pos + 40;
    if begin < header_end || begin > end || end > r.limit {
        return Err(err(
            pos + 24,
            format!(
                "package table range {begin}..{end} is not inside the file's data ({header_end}..{})",
                r.limit
            ),
        ));
    }
    let per_package = 8 + 8 + resolution_size + 8 + 8 + META_SIZE + BIN_SIZE + scripts;
    let expected = usize::try_from(count)
        .ok()
        .and_then(|c| c.checked_mul(per_package));
    if expected != Some(end - begin) {
        return Err(err(
            pos,
            format!(
                "{count} packages need {} bytes of package table ({per_package} each) but the table has {}; {CONVERT_HINT}",
                expected.map_or_else(|| "more than addressable".to_owned(), |e| e.to_string()),
                end - begin
            ),
        ));
    }
    // `count * per_package` fits in the file, so every product below does too.
    let count = end.saturating_sub(begin) / per_package;
    if count == 0 {
        return Err(err(
            pos,
            "the package table is empty; expected at least the root package",
        ));
    }
    let names = begin;
    let resolutions_field = begin + 16 * count;
    let dep_slices = resolutions_field + resolution_size * count;
    let table = Table {
        count,
        names,
        resolutions_field,
        resolution_size,
        dep_slices,
        res_slices: dep_slices + 8 * count,
        metas: dep_slices + 16 * count,
    };
    Ok((table, end))
}

/// The catalogs section: default catalog names and dependencies, then named groups.
fn read_catalogs(r: &Reader<'_>, pos: usize) -> Result<usize, ParseError> {
    let (_, p) = read_array(r, pos, Some(8), "the catalog names")?;
    let (_, p) = read_array(r, p, Some(DEPENDENCY_RECORD), "the catalog dependencies")?;
    let (groups, mut p) = read_array(r, p, Some(8), "the catalog groups")?;
    // Each group takes at least two 16-byte array headers, so this loop is bounded by the
    // file's size (every `read_array` moves `p` forward).
    for _ in 0..groups.count() {
        p = read_array(r, p, Some(8), "a catalog group's names")?.1;
        p = read_array(
            r,
            p,
            Some(DEPENDENCY_RECORD),
            "a catalog group's dependencies",
        )?
        .1;
    }
    Ok(p)
}
